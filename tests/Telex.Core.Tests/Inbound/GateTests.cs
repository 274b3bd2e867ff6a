using System.Reflection;

using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.Core.Tests.Inbound;

/// <summary>
/// The gate's decisions as tables written out here, independently of the gate's own: for every message type, over a tie
/// in every status (and none) and through a relay, and for changes of state held by one side, which side may send it.
/// Each table is checked whole and every disagreement reported at once.
/// </summary>
public sealed class GateTests
{
    private const string Ok = "accepted";
    private const string NoTie = "Forbidden e.p.tie.none";
    private const string Exists = "Conflict e.p.tie.exists";
    private const string Unsupported = "Malformed e.p.msg.unsupported";
    private const string SuspendedHere = "Forbidden e.p.tie.suspended-here";
    private const string NotSecretariat = "Forbidden e.p.bureau.not-secretariat";
    private const string NotMember = "Forbidden e.p.bureau.not-member";

    /// <summary>The columns of <see cref="Expected"/>: no tie, then the tie's status.</summary>
    private static readonly TieStatus?[] Columns = [null, TieStatus.None, TieStatus.Invited, TieStatus.Established, TieStatus.Suspended, TieStatus.Severed];

    private static readonly string[] EstablishedOnly = [NoTie, NoTie, NoTie, Ok, NoTie, NoTie];
    private static readonly string[] EstablishedOrSuspended = [NoTie, NoTie, NoTie, Ok, Ok, NoTie];

    /// <summary>Through a relay, what no agency without a tie may send; an agency with a tie must use it, whatever it sends.</summary>
    private static readonly string[] NeverRelayed = [Unsupported, Unsupported, NoTie, NoTie, NoTie, NoTie];
    private static readonly string[] RelayedFromUntied = [Ok, Ok, NoTie, NoTie, NoTie, NoTie];

