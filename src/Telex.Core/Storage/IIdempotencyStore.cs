namespace Telex.Core.Storage;

/// <summary>
/// A client's request id (the <c>Idempotency-Key</c> of the client API) claimed by a release: the store writes it in the
/// release's own transaction, first, so that a release and its key are committed together or not at all, and a second
/// release under the same key, even on another node, finds it and writes nothing.
/// </summary>
/// <param name="Officer">The officer whose key it is: keys are per officer.</param>
/// <param name="Key">The key as the client sent it.</param>
/// <param name="RequestHash">A digest of what was asked (operation and body), so the same key with another request is told apart.</param>
/// <param name="CreatedAt">When the key was claimed.</param>
/// <param name="ExpiresAt">Until when it is kept; an expired key is free again.</param>
/// <param name="Answer">
/// Makes the answer to keep from the telegrams the release filed, inside its transaction (opaque to the store: the
/// client API keeps its response). Must not throw for a release that succeeded.
/// </param>
public sealed record IdempotencyClaim(
    string Officer,
    string Key,
    string RequestHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    Func<IReadOnlyList<TelegramRecord>, byte[]> Answer);

/// <summary>A client's request id as kept: what was asked, what it filed and the answer it got.</summary>
/// <param name="Officer">Whose key.</param>
/// <param name="Key">The key.</param>
/// <param name="RequestHash">The digest of the request it was first used with.</param>
/// <param name="CreatedAt">When it was claimed.</param>
/// <param name="ExpiresAt">Until when it is kept.</param>
/// <param name="Telegrams">The telegrams the release filed, in order.</param>
/// <param name="Answer">The answer kept (<see cref="IdempotencyClaim.Answer"/>).</param>
public sealed record IdempotentRelease(string Officer, string Key, string RequestHash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt,
    IReadOnlyList<Guid> Telegrams, byte[] Answer);

/// <summary>Thrown by a release whose <see cref="IdempotencyClaim"/> another release holds already; nothing was written.</summary>
public sealed class IdempotencyKeyTakenException : Exception
{
    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyTakenException()
        : base("the idempotency key was used by another release")
    {
    }

    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyTakenException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    public IdempotencyKeyTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>Clients' request ids, kept with the releases that claimed them.</summary>
public interface IIdempotencyStore
{
    /// <summary>
    /// The release an officer's key was used for, unless it expired at <paramref name="now"/>; null if the key is free. A
    /// release given an <see cref="IdempotencyClaim"/> (<see cref="ITelegramStore.ReleaseAsync"/>, <see cref="IClearanceStore.ReleaseDraftAsync"/>,
    /// <see cref="ITelegramStore.ReleaseFanOutAsync"/>) claims it first in its transaction, drops that officer's expired keys, and keeps
    /// the telegrams and answer with it; if the key is held (and unexpired) it throws
    /// <see cref="IdempotencyKeyTakenException"/> and writes nothing.
    /// </summary>
    Task<IdempotentRelease?> FindIdempotentReleaseAsync(string officer, string key, DateTimeOffset now, CancellationToken ct = default);
}
