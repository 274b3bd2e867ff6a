namespace Telex.Core.Storage;

/// <summary>Clearance of drafts before release, and coordination requests from partners. Every step is one method running in one transaction with its entry in the register's chain (kind <see cref="Register.RegisterKinds.Clearance"/>) and the outbox items it sends.</summary>
public interface IClearanceStore
{
    /// <summary>Files a new draft with its first log entry and the outbox items (coordination requests) it sends, in one transaction.</summary>
    Task CreateDraftAsync(DraftRecord draft, ClearanceLogEntry log, IReadOnlyList<OutboxItem> outbox, CancellationToken ct = default);

    /// <summary>Finds a draft.</summary>
    Task<DraftRecord?> GetDraftAsync(Guid id, CancellationToken ct = default);

    /// <summary>Finds a draft by this agency's short number for it.</summary>
    Task<DraftRecord?> GetDraftByNumberAsync(long number, CancellationToken ct = default);

    /// <summary>Drafts, newest first; only those in <paramref name="status"/> when given.</summary>
    Task<IReadOnlyList<DraftRecord>> ListDraftsAsync(DraftStatus? status, int limit, CancellationToken ct = default);

    /// <summary>A draft's recorded steps, oldest first.</summary>
    Task<IReadOnlyList<ClearanceLogEntry>> ListClearanceLogAsync(Guid draftId, CancellationToken ct = default);

    /// <summary>
    /// Changes a draft: in one transaction reads it, calls <paramref name="change"/>, writes the draft as it becomes, the
    /// log entry and the outbox items. Null if the draft is unknown; nothing is written if <paramref name="change"/> throws.
    /// </summary>
    Task<DraftRecord?> ChangeDraftAsync(Guid id, Func<DraftRecord, DraftChange> change, CancellationToken ct = default);

    /// <summary>
    /// Releases a cleared draft: in one transaction reads it, takes the tie's next serial, calls <paramref name="build"/>
    /// and files the telegram, its outbox item, the draft as it becomes and the log entry. Null if the draft is unknown;
    /// nothing is written if <paramref name="build"/> throws. With a <paramref name="claim"/>, the client's request id is kept
    /// with it.
    /// </summary>
    Task<TelegramRecord?> ReleaseDraftAsync(Guid id, string peerDid,
        Func<DraftRecord, long, (TelegramRecord Record, OutboxItem Outbox, DraftChange Change)> build, IdempotencyClaim? claim = null,
        CancellationToken ct = default);

    /// <summary>Files a partner's coordination request, idempotent by id; false if filed before.</summary>
    Task<bool> RecordCoordinationRequestAsync(CoordinationRequest request, CancellationToken ct = default);

    /// <summary>Finds a coordination request.</summary>
    Task<CoordinationRequest?> GetCoordinationRequestAsync(Guid id, CancellationToken ct = default);

    /// <summary>Coordination requests, newest first; only those in <paramref name="state"/> when given.</summary>
    Task<IReadOnlyList<CoordinationRequest>> ListCoordinationRequestsAsync(ClearanceState? state, CancellationToken ct = default);

    /// <summary>
    /// Answers a coordination request: in one transaction reads it, calls <paramref name="answer"/>, writes the request
    /// as it becomes and the outbox item carrying the answer. Null if unknown; nothing is written if it throws.
    /// </summary>
    Task<CoordinationRequest?> AnswerCoordinationRequestAsync(Guid id, Func<CoordinationRequest, (CoordinationRequest Request, OutboxItem Outbox)> answer,
        CancellationToken ct = default);
}
