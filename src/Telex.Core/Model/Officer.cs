namespace Telex.Core.Model;

/// <summary>A person who signs in to the agency's console or API.</summary>
/// <param name="Name">Sign-in name, unique in the agency.</param>
/// <param name="Role">Role.</param>
/// <param name="PasswordHash">Password hash in <see cref="Security.PasswordHasher"/> format.</param>
/// <param name="CreatedAt">When the officer was created.</param>
/// <param name="MustChangePassword">True until the officer changes the one-time password given at creation.</param>
/// <param name="FailedSignIns">Failed sign-ins since the last success (for lockout).</param>
/// <param name="LockedUntil">Sign-in is refused until this time, after too many failures.</param>
/// <param name="Disabled">
/// A disabled officer cannot sign in and their tokens are refused; an admin enables them again. Default false.
/// </param>
public sealed record Officer(
    string Name,
    Role Role,
    string PasswordHash,
    DateTimeOffset CreatedAt,
    bool MustChangePassword = false,
    int FailedSignIns = 0,
    DateTimeOffset? LockedUntil = null,
    bool Disabled = false);

/// <summary>A bearer token issued to an officer; only its hash is stored.</summary>
public sealed record ApiToken(string TokenHash, string OfficerName, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>An invitation this agency issued: a one-time secret, valid until it expires or is used.</summary>
public sealed record Invitation(string Id, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? Note);

/// <summary>The kind of work in the outbox.</summary>
public enum OutboxKind
{
    /// <summary>A telegram: retried until a verified receipt arrives or it expires.</summary>
    Telegram,

    /// <summary>Any other message (receipt, tie protocol, problem report): done once the next hop accepts it.</summary>
    Message,
}

/// <summary>One unit of outgoing work, claimed by one node at a time.</summary>
/// <param name="Id">Row id.</param>
/// <param name="Kind">The kind.</param>
/// <param name="PeerDid">The recipient DID.</param>
/// <param name="Endpoint">The recipient's endpoint.</param>
/// <param name="Payload">What to encrypt and send: the signed message (JWS) or a plaintext to sign and encrypt.</param>
/// <param name="DueAt">When the next attempt is due.</param>
/// <param name="ExpiresAt">After this time the item fails instead of being tried again.</param>
/// <param name="TelegramId">The telegram id, for <see cref="OutboxKind.Telegram"/>.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="Precedence">Precedence (higher goes first).</param>
public sealed record OutboxItem(
    Guid Id,
    OutboxKind Kind,
    string PeerDid,
    string Endpoint,
    byte[] Payload,
    DateTimeOffset DueAt,
    DateTimeOffset ExpiresAt,
    Guid? TelegramId = null,
    int Attempts = 0,
    Precedence Precedence = Precedence.Routine);
