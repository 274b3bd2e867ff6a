using System.Collections.Frozen;

namespace Telex.Core.Inbound;

/// <summary>How a message reached this agency.</summary>
internal enum Route
{
    /// <summary>Posted by its sender, over the sender's tie.</summary>
    Direct,

    /// <summary>Carried inside a relay's signed delivery from an agency without a tie here.</summary>
    Relayed,
}

/// <summary>How the gate finds the tie a message is judged by.</summary>
internal enum SenderTie
{
    /// <summary>The tie with the DID that signed the message (a DID retired by a key rotation past its grace is refused).</summary>
    OfSigner,

    /// <summary>A tie request: the sender asks for a tie, so one established or suspended already is a conflict.</summary>
    Requested,

    /// <summary>A key rotation: the tie with the old DID that signed the <c>from_prior</c>.</summary>
    OfPriorDid,
}

/// <summary>The sender's place in the bureau a bureau message names, as this agency holds it.</summary>
internal enum BureauRole
{
    /// <summary>Not named in the bureau's charter.</summary>
    Stranger,

    /// <summary>Named in the charter, not its secretariat.</summary>
    Member,

    /// <summary>The bureau's secretariat.</summary>
    Secretariat,
}

/// <summary>What this agency must be in the bureau for a bureau message to be sent to it.</summary>
internal enum Addressee
{
    /// <summary>Any agency the bureau names.</summary>
    Any,

    /// <summary>Only the bureau's secretariat (joining and leaving are told to it).</summary>
    Secretariat,

    /// <summary>Any but the secretariat (what the secretariat alone sets is never sent to it).</summary>
    NotSecretariat,
}

/// <summary>Who may send a bureau message, and to whom.</summary>
/// <param name="MustBeHeld">The bureau must be held here already (all but the charter, which brings it).</param>
/// <param name="Senders">The roles in the bureau its sender may have.</param>
/// <param name="SenderRefusal">The answer to a sender of another role.</param>
/// <param name="To">What this agency must be in the bureau.</param>
/// <param name="AddresseeRefusal">The answer when this agency is not that.</param>
internal sealed record BureauRule(bool MustBeHeld, IReadOnlySet<BureauRole> Senders, Refusal? SenderRefusal = null,
    Addressee To = Addressee.Any, Refusal? AddresseeRefusal = null);

/// <summary>One row of the gate's table: what a message type needs of the tie it comes over.</summary>
/// <param name="Type">The DIDComm message type.</param>
internal sealed record GateRule(string Type)
{
    /// <summary>How the tie it is judged by is found.</summary>
    public SenderTie Sender { get; init; } = SenderTie.OfSigner;

    /// <summary>The statuses of that tie over which it may come directly (null: no tie at all).</summary>
    public IReadOnlySet<TieStatus?> Over { get; init; } = InboundGate.EstablishedOnly;

    /// <summary>The answer when the tie is in another status (default: no established tie).</summary>
    public Refusal? TieRefusal { get; init; }

    /// <summary>The statuses of the origin's tie (null: none) with which it may travel through a relay; empty: never relayed.</summary>
    public IReadOnlySet<TieStatus?> RelayedFrom { get; init; } = InboundGate.Never;

    /// <summary>The answer when a relayed one comes from an origin with a tie in another status.</summary>
    public Refusal? RelayedRefusal { get; init; }

    /// <summary>The tie's terms must permit relays (a relay's delivery).</summary>
    public bool NeedsRelayTerms { get; init; }

    /// <summary>It carries another agency's message, which passes the gate again as <see cref="Route.Relayed"/>.</summary>
    public bool OpensEnvelope { get; init; }

    /// <summary>
    /// A change of the tie's status: a suspended tie is resumed only by the side that suspended it, so the counterpart
    /// may resume only a suspension it made itself.
    /// </summary>
    public bool ResumedOnlyBySuspender { get; init; }

    /// <summary>For a bureau message: who may send it, and to whom; null for every other type.</summary>
    public BureauRule? Bureau { get; init; }
}

