namespace Telex.Core.Storage;

/// <summary>
/// Everything an agency keeps, one property per role (register, telegrams, outbox, ties, issues, …), each service
/// depending on the roles it uses; several backends (SQLite embedded, PostgreSQL for scale) implement every role, each
/// passing the same compliance suite. Every method of a role is atomic: it either completes or changes nothing, and a
/// write that touches the tables of several roles (a release files the telegram, its outbox item and its register entry)
/// is one method of the role that owns it, run in one transaction. Implementations are thread-safe and may be shared by
/// several agency nodes (the outbox is claimed).
/// </summary>
public interface ITelexStore : IAsyncDisposable
{
    /// <summary>The register: its chain, queries, imported cables, checkpoints, export and import.</summary>
    IRegisterStore Register { get; }

    /// <summary>Telegrams: release, registration, receipts and reading.</summary>
    ITelegramStore Telegrams { get; }

    /// <summary>Messages waiting to be sent to counterparts.</summary>
    IOutboxStore Outbox { get; }

    /// <summary>Ties with counterparts and the invitations that open them.</summary>
    ITieStore Ties { get; }

    /// <summary>Issues shared with counterparts.</summary>
    IIssueStore Issues { get; }

    /// <summary>Clearance of drafts and coordination requests.</summary>
    IClearanceStore Clearance { get; }

    /// <summary>Bureaus, their epochs, issues and outcomes.</summary>
    IBureauStore Bureaus { get; }

    /// <summary>The directory of agencies and their dossiers.</summary>
    IDirectoryStore Directory { get; }

    /// <summary>Key rotations, this agency's and its counterparts'.</summary>
    IKeyStore Keys { get; }

    /// <summary>Officers and their administration.</summary>
    IOfficerStore Officers { get; }

    /// <summary>Officers' API tokens.</summary>
    ISessionStore Sessions { get; }

    /// <summary>Envelopes relayed for counterparts.</summary>
    IRelayStore Relays { get; }

    /// <summary>Clients' request ids kept with the releases that claimed them.</summary>
    IIdempotencyStore Idempotency { get; }

    /// <summary>Agency settings.</summary>
    ISettingsStore Settings { get; }

    /// <summary>Creates or upgrades the schema. Safe to call at every start and from several nodes.</summary>
    Task MigrateAsync(CancellationToken ct = default);
}
