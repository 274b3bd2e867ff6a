namespace Telex.Api.Contracts;

/// <summary><c>POST /api/ties/invitations</c>.</summary>
public sealed record InvitationRequest(int? ValidityMinutes, string? Note);

/// <summary>An invitation to hand to the other agency out of band.</summary>
public sealed record InvitationView(string Id, string Code, string Url, DateTimeOffset ExpiresAt);

/// <summary><c>POST /api/ties/accept</c>: the invitation URL or the bare code.</summary>
public sealed record AcceptRequest(string? Code);

/// <summary><c>POST /api/ties/{did}/terms</c>: a term left out keeps its current value.</summary>
public sealed record TermsRequest(int? MaxTelegramBytes, int? MaxAttachmentBytes, long? ExpirySeconds, long? MaxRetryIntervalMs, bool? ReadReceipts,
    bool? Relays = null);

/// <summary>The terms of a tie.</summary>
public sealed record TermsView(int Version, int MaxTelegramBytes, int MaxAttachmentBytes, long ExpirySeconds, long MaxRetryIntervalMs, bool ReadReceipts,
    bool Relays);

/// <summary>A counterpart and the tie with it.</summary>
public sealed record TieView(
    string PeerDid,
    string PeerName,
    string Endpoint,
    TieStatus Status,
    bool Verified,
    string Fingerprint,
    TermsView Terms,
    TermsView? ProposedTerms,
    bool ProposedByUs,
    DateTimeOffset? EstablishedAt,
    long LastSentSerial);