/// <summary>What the gate knows of an arriving message when it decides.</summary>
/// <param name="Type">The message type.</param>
/// <param name="Route">How it came.</param>
/// <param name="Tie">The status of the tie it is judged by (for a relayed one, the origin's); null when there is none.</param>
internal sealed record Arrival(string Type, Route Route, TieStatus? Tie)
{
    /// <summary>The tie's terms permit relays.</summary>
    public bool TermsPermitRelays { get; init; }

    /// <summary>For a change of the tie's status: the status asked for (null when the message names none this agency knows).</summary>
    public TieStatus? Requested { get; init; }

    /// <summary>Which side suspended the tie (null: not suspended, or suspended before the side was recorded).</summary>
    public TieSide? SuspendedBy { get; init; }
}

/// <summary>
/// The one gate every message a peer sends passes before a handler sees it: unpacked and its envelope checked, the
/// sender's tie (or the relay that delivered it) identified, then judged by <see cref="Rules"/>: the tie's status, the
/// route, and for changes of state held by one side (a tie's status, a bureau's membership, epochs and outcomes) which
/// side may make them. Only then does the handler registered for the type see it (<see cref="InboundPipeline"/>). What a
/// handler still checks is the content. The decisions here are pure: they read the table and the arrival, nothing else.
/// </summary>
internal static class InboundGate
{
    /// <summary>Only over an established tie.</summary>
    public static readonly IReadOnlySet<TieStatus?> EstablishedOnly = Statuses(TieStatus.Established);

    /// <summary>Never through a relay.</summary>
    public static readonly IReadOnlySet<TieStatus?> Never = Statuses();

    /// <summary>No tie, or one of status none (the pair's serial counter, kept for a telegram sent to it through a relay).</summary>
    private static readonly IReadOnlySet<TieStatus?> Untied = Statuses(null, TieStatus.None);

    private static readonly IReadOnlySet<BureauRole> AnyRole = new HashSet<BureauRole> { BureauRole.Stranger, BureauRole.Member, BureauRole.Secretariat };

    private static readonly IReadOnlySet<BureauRole> SecretariatOnly = new HashSet<BureauRole> { BureauRole.Secretariat };

    /// <summary>Message types a peer never posts (they travel another way), refused as unsupported.</summary>
    public static readonly IReadOnlySet<string> NotPosted = new HashSet<string>(StringComparer.Ordinal) { MessageTypes.OutOfBandInvitation };

