using System.Security.Cryptography;

using Telex.Core.Identity;
using Telex.Core.Security;

namespace Telex.Core.Ties;

/// <summary>
/// Ties with counterparts: invitations, establishing, verifying, suspending, resuming and severing them, their terms,
/// and the signed control messages sent over them. The tie a counterpart's message arrives over is what the inbound
/// gate judges it by.
/// </summary>
public sealed class TieService : AgencyService
{
    private readonly DirectoryService _directory;
    private readonly IOutboxStore _outbox;
    private readonly ITieStore _ties;

    /// <summary>Creates the ties of the agency <paramref name="context"/> serves; a verified tie is linked in <paramref name="directory"/>.</summary>
    internal TieService(AgencyContext context, DirectoryService directory)
        : base(context)
    {
        _directory = directory;
        _outbox = context.Store.Outbox;
        _ties = context.Store.Ties;
    }

    /// <summary>Issues a one-time invitation to establish a tie.</summary>
    public async Task<InvitationCode> CreateInvitationAsync(TimeSpan? validity = null, string? note = null, CancellationToken ct = default)
    {
        var v = validity ?? Options.InvitationValidity;
        if (v <= TimeSpan.Zero || v > TimeSpan.FromDays(30))
        {
            throw new TelexException(TelexErrorKind.Invalid, "an invitation must be valid for between 1 second and 30 days");
        }

        string id = Guid.NewGuid().ToString();
        string secret = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));
        var now = Now;
        await _ties.AddInvitationAsync(new Invitation(id, PasswordHasher.HashToken(secret), now, now + v, note), ct).ConfigureAwait(false);
        return new InvitationCode(id, Identity.Did, Identity.Name, secret, now + v);
    }

    /// <summary>
    /// Accepts an invitation from another agency: sends the signed request over DIDComm and records the tie as
    /// invited; it becomes established when the inviter's acceptance arrives. Throws when the code is invalid,
    /// expired, or the inviter refuses.
    /// </summary>
    public async Task<Tie> AcceptInvitationAsync(string code, CancellationToken ct = default)
    {
        if (!InvitationCode.TryParse(code, out var invitation, out var error))
        {
            throw new TelexException(TelexErrorKind.Invalid, "invalid invitation: " + error);
        }

        if (invitation.ExpiresAt <= Now)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the invitation has expired");
        }

        if (invitation.InviterDid == Identity.Did)
        {
            throw new TelexException(TelexErrorKind.Invalid, "an agency cannot tie with itself");
        }

        if (EndpointPolicy.Refusal(invitation.Endpoint) is { } refused)
        {
            throw new TelexException(TelexErrorKind.Invalid, $"the inviter's endpoint is refused: {refused}");
        }

        var existing = await _ties.GetTieAsync(invitation.InviterDid, ct).ConfigureAwait(false);
        if (existing is { Status: TieStatus.Established or TieStatus.Suspended })
        {
            throw new TelexException(TelexErrorKind.Conflict, "a tie with this agency exists already");
        }

        var request = ControlMessage(MessageTypes.TieRequest, invitation.InviterDid, new JsonObject
        {
            ["invitation"] = invitation.Id,
            ["secret"] = invitation.Secret,
            ["name"] = Identity.Name,
        }) with
        { Pthid = invitation.Id };
        byte[] packed;
        try
        {
            // Packed before anything is stored: an inviter's DID that names no key to encrypt to leaves no tie behind.
            packed = Packer.PackEncryptedPayload(Packer.PackSigned(request, request.From!).Packed, new PackEncryptedOptions { To = invitation.InviterDid }).Packed;
        }
        catch (DidCommException e)
        {
            throw new TelexException(TelexErrorKind.Invalid, "the inviter's DID cannot be encrypted to: " + e.Message);
        }

        var tie = new Tie
        {
            PeerDid = invitation.InviterDid,
            PeerName = invitation.InviterName,
            PeerEndpoint = invitation.Endpoint,
            Status = TieStatus.Invited,
            LastSentSerial = existing?.LastSentSerial ?? 0,
        };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        var result = await Context.Transport.SendAsync(tie.PeerEndpoint, packed, ct).ConfigureAwait(false);
        if (!result.Accepted)
        {
            // Nothing stays behind a refused request (a mistyped code, an expired invitation): the tie held before, or none.
            if (existing is null)
            {
                await _ties.ForgetInvitedTieAsync(tie.PeerDid, ct).ConfigureAwait(false);
            }
            else
            {
                await _ties.SaveTieAsync(existing, ct).ConfigureAwait(false);
            }

            throw new TelexException(TelexErrorKind.Peer, result.Status == 0
                ? $"the inviter could not be reached: {result.Detail}"
                : $"the inviter refused ({result.Status}): {result.Detail}");
        }

        return tie;
    }

    /// <summary>Marks a tie verified after officers compared the fingerprint.</summary>
    public async Task<Tie> VerifyTieAsync(string peerDid, CancellationToken ct = default)
    {
        var tie = await RequireTieAsync(peerDid, ct).ConfigureAwait(false);
        tie = tie with { Verified = true };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        Publish("tie.verified", peerDid);
        await _directory.LinkOnVerifiedAsync(tie, ct).ConfigureAwait(false);
        return tie;
    }

    /// <summary>
    /// Suspends, resumes or severs a tie, and tells the counterpart. A suspension is lifted only by the side that made it:
    /// a tie the counterpart suspended cannot be resumed here (it can be severed).
    /// </summary>
    public async Task<Tie> ChangeTieStatusAsync(string peerDid, TieStatus status, CancellationToken ct = default)
    {
        var tie = await RequireTieAsync(peerDid, ct).ConfigureAwait(false);
        if (StatusChangeProblem(tie, status) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Conflict, problem);
        }

        // Tell the counterpart first, while the tie still lets the message through, then change it here.
        await EnqueueControlAsync(tie, MessageTypes.TieStatus, new JsonObject { ["status"] = status.ToString().ToLowerInvariant() }, ct).ConfigureAwait(false);
        tie = tie with { Status = status, SuspendedBy = status == TieStatus.Suspended ? TieSide.ThisAgency : null };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        Log.TieStatusChanged(Logger, tie.PeerName, status);
        Publish("tie." + status.ToString().ToLowerInvariant(), peerDid);
        return tie;
    }

    /// <summary>
    /// Why this agency's officers may not take <paramref name="tie"/> to <paramref name="status"/>, or null when they may:
    /// an established tie may be suspended, a suspended one resumed (unless the counterpart suspended it: only the side
    /// that suspends resumes), and any tie but a severed one severed.
    /// </summary>
    internal static string? StatusChangeProblem(Tie tie, TieStatus status)
    {
        bool allowed = (tie.Status, status) switch
        {
            (TieStatus.Established, TieStatus.Suspended) => true,
            (TieStatus.Suspended, TieStatus.Established) => true,
            (TieStatus.Established or TieStatus.Suspended or TieStatus.Invited, TieStatus.Severed) => true,
            _ => false,
        };
        if (!allowed)
        {
            return $"a {tie.Status.ToString().ToLowerInvariant()} tie cannot become {status.ToString().ToLowerInvariant()}";
        }

        return tie.Status == TieStatus.Suspended && status == TieStatus.Established && tie.SuspendedBy == TieSide.Counterpart
            ? "the counterpart suspended this tie: only the counterpart can resume it"
            : null;
    }

    /// <summary>Proposes new terms; they take effect when the counterpart signs them.</summary>
    public async Task<Tie> ProposeTermsAsync(string peerDid, TieTerms terms, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var tie = await RequireTieAsync(peerDid, ct).ConfigureAwait(false);
        if (tie.Status != TieStatus.Established)
        {
            throw new TelexException(TelexErrorKind.Conflict, "terms can change only on an established tie");
        }

        terms = terms with { Version = tie.Terms.Version + 1 };
        if (terms.Validate() is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, problem);
        }

        tie = tie with { ProposedTerms = terms, ProposedByUs = true };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        await EnqueueControlAsync(tie, MessageTypes.TermsPropose, new JsonObject { ["terms"] = TermsJson(terms) }, ct).ConfigureAwait(false);
        return tie;
    }

    /// <summary>Signs the terms the counterpart proposed; they take effect on both sides.</summary>
    public async Task<Tie> SignProposedTermsAsync(string peerDid, CancellationToken ct = default)
    {
        var tie = await RequireTieAsync(peerDid, ct).ConfigureAwait(false);
        if (tie.ProposedTerms is null || tie.ProposedByUs)
        {
            throw new TelexException(TelexErrorKind.Conflict, "the counterpart has proposed no terms to sign");
        }

        var terms = tie.ProposedTerms;
        tie = tie with { Terms = terms, ProposedTerms = null };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        await EnqueueControlAsync(tie, MessageTypes.TermsSign, new JsonObject { ["terms"] = TermsJson(terms) }, ct).ConfigureAwait(false);
        Publish("tie.terms", peerDid);
        return tie;
    }

    /// <summary>The tie with a counterpart, under its current DID or one it held before a rotation; null when none.</summary>
    public Task<Tie?> GetTieAsync(string peerDid, CancellationToken ct = default) => _ties.GetTieAsync(peerDid, ct);

    /// <summary>Every tie held, whatever its status.</summary>
    public Task<IReadOnlyList<Tie>> ListTiesAsync(CancellationToken ct = default) => _ties.ListTiesAsync(ct);

    /// <summary>The safety number of the tie with <paramref name="peerDid"/>, which the officers of both agencies compare.</summary>
    public string FingerprintWith(string peerDid) => Fingerprint.Of(Identity.Did, peerDid);

    private async Task<Tie> RequireTieAsync(string peerDid, CancellationToken ct) =>
        await _ties.GetTieAsync(peerDid, ct).ConfigureAwait(false)
        ?? throw new TelexException(TelexErrorKind.NotFound, "no tie with that agency");

    /// <summary>
    /// A request for a tie with the invitation's secret. The gate let it through only when no tie with the sender is
    /// established or suspended; <paramref name="existing"/> is the tie it found, if any (its serial counter carries on).
    /// </summary>
    internal async Task HandleTieRequestAsync(Message message, Tie? existing, CancellationToken ct)
    {
        string? invitationId = message.Body.StringMember("invitation");
        string? secret = message.Body.StringMember("secret");
        string? name = message.Body.StringMember("name");
        if (invitationId is null || secret is null || name is null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a tie request needs the invitation id, its secret and a name");
        }

        if (PeerText.AgencyNameProblem(name) is { } badName)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-name", "the requesting agency's name is refused: " + badName);
        }

        if (!Dids.TryResolve(message.From!, out var peerDoc) || peerDoc.Services.Count == 0)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.did.no-endpoint", "the requester's DID names no endpoint");
        }

        if (EndpointPolicy.Refusal(peerDoc.Services[0].Uri) is { } refused)
        {
            throw new InboundRefusal(RefusalKind.Forbidden, PeerEndpointPolicy.RefusedCode, $"the requester's endpoint is refused: {refused}");
        }

        // Consumed only together with its secret: a reused, unknown or expired invitation, or a wrong secret, is refused
        // before anything is stored, and a wrong secret leaves the invitation usable with the right one.
        if (await _ties.ConsumeInvitationAsync(invitationId, PasswordHasher.HashToken(secret), Now, ct).ConfigureAwait(false) is null)
        {
            throw new InboundRefusal(RefusalKind.Forbidden, "e.p.tie.invitation", "the invitation is unknown, used, expired or its secret is wrong");
        }

        var tie = new Tie
        {
            PeerDid = message.From!,
            PeerName = name,
            PeerEndpoint = peerDoc.Services[0].Uri,
            Status = TieStatus.Established,
            EstablishedAt = Now,
            LastSentSerial = existing?.LastSentSerial ?? 0,
        };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        await EnqueueControlAsync(tie, MessageTypes.TieAccept, new JsonObject
        {
            ["name"] = Identity.Name,
            ["terms"] = TermsJson(tie.Terms),
        }, ct, thid: message.Id).ConfigureAwait(false);
        Log.TieEstablished(Logger, tie.PeerName);
        Publish("tie.established", tie.PeerDid);
    }

    internal async Task HandleTieAcceptAsync(Tie tie, Message message, CancellationToken ct)
    {
        if (tie.Status != TieStatus.Invited)
        {
            return;
        }

        var terms = message.Body.TryGetProperty("terms", out var t) ? ParseTerms(t) : TieTerms.Default;
        if (terms is null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "the acceptance carries invalid terms");
        }

        // A new tie starts on the default terms at both ends: the inviter's own tie takes them when it accepts the request.
        // Other terms (relays permitted, larger telegrams) are proposed and take effect when this agency's officers sign.
        if (terms != TieTerms.Default)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "a new tie starts on the default terms: other terms are proposed and signed");
        }

        string? name = message.Body.StringMember("name");
        if (name is not null && PeerText.AgencyNameProblem(name) is { } badName)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-name", "the inviting agency's name is refused: " + badName);
        }

        tie = tie with
        {
            Status = TieStatus.Established,
            EstablishedAt = Now,
            // The name its officers confirmed with the fingerprint stays: a verified tie is trusted by that name.
            PeerName = tie.Verified ? tie.PeerName : name ?? tie.PeerName,
            Terms = terms,
        };
        await _ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        Log.TieEstablished(Logger, tie.PeerName);
        Publish("tie.established", tie.PeerDid);

        // Its officers may have compared the fingerprint while it was still invited.
        await _directory.LinkOnVerifiedAsync(tie, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The counterpart suspends, resumes or severs the tie. It may suspend an established tie and sever any, but resume
    /// only a suspension it made itself (the gate's table refuses the others): a tie this agency suspended (or one
    /// suspended before the suspending side was recorded) stays suspended until this agency's officers resume it.
    /// </summary>
    internal async Task HandleTieStatusAsync(Tie tie, Message message, CancellationToken ct)
    {
        var status = message.Body.StringMember("status") switch
        {
            "suspended" => TieStatus.Suspended,
            "established" => TieStatus.Established,
            "severed" => TieStatus.Severed,
            _ => throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "unknown tie status"),
        };
        if (tie.Status == TieStatus.Severed || tie.Status == status)
        {
            return;
        }

        await _ties.SaveTieAsync(tie with { Status = status, SuspendedBy = status == TieStatus.Suspended ? TieSide.Counterpart : null }, ct).ConfigureAwait(false);
        Log.TieStatusChanged(Logger, tie.PeerName, status);
        Publish("tie." + status.ToString().ToLowerInvariant(), tie.PeerDid);
    }

    internal async Task HandleTermsAsync(Tie tie, Message message, bool signed, CancellationToken ct)
    {
        var terms = message.Body.TryGetProperty("terms", out var t) ? ParseTerms(t) : null;
        if (terms is null)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "invalid terms");
        }

        if (!signed)
        {
            await _ties.SaveTieAsync(tie with { ProposedTerms = terms, ProposedByUs = false }, ct).ConfigureAwait(false);
            Publish("tie.terms-proposed", tie.PeerDid);
        }
        else if (tie.ProposedByUs && tie.ProposedTerms is { } ours && ours == terms)
        {
            await _ties.SaveTieAsync(tie with { Terms = terms, ProposedTerms = null, ProposedByUs = false }, ct).ConfigureAwait(false);
            Publish("tie.terms", tie.PeerDid);
        }
    }

    /// <summary>Terms as they travel in a tie acceptance, a proposal or a signature.</summary>
    internal static JsonObject TermsJson(TieTerms t) => new()
    {
        ["version"] = t.Version,
        ["max_telegram_bytes"] = t.MaxTelegramBytes,
        ["max_attachment_bytes"] = t.MaxAttachmentBytes,
        ["expiry_seconds"] = (long)t.Expiry.TotalSeconds,
        ["max_retry_interval_ms"] = (long)t.MaxRetryInterval.TotalMilliseconds,
        ["read_receipts"] = t.ReadReceipts,
        ["relays"] = t.Relays,
    };

    /// <summary>Terms as a counterpart sent them (see <see cref="TermsJson"/>), or null when they are malformed or invalid.</summary>
    internal static TieTerms? ParseTerms(JsonElement e)
    {
        try
        {
            var terms = new TieTerms
            {
                Version = e.GetProperty("version").GetInt32(),
                MaxTelegramBytes = e.GetProperty("max_telegram_bytes").GetInt32(),
                MaxAttachmentBytes = e.GetProperty("max_attachment_bytes").GetInt32(),
                Expiry = TimeSpan.FromSeconds(e.GetProperty("expiry_seconds").GetInt64()),
                MaxRetryInterval = TimeSpan.FromMilliseconds(e.GetProperty("max_retry_interval_ms").GetInt64()),
                ReadReceipts = e.GetProperty("read_receipts").GetBoolean(),

                // Absent in terms from agencies that predate relays: off.
                Relays = e.TryGetProperty("relays", out var relays) && relays.GetBoolean(),
            };
            return terms.Validate() is null ? terms : null;
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
        {
            return null;
        }
    }

    internal Message ControlMessage(string type, string to, JsonObject body, string? thid = null) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Type = type,
        From = Identity.Did,
        To = [to],
        Thid = thid,
        CreatedTime = Now.ToUnixTimeSeconds(),
        Body = JsonSerializer.SerializeToElement(body),
    };

    /// <summary>Signs a control message and puts it in the outbox for the counterpart.</summary>
    internal async Task EnqueueControlAsync(Tie tie, string type, JsonObject body, CancellationToken ct, string? thid = null)
    {
        await _outbox.EnqueueAsync(ControlOutbox(tie, type, body, thid), ct).ConfigureAwait(false);
        Context.Wake();
    }

    /// <summary>A signed control message for the counterpart as an outbox item, for the caller to file in its own transaction.</summary>
    internal OutboxItem ControlOutbox(Tie tie, string type, JsonObject body, string? thid = null)
    {
        var message = ControlMessage(type, tie.PeerDid, body, thid);
        byte[] signed = Packer.PackSigned(message, message.From!).Packed;
        var now = Now;
        return new OutboxItem(Guid.NewGuid(), OutboxKind.Message, PeerDid: tie.PeerDid, Endpoint: tie.PeerEndpoint, Payload: signed, DueAt: now,
            ExpiresAt: now + tie.Terms.Expiry, Precedence: Precedence.Immediate);
    }
}
