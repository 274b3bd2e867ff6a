namespace Telex.Core.Model;

/// <summary>A person who signs in to the agency's console or API.</summary>
public sealed record Officer
{
    /// <summary>Sign-in name, unique in the agency.</summary>
    public required string Name { get; init; }

    /// <summary>Role.</summary>
    public required Role Role { get; init; }

    /// <summary>Password hash in <see cref="Security.PasswordHasher"/> format.</summary>
    public required string PasswordHash { get; init; }

    /// <summary>When the officer was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>True until the officer changes the one-time password given at creation.</summary>
    public bool MustChangePassword { get; init; }

    /// <summary>Failed sign-ins since the last success (for lockout).</summary>
    public int FailedSignIns { get; init; }

    /// <summary>Sign-in is refused until this time, after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>
    /// A disabled officer cannot sign in and their tokens are refused; an admin enables them again. Default false.
    /// </summary>
    public bool Disabled { get; init; }
}

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
public sealed record OutboxItem
{
    /// <summary>Row id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The kind.</summary>
    public required OutboxKind Kind { get; init; }

    /// <summary>The telegram id, for <see cref="OutboxKind.Telegram"/>.</summary>
    public Guid? TelegramId { get; init; }

    /// <summary>The recipient DID.</summary>
    public required string PeerDid { get; init; }

    /// <summary>The recipient's endpoint.</summary>
    public required string Endpoint { get; init; }

    /// <summary>What to encrypt and send: the signed message (JWS) or a plaintext to sign and encrypt.</summary>
    public required byte[] Payload { get; init; }

    /// <summary>Attempts so far.</summary>
    public int Attempts { get; init; }

    /// <summary>When the next attempt is due.</summary>
    public required DateTimeOffset DueAt { get; init; }

    /// <summary>After this time the item fails instead of being tried again.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>Precedence (higher goes first).</summary>
    public Precedence Precedence { get; init; }
}