    /// <summary>The table: for every message type a peer may post, what it needs. A type without a row is refused.</summary>
    public static readonly FrozenDictionary<string, GateRule> Rules = new GateRule[]
    {
        new(MessageTypes.TieRequest)
        {
            Sender = SenderTie.Requested,
            Over = Statuses(null, TieStatus.None, TieStatus.Invited, TieStatus.Severed),
            TieRefusal = Refusal.Conflict("e.p.tie.exists", "a tie with this agency exists already"),
        },
        new(MessageTypes.TieAccept) { Over = Statuses(TieStatus.Invited, TieStatus.Established) },
        new(MessageTypes.TermsPropose),
        new(MessageTypes.TermsSign),
        new(MessageTypes.TieStatus) { Over = Statuses(TieStatus.Established, TieStatus.Suspended), ResumedOnlyBySuspender = true },
        new(MessageTypes.Telegram) { RelayedFrom = Untied },
        new(MessageTypes.Receipt)
        {
            Over = Statuses(TieStatus.Established, TieStatus.Suspended),
            RelayedFrom = Statuses(TieStatus.None),
            RelayedRefusal = Refusal.Forbidden("e.p.tie.none", "no telegram was sent to the origin of this receipt through a relay"),
        },
        new(MessageTypes.Resend),
        new(MessageTypes.Read),
        new(MessageTypes.IssueOpen),
        new(MessageTypes.IssueStatus) { RelayedFrom = Untied },
        new(MessageTypes.IssueShare) { RelayedFrom = Untied },
        new(MessageTypes.ClearanceRequest),
        new(MessageTypes.ClearanceAnswer),
        new(MessageTypes.Checkpoint),
        new(MessageTypes.BureauCharter) { Bureau = new BureauRule(MustBeHeld: false, AnyRole) },
        new(MessageTypes.BureauJoin) { Bureau = Membership },
        new(MessageTypes.BureauLeave) { Bureau = Membership },
        new(MessageTypes.BureauEpoch)
        {
            Bureau = new BureauRule(MustBeHeld: true, SecretariatOnly,
                Refusal.Forbidden("e.p.bureau.not-secretariat", "only the bureau's secretariat opens epochs")),
        },
        new(MessageTypes.BureauOutcomes) { Bureau = Outcomes },
        new(MessageTypes.BureauIssueOpen) { Bureau = new BureauRule(MustBeHeld: true, AnyRole) },
        new(MessageTypes.BureauIssueStatus) { Bureau = new BureauRule(MustBeHeld: true, AnyRole) },
        new(DidCommPacker.ForwardType),
        new(MessageTypes.RelayDelivery) { NeedsRelayTerms = true, OpensEnvelope = true },
        new(MessageTypes.KeysRotate)
        {
            Sender = SenderTie.OfPriorDid,
            Over = Statuses(TieStatus.Established, TieStatus.Suspended),
            TieRefusal = Refusal.Forbidden("e.p.tie.none", "no established tie with the DID that signed the rotation"),
        },
        new(MessageTypes.ProblemReport),
    }.ToFrozenDictionary(r => r.Type, StringComparer.Ordinal);

    /// <summary>Joining and leaving are told to the secretariat, by a member the charter names.</summary>
    private static BureauRule Membership => new(MustBeHeld: true, new HashSet<BureauRole> { BureauRole.Member },
        Refusal.Forbidden("e.p.bureau.not-member", "the sender is not named in the bureau's charter"),
        Addressee.Secretariat, Refusal.Forbidden("e.p.bureau.not-secretariat", "this agency is not the bureau's secretariat"));

    /// <summary>The secretariat alone sets the bureau's outcomes, and sends them to the other members.</summary>
    private static BureauRule Outcomes
    {
        get
        {
            var refusal = Refusal.Forbidden("e.p.bureau.not-secretariat", "only the bureau's secretariat sets its outcomes");
            return new(MustBeHeld: true, SecretariatOnly, refusal, Addressee.NotSecretariat, refusal);
        }
    }

    /// <summary>No tie in a status that lets this message through.</summary>
    public static Refusal NoTie { get; } = Refusal.Forbidden("e.p.tie.none", "no established tie with the sender");

    /// <summary>
    /// Whether a message of this type may come the way it came over a tie in this state, from this side. Null when it
    /// may (its bureau, for a bureau message, is judged by <see cref="DecideBureau"/> once found).
    /// </summary>
    public static Refusal? Decide(Arrival arrival)
    {
        ArgumentNullException.ThrowIfNull(arrival);
        var rule = Rules.GetValueOrDefault(arrival.Type);
        if (arrival.Route == Route.Relayed)
        {
            if (arrival.Tie is not (null or TieStatus.None))
            {
                // A counterpart with a tie sends over it, where its state and terms apply.
                return Refusal.Forbidden("e.p.tie.none", "the relayed message comes from an agency with a tie here: it must come over that tie");
            }

            if (rule is null || rule.RelayedFrom.Count == 0)
            {
                return Refusal.Malformed("e.p.msg.unsupported", $"message type {arrival.Type} does not travel through a relay");
            }

            return rule.RelayedFrom.Contains(arrival.Tie) ? null : rule.RelayedRefusal ?? NoTie;
        }

        if (rule is null)
        {
            // Unknown types are judged as any message over a tie: an agency without an established one learns nothing more.
            return arrival.Tie == TieStatus.Established
                ? Refusal.Malformed("e.p.msg.unsupported", $"message type {arrival.Type} is not supported")
                : NoTie;
        }

        if (!rule.Over.Contains(arrival.Tie))
        {
            return rule.TieRefusal ?? NoTie;
        }

        if (rule.NeedsRelayTerms && !arrival.TermsPermitRelays)
        {
            return Refusal.Forbidden("e.p.tie.none", "the terms of the tie with this relay do not permit relays");
        }

        if (rule.ResumedOnlyBySuspender && arrival is { Tie: TieStatus.Suspended, Requested: TieStatus.Established }
            && arrival.SuspendedBy != TieSide.Counterpart)
        {
            return Refusal.Forbidden("e.p.tie.suspended-here", "this agency suspended the tie: only this agency can resume it");
        }

        return null;
    }