    /// <summary>
    /// Every message type: what the gate answers when it comes directly over a tie in each column's status, and when a
    /// relay delivers it from an origin whose tie here is in that status (the relay's own tie established, its terms
    /// permitting relays).
    /// </summary>
    private static readonly Dictionary<string, (string[] Direct, string[] Relayed)> Expected = new(StringComparer.Ordinal)
    {
        // no tie, none, invited, established, suspended, severed
        [MessageTypes.TieRequest] = ([Ok, Ok, Ok, Exists, Exists, Ok], NeverRelayed),
        [MessageTypes.TieAccept] = ([NoTie, NoTie, Ok, Ok, NoTie, NoTie], NeverRelayed),
        [MessageTypes.TermsPropose] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.TermsSign] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.TieStatus] = (EstablishedOrSuspended, NeverRelayed),
        [MessageTypes.Telegram] = (EstablishedOnly, RelayedFromUntied),
        [MessageTypes.Receipt] = (EstablishedOrSuspended, [NoTie, Ok, NoTie, NoTie, NoTie, NoTie]),
        [MessageTypes.Resend] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.Read] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.IssueOpen] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.IssueStatus] = (EstablishedOnly, RelayedFromUntied),
        [MessageTypes.IssueShare] = (EstablishedOnly, RelayedFromUntied),
        [MessageTypes.ClearanceRequest] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.ClearanceAnswer] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.Checkpoint] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauCharter] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauJoin] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauLeave] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauEpoch] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauIssueOpen] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauIssueStatus] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.BureauOutcomes] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.RelayDelivery] = (EstablishedOnly, NeverRelayed),
        [DidCommPacker.ForwardType] = (EstablishedOnly, NeverRelayed),
        [MessageTypes.KeysRotate] = (EstablishedOrSuspended, NeverRelayed),
        [MessageTypes.ProblemReport] = (EstablishedOnly, NeverRelayed),
        // Never posted by a peer (it travels in an invitation code): unsupported, and a stranger learns only that it has no tie.
        [MessageTypes.OutOfBandInvitation] = ([NoTie, NoTie, NoTie, Unsupported, NoTie, NoTie], NeverRelayed),
        ["https://example.org/unknown/1.0/thing"] = ([NoTie, NoTie, NoTie, Unsupported, NoTie, NoTie], NeverRelayed),
    };

    /// <summary>Every message type Telex names (each constant of <see cref="MessageTypes"/> but the base URI), and the routing forward.</summary>
    private static IEnumerable<string> AllMessageTypes() =>
        typeof(MessageTypes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f is { IsLiteral: true } && f.FieldType == typeof(string) && f.Name != nameof(MessageTypes.Base))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Append(DidCommPacker.ForwardType);

    private static string Answer(Refusal? refusal) => refusal is null ? Ok : $"{refusal.Kind} {refusal.Code}";

    [Fact]
    public void Every_message_type_has_a_row_here_and_in_the_gate()
    {
        var types = AllMessageTypes().ToList();
        Assert.NotEmpty(types);
        var withoutRowHere = types.Where(t => !Expected.ContainsKey(t)).ToList();
        var withoutRowInGate = types.Where(t => !InboundGate.Rules.ContainsKey(t) && !InboundGate.NotPosted.Contains(t)).ToList();
        var rowsForNoType = InboundGate.Rules.Keys.Where(t => !types.Contains(t)).ToList();
        Assert.Empty(withoutRowHere);
        Assert.Empty(withoutRowInGate);
        Assert.Empty(rowsForNoType);
    }

    [Fact]
    public void Each_type_passes_only_over_a_tie_in_the_states_its_row_names_and_through_a_relay_only_from_an_agency_without_one()
    {
        var wrong = new List<string>();
        foreach (var (type, (direct, relayed)) in Expected)
        {
            for (int i = 0; i < Columns.Length; i++)
            {
                string tie = Columns[i]?.ToString() ?? "no tie";
                string overTie = Answer(InboundGate.Decide(new Arrival(type, Route.Direct, Columns[i]) { TermsPermitRelays = true }));
                if (overTie != direct[i])
                {
                    wrong.Add($"{type} over {tie}: {overTie}, expected {direct[i]}");
                }

                string throughRelay = Answer(InboundGate.Decide(new Arrival(type, Route.Relayed, Columns[i]) { TermsPermitRelays = true }));
                if (throughRelay != relayed[i])
                {
                    wrong.Add($"{type} relayed from {tie}: {throughRelay}, expected {relayed[i]}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Only_a_relay_whose_terms_permit_relays_delivers_and_no_other_type_depends_on_the_terms()
    {
        var wrong = new List<string>();
        foreach (var (type, (direct, _)) in Expected)
        {
            string expected = type == MessageTypes.RelayDelivery ? NoTie : direct[Array.IndexOf(Columns, TieStatus.Established)];
            string answer = Answer(InboundGate.Decide(new Arrival(type, Route.Direct, TieStatus.Established) { TermsPermitRelays = false }));
            if (answer != expected)
            {
                wrong.Add($"{type} over a tie whose terms permit no relays: {answer}, expected {expected}");
            }
        }

        Assert.Empty(wrong);
    }

    public static TheoryData<TieStatus, TieStatus?, TieSide?, string> TieStatusChanges => new()
    {
        // the tie here, the status the counterpart asks for, which side suspended the tie, the gate's answer
        { TieStatus.Established, TieStatus.Suspended, null, Ok },
        { TieStatus.Established, TieStatus.Severed, null, Ok },
        { TieStatus.Established, TieStatus.Established, null, Ok },
        { TieStatus.Established, null, null, Ok },
        { TieStatus.Suspended, TieStatus.Established, TieSide.Counterpart, Ok },
        { TieStatus.Suspended, TieStatus.Established, TieSide.ThisAgency, SuspendedHere },
        { TieStatus.Suspended, TieStatus.Established, null, SuspendedHere },
        { TieStatus.Suspended, TieStatus.Severed, TieSide.ThisAgency, Ok },
        { TieStatus.Suspended, TieStatus.Severed, TieSide.Counterpart, Ok },
        { TieStatus.Suspended, TieStatus.Suspended, TieSide.ThisAgency, Ok },
        { TieStatus.Suspended, TieStatus.Suspended, TieSide.Counterpart, Ok },
        { TieStatus.Suspended, null, TieSide.ThisAgency, Ok },
    };

    [Theory]
    [MemberData(nameof(TieStatusChanges))]
    public void A_suspended_tie_is_resumed_only_by_the_side_that_suspended_it(TieStatus tie, TieStatus? requested, TieSide? suspendedBy, string expected)
    {
        var arrival = new Arrival(MessageTypes.TieStatus, Route.Direct, tie) { Requested = requested, SuspendedBy = suspendedBy };

        Assert.Equal(expected, Answer(InboundGate.Decide(arrival)));
    }

    [Fact]
    public void Which_side_suspended_a_tie_matters_only_to_a_change_of_its_status()
    {
        var wrong = new List<string>();
        foreach (var (type, (direct, _)) in Expected.Where(e => e.Key != MessageTypes.TieStatus))
        {
            foreach (var side in new TieSide?[] { null, TieSide.ThisAgency, TieSide.Counterpart })
            {
                var arrival = new Arrival(type, Route.Direct, TieStatus.Suspended) { SuspendedBy = side, Requested = TieStatus.Established, TermsPermitRelays = true };
                string answer = Answer(InboundGate.Decide(arrival));
                if (answer != direct[Array.IndexOf(Columns, TieStatus.Suspended)])
                {
                    wrong.Add($"{type} over a tie suspended by {side}: {answer}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>
    /// Bureau messages: whether the bureau must be held here already, and the answer to a sender of each role (stranger to
    /// the charter, member, secretariat) when this agency is not the secretariat, and when it is.
    /// </summary>
    private static readonly Dictionary<string, (bool MustBeHeld, string[] ElsewhereSecretariat, string[] SecretariatHere)> Bureau = new(StringComparer.Ordinal)
    {
        // stranger, member, secretariat
        [MessageTypes.BureauCharter] = (false, [Ok, Ok, Ok], [Ok, Ok, Ok]),
        [MessageTypes.BureauJoin] = (true, [NotSecretariat, NotSecretariat, NotSecretariat], [NotMember, Ok, NotMember]),
        [MessageTypes.BureauLeave] = (true, [NotSecretariat, NotSecretariat, NotSecretariat], [NotMember, Ok, NotMember]),
        [MessageTypes.BureauEpoch] = (true, [NotSecretariat, NotSecretariat, Ok], [NotSecretariat, NotSecretariat, Ok]),
        [MessageTypes.BureauOutcomes] = (true, [NotSecretariat, NotSecretariat, Ok], [NotSecretariat, NotSecretariat, NotSecretariat]),
        [MessageTypes.BureauIssueOpen] = (true, [Ok, Ok, Ok], [Ok, Ok, Ok]),
        [MessageTypes.BureauIssueStatus] = (true, [Ok, Ok, Ok], [Ok, Ok, Ok]),
    };

    [Fact]
    public void Each_bureau_message_comes_only_from_the_roles_and_to_the_agency_its_row_names()
    {
        Assert.Equal(Bureau.Keys.Order(), InboundGate.Rules.Values.Where(r => r.Bureau is not null).Select(r => r.Type).Order());
        var roles = new[] { BureauRole.Stranger, BureauRole.Member, BureauRole.Secretariat };
        var wrong = new List<string>();
        foreach (var (type, (mustBeHeld, elsewhere, here)) in Bureau)
        {
            var rule = InboundGate.Rules[type].Bureau!;
            if (rule.MustBeHeld != mustBeHeld)
            {
                wrong.Add($"{type}: must be held here {rule.MustBeHeld}, expected {mustBeHeld}");
            }

            for (int i = 0; i < roles.Length; i++)
            {
                foreach (var (secretariatHere, expected) in new[] { (false, elsewhere[i]), (true, here[i]) })
                {
                    string answer = Answer(InboundGate.DecideBureau(rule, roles[i], secretariatHere));
                    if (answer != expected)
                    {
                        wrong.Add($"{type} from a {roles[i]} (secretariat here: {secretariatHere}): {answer}, expected {expected}");
                    }
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void A_senders_role_is_read_from_the_bureau_as_held_here()
    {
        var bureau = new Bureau
        {
            Id = Guid.NewGuid(),
            Name = "Information Bureau",
            Purpose = "Exchange.",
            Founder = "did:peer:2.founder",
            Secretariat = "did:peer:2.secretariat",
            Status = BureauStatus.Chartered,
            CreatedAt = DateTimeOffset.UnixEpoch,
            ChangedAt = DateTimeOffset.UnixEpoch,
            Members =
            [
                new BureauMember { Did = "did:peer:2.founder", Name = "Founder", State = MemberState.Accepted },
                new BureauMember { Did = "did:peer:2.secretariat", Name = "Secretariat", State = MemberState.Joined },
            ],
        };

        Assert.Equal(
            [BureauRole.Member, BureauRole.Secretariat, BureauRole.Stranger],
            new[] { "did:peer:2.founder", "did:peer:2.secretariat", "did:peer:2.mallory" }.Select(d => InboundGate.RoleOf(bureau, d)));
    }

    private static Message Posted(string from = "did:peer:2.sender", long? expires = null) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Type = MessageTypes.Telegram,
        From = from,
        To = ["did:peer:2.here"],
        CreatedTime = 1_700_000_000,
        ExpiresTime = expires,
        Body = Message.EmptyBody,
    };

    private static readonly UnpackMetadata SignedAndEncrypted = new() { Encrypted = true, NonRepudiation = true };

    public static TheoryData<string, string> Envelopes => new()
    {
        // what is wrong with the envelope, the gate's answer
        { "nothing", Ok },
        { "not signed", "Malformed e.p.msg.unprotected" },
        { "not a did:peer sender", "Malformed e.p.msg.unprotected" },
        { "addressed elsewhere", "Malformed e.p.msg.recipient" },
        { "expired", "Malformed e.p.msg.expired" },
        { "expiry past 9999", "Malformed e.p.msg.bad-time" },
    };

    [Theory]
    [MemberData(nameof(Envelopes))]
    public void A_posted_message_is_signed_by_a_did_peer_sender_encrypted_addressed_here_and_not_expired(string fault, string expected)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100);
        var (message, meta) = fault switch
        {
            "not signed" => (Posted(), SignedAndEncrypted with { NonRepudiation = false }),
            "not a did:peer sender" => (Posted(from: "did:key:z6Mk"), SignedAndEncrypted),
            "addressed elsewhere" => (Posted() with { To = ["did:peer:2.elsewhere"] }, SignedAndEncrypted),
            "expired" => (Posted(expires: 1_700_000_050), SignedAndEncrypted),
            "expiry past 9999" => (Posted(expires: PeerTime.MaxUnixSeconds + 1), SignedAndEncrypted),
            _ => (Posted(expires: 1_700_000_200), SignedAndEncrypted),
        };

        Assert.Equal(expected, Answer(InboundGate.CheckEnvelope(message, meta, did => did == "did:peer:2.here", now)));
    }

    public static TheoryData<string, string> RelayedEnvelopes => new()
    {
        { "nothing", Ok },
        { "not encrypted", "Malformed e.p.msg.unprotected" },
        { "signed by another than the origin", "Forbidden e.p.relay.origin" },
        { "addressed elsewhere", "Malformed e.p.msg.recipient" },
        { "expired", "Malformed e.p.msg.expired" },
    };

    [Theory]
    [MemberData(nameof(RelayedEnvelopes))]
    public void A_relayed_message_is_signed_by_the_origin_the_relay_names_and_addressed_here(string fault, string expected)
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_100);
        var (message, meta) = fault switch
        {
            "not encrypted" => (Posted(), SignedAndEncrypted with { Encrypted = false }),
            "signed by another than the origin" => (Posted(from: "did:peer:2.mallory"), SignedAndEncrypted),
            "addressed elsewhere" => (Posted() with { To = ["did:peer:2.elsewhere"] }, SignedAndEncrypted),
            "expired" => (Posted(expires: 1_700_000_050), SignedAndEncrypted),
            _ => (Posted(), SignedAndEncrypted),
        };

        Assert.Equal(expected, Answer(InboundGate.CheckRelayedEnvelope(message, meta, "did:peer:2.sender", did => did == "did:peer:2.here", now)));
    }

    [Fact]
    public void A_message_holding_the_NUL_character_anywhere_is_refused_as_malformed_whatever_its_type()
    {
        static Message With(string json, Attachment? attachment = null) => new()
        {
            Id = "1",
            Type = MessageTypes.Telegram,
            Body = System.Text.Json.JsonDocument.Parse(json).RootElement.Clone(),
            Attachments = attachment is null ? null : [attachment],
        };

        Assert.Null(InboundGate.NulProblem(With("""{"subject":"Grain","text":"a path: C:\\u0000","list":[{"a":"b"}]}""")));
        foreach (string json in new[] { """{"subject":"Gr\u0000ain"}""", """{"list":[{"deep":["x\u0000"]}]}""", """{"na\u0000me":1}""" })
        {
            var refused = InboundGate.NulProblem(With(json));
            Assert.Equal((RefusalKind.Malformed, "e.p.msg.bad-request"), (refused?.Kind, refused?.Code));
        }

        var attachment = new Attachment { Data = new AttachmentData { Base64 = "AQ==" }, MediaType = "text/plain\0" };
        Assert.NotNull(InboundGate.NulProblem(With("{}", attachment)));
        Assert.Null(InboundGate.NulProblem(With("{}", attachment with { MediaType = "text/plain" })));
    }
}

