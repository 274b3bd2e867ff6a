using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/ties/invitations</c>.</summary>
internal sealed record InvitationRequest(int? ValidityMinutes, string? Note);

/// <summary>An invitation to hand to the other agency out of band.</summary>
internal sealed record InvitationView(string Id, string Code, string Url, DateTimeOffset ExpiresAt);

/// <summary><c>POST /api/ties/accept</c>: the invitation URL or the bare code.</summary>
internal sealed record AcceptRequest(string? Code);

/// <summary><c>POST /api/ties/{did}/terms</c>: a term left out keeps its current value.</summary>
internal sealed record TermsRequest(int? MaxTelegramBytes, int? MaxAttachmentBytes, long? ExpirySeconds, long? MaxRetryIntervalMs, bool? ReadReceipts,
    bool? Relays = null);

/// <summary>The terms of a tie.</summary>
internal sealed record TermsView(int Version, int MaxTelegramBytes, int MaxAttachmentBytes, long ExpirySeconds, long MaxRetryIntervalMs, bool ReadReceipts,
    bool Relays)
{
    public static TermsView From(TieTerms t) => new(t.Version, t.MaxTelegramBytes, t.MaxAttachmentBytes,
        (long)t.Expiry.TotalSeconds, (long)t.MaxRetryInterval.TotalMilliseconds, t.ReadReceipts, t.Relays);
}

/// <summary>A counterpart and the tie with it.</summary>
internal sealed record TieView(
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
    long LastSentSerial)
{
    public static TieView From(Tie t, string fingerprint) => new(t.PeerDid, t.PeerName, t.PeerEndpoint, t.Status, t.Verified, fingerprint,
        TermsView.From(t.Terms), t.ProposedTerms is { } p ? TermsView.From(p) : null, t.ProposedByUs,
        t.EstablishedAt == default ? null : t.EstablishedAt, t.LastSentSerial);
}