    /// <summary>Whether a sender of this role in the bureau may send this bureau message to this agency. Null when it may.</summary>
    public static Refusal? DecideBureau(BureauRule rule, BureauRole sender, bool secretariatHere)
    {
        ArgumentNullException.ThrowIfNull(rule);
        bool addressed = rule.To switch
        {
            Addressee.Secretariat => secretariatHere,
            Addressee.NotSecretariat => !secretariatHere,
            _ => true,
        };
        if (!addressed)
        {
            return rule.AddresseeRefusal;
        }

        return rule.Senders.Contains(sender) ? null : rule.SenderRefusal;
    }

    /// <summary>The sender's role in a bureau held here.</summary>
    public static BureauRole RoleOf(Bureau bureau, string did) =>
        bureau.Secretariat == did ? BureauRole.Secretariat : bureau.Member(did) is not null ? BureauRole.Member : BureauRole.Stranger;

    /// <summary>The status a change of a tie's status asks for; null when it names none this agency knows (the handler refuses it).</summary>
    public static TieStatus? RequestedTieStatus(Message message) => message.Body.StringMember("status") switch
    {
        "suspended" => TieStatus.Suspended,
        "established" => TieStatus.Established,
        "severed" => TieStatus.Severed,
        _ => null,
    };

    /// <summary>
    /// The envelope of a message posted by a peer: signed by a did:peer:2 sender and encrypted, addressed to this agency,
    /// with times from 1970 to 9999, not expired. Null when it holds.
    /// </summary>
    public static Refusal? CheckEnvelope(Message message, UnpackMetadata meta, Func<string, bool> isOwnDid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(isOwnDid);
        if (!meta.Encrypted || !meta.NonRepudiation || message.From is null || !IsPeerDid(message.From))
        {
            return Refusal.Malformed("e.p.msg.unprotected", "Telex messages must be signed by a did:peer:2 sender and encrypted");
        }

        if (message.To is null || !message.To.Any(isOwnDid))
        {
            return Refusal.Malformed("e.p.msg.recipient", "the message is not addressed to this agency");
        }

        if (!PeerTime.IsValidUnixSeconds(message.CreatedTime) || !PeerTime.IsValidUnixSeconds(message.ExpiresTime))
        {
            return Refusal.Malformed("e.p.msg.bad-time", "created_time and expires_time must be Unix times from 1970 to 9999");
        }

        if (message.ExpiresTime is { } expires && DateTimeOffset.FromUnixTimeSeconds(expires) < now)
        {
            return Refusal.Malformed("e.p.msg.expired", "the message has expired");
        }

        return NulProblem(message);
    }

    /// <summary>
    /// A refusal when a message holds the NUL character (U+0000) in any string of its body or of its attachments'
    /// descriptions (an attachment's file name has the stricter rule of <see cref="AttachmentName"/>). No text a peer sends may carry it: PostgreSQL's <c>text</c> and <c>jsonb</c> cannot hold it, and
    /// no officer could read it; refused here for every message type, before any handler, so both engines answer alike.
    /// </summary>
    public static Refusal? NulProblem(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool nul = HoldsNul(message.Body)
            || (message.Attachments ?? []).Any(a => HoldsNul(a.Description) || HoldsNul(a.MediaType) || HoldsNul(a.Format)
                || (a.Data.Json is { } json && HoldsNul(json)));
        return nul ? Refusal.Malformed("e.p.msg.bad-request", "a message must not contain the NUL character (U+0000)") : null;
    }

