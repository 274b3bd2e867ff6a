using Telex.Core.Inbound;
using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.DidComm.Messages;

namespace Telex.Core;

/// <summary>
/// What members send about a bureau: its charter, joining and leaving, and each new epoch the secretariat announces;
/// each checked against the bureau as this agency holds it before anything is filed. Who may send which (the
/// secretariat alone opens epochs; joining and leaving are told to the secretariat) is the gate's table.
/// </summary>
public sealed partial class Agency
{
    private async Task HandleCharterAsync(Tie tie, Guid bureauId, Message message, CancellationToken ct)
    {
        var b = message.Body;
        string? name = b.StringMember("name"), purpose = b.StringMember("purpose"), founder = b.StringMember("founder"), secretariat = b.StringMember("secretariat");
        var members = ParseMembers(b);
        if (!PeerText.IsName(name, MaxBureauNameLength) || purpose is not { Length: > 0 and <= MaxBureauPurposeLength }
            || founder != tie.PeerDid || members is null || !ReadinessRule.TryParse(b.StringMember("rule"), out var rule)
            || members.All(m => m.Did != founder) || members.All(m => m.Did != secretariat) || members.All(m => m.Did != Identity.Did))
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request",
                "a charter carries a name, a purpose, the founder (its sender), the readiness rule and its members, this agency and the secretariat among them");
        }

        var now = Now;
        var bureau = new Bureau
        {
            Id = bureauId,
            Name = name,
            Purpose = purpose,
            Founder = founder,
            Secretariat = secretariat!,
            Rule = rule,
            Status = BureauStatus.Chartered,
            CreatedAt = now,
            ChangedAt = now,
            Members = members.Select(m => m.Did == founder ? m with { State = MemberState.Accepted } : m).ToList(),
        };
        bool created = await Store.CreateBureauAsync(new BureauChange
        {
            Bureau = bureau,
            Log = [new BureauLogEntry("charter-received", founder, null, members.Select(m => m.Did).ToList(), now)],
        }, ct).ConfigureAwait(false);
        if (!created)
        {
            var existing = await Store.GetBureauAsync(bureauId, ct).ConfigureAwait(false);
            if (existing is null || existing.Founder != founder)
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.conflict", "another bureau has this id");
            }

            return;
        }

        Publish("bureau.charter", tie.PeerDid);
    }

    private async Task HandleMembershipAsync(Tie tie, Guid bureauId, bool join, CancellationToken ct)
    {
        var ties = await TiesByDidAsync(ct).ConfigureAwait(false);
        var now = Now;
        InboundRefusal? refusal = null;
        bool changed = false;
        var bureau = await Store.ChangeBureauAsync(bureauId, (bureau, _, outcomes) =>
        {
            var member = bureau.Member(tie.PeerDid);
            if (member is null || bureau.Status != BureauStatus.Chartered)
            {
                refusal = new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "the sender is not named in the bureau's charter");
                return null;
            }

            // Repeated messages change nothing: a join from a member, or a leave from one that has left.
            if (join ? member.State is MemberState.Accepted or MemberState.Joined : member.State == MemberState.Left)
            {
                return null;
            }

            changed = true;
            var next = WithState(bureau, tie.PeerDid, join ? MemberState.Accepted : MemberState.Left, now);
            var log = new List<BureauLogEntry> { new(join ? "join-received" : "leave-received", tie.PeerDid, null, [], now) };
            return next.Member(Identity.Did)?.State == MemberState.Joined
                ? OpenEpoch(next, ties, now, log, leaver: join ? null : tie.PeerDid, outcomes)
                : new BureauChange { Bureau = next, Log = log };
        }, ct).ConfigureAwait(false);
        if (bureau is null)
        {
            // The charter may still be on its way from the founder: the member's outbox tries again later.
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.unknown", "no such bureau here yet");
        }

        if (refusal is not null)
        {
            throw refusal;
        }

        if (changed)
        {
            Wake();
            Publish(join ? "bureau.joined" : "bureau.left", tie.PeerDid);
        }
    }

    private async Task HandleEpochAsync(Tie tie, Guid bureauId, Message message, CancellationToken ct)
    {
        var b = message.Body;
        var members = ParseMembers(b);
        if (!b.TryIntegerMember("epoch", out long number) || number < 1
            || members is null || members.Count == 0)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an epoch carries its number and its members");
        }

        if (await Store.GetBureauEpochAsync(bureauId, number, ct).ConfigureAwait(false) is { } known)
        {
            // Announced again (the secretariat's outbox retried): the same epoch changes nothing, another is a conflict.
            if (!known.Members.Select(m => m.Did).SequenceEqual(members.Select(m => m.Did)))
            {
                throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.epoch-conflict", "another epoch with this number is held here");
            }

            return;
        }

        var now = Now;
        InboundRefusal? refusal = null;
        bool filed = false;
        var bureau = await Store.ChangeBureauAsync(bureauId, (bureau, _) =>
        {
            if (members.Any(m => bureau.Member(m.Did) is null))
            {
                refusal = new InboundRefusal(RefusalKind.Malformed, "e.p.msg.bad-request", "an epoch names only members of the bureau's charter");
                return null;
            }

            // Whether this agency is a member is its officers' decision: a new epoch naming it before they accepted the
            // charter, or after they left, would make it one. They join (again) by accepting.
            if (number > bureau.Epoch && members.Any(m => m.Did == Identity.Did)
                && bureau.Member(Identity.Did) is { State: MemberState.Prospective or MemberState.Left })
            {
                refusal = new InboundRefusal(RefusalKind.Forbidden, "e.p.bureau.not-member", "this agency has not accepted the bureau's charter, or has left the bureau");
                return null;
            }

            filed = true;
            var epoch = new BureauEpoch { BureauId = bureauId, Number = number, Members = members, OpenedAt = now };
            var next = bureau;
            if (number > bureau.Epoch)
            {
                // The newest epoch says who is a member now; an older one arriving late is kept but changes nothing.
                next = bureau with
                {
                    Epoch = number,
                    ChangedAt = now,
                    Members = bureau.Members.Select(m => epoch.Members.FirstOrDefault(x => x.Did == m.Did) is { } x
                        ? m with { Name = x.Name, Endpoint = x.Endpoint, State = MemberState.Joined }
                        : m.State is MemberState.Joined ? m with { State = MemberState.Left } : m).ToList(),
                };
            }

            return new BureauChange
            {
                Bureau = next,
                NewEpoch = epoch,
                Log = [new BureauLogEntry("epoch", tie.PeerDid, number, members.Select(m => m.Did).ToList(), now)],
            };
        }, ct).ConfigureAwait(false);
        if (bureau is null)
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.bureau.unknown", "no such bureau here yet");
        }

        if (refusal is not null)
        {
            throw refusal;
        }

        if (filed)
        {
            Publish("bureau.epoch", tie.PeerDid);
        }
    }
}