    private static bool HoldsNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);

    private static bool HoldsNul(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => HoldsNul(e.GetString()),
        JsonValueKind.Array => e.EnumerateArray().Any(HoldsNul),
        JsonValueKind.Object => e.EnumerateObject().Any(p => HoldsNul(p.Name) || HoldsNul(p.Value)),
        _ => false,
    };

    /// <summary>
    /// The envelope a relay delivers: signed and encrypted, signed by the origin the relay names, addressed to this
    /// agency, not expired. Null when it holds.
    /// </summary>
    public static Refusal? CheckRelayedEnvelope(Message inner, UnpackMetadata meta, string origin, Func<string, bool> isOwnDid, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(isOwnDid);
        if (!meta.Encrypted || !meta.NonRepudiation || inner.From is null)
        {
            return Refusal.Malformed("e.p.msg.unprotected", "the relayed message must be signed by its sender and encrypted");
        }

        if (inner.From != origin)
        {
            return Refusal.Forbidden("e.p.relay.origin", "the relayed message is not signed by the agency the relay names as its origin");
        }

        if (inner.To is null || !inner.To.Any(isOwnDid))
        {
            return Refusal.Malformed("e.p.msg.recipient", "the relayed message is not addressed to this agency");
        }

        // Compared as seconds: a time far in the future is a late expiry, not an error.
        if (inner.ExpiresTime is { } expires && expires < now.ToUnixTimeSeconds())
        {
            return Refusal.Malformed("e.p.msg.expired", "the relayed message has expired");
        }

        return NulProblem(inner);
    }

    /// <summary>
    /// The origin a relay's delivery names and the envelope it carries; a refusal when it names no did:peer origin or
    /// does not carry exactly one envelope as JSON.
    /// </summary>
    public static Refusal? ReadDelivery(Message delivery, out string origin, out JsonElement envelope)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        origin = delivery.Body.StringMember("origin") ?? "";
        envelope = default;
        if (!IsPeerDid(origin) || delivery.Attachments is not [{ Data.Json: { ValueKind: JsonValueKind.Object } json }])
        {
            return Refusal.Malformed("e.p.msg.bad-relay-delivery",
                "a relay delivery needs 'body.origin' (a did:peer DID) and one attachment holding the encrypted message as JSON");
        }

        envelope = json;
        return null;
    }

    /// <summary>
    /// The old DID a key rotation names in its verified <c>from_prior</c>: the DID whose tie it continues; a refusal when
    /// it carries none.
    /// </summary>
    public static Refusal? ReadPriorDid(Message message, UnpackMetadata meta, out string oldDid)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(meta);
        oldDid = "";
        if (message.FromPrior is null || meta.FromPrior is not { } claims
            || claims.ValueKind != JsonValueKind.Object || !claims.TryGetProperty("iss", out var issElement)
            || issElement.ValueKind != JsonValueKind.String || issElement.GetString() is not { } iss || !IsPeerDid(iss))
        {
            return Refusal.Malformed("e.p.keys.no-prior", "a key rotation must carry a from_prior signed by the old did:peer:2");
        }

        oldDid = iss;
        return null;
    }

    /// <summary>A message that could not be unpacked: too large, or not well formed (prefix says which message).</summary>
    public static Refusal UnpackRefusal(UnpackFailure failure, string prefix)
    {
        ArgumentNullException.ThrowIfNull(failure);
        return new(failure.Kind == UnpackFailureKind.TooLarge ? RefusalKind.TooLarge : RefusalKind.Malformed,
            "e.p.msg." + failure.Kind.ToString().ToLowerInvariant(), prefix + failure.Reason);
    }

    private static bool IsPeerDid(string did) => did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal);

    private static FrozenSet<TieStatus?> Statuses(params TieStatus?[] statuses) => statuses.ToFrozenSet();
}
