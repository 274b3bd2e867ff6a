using System.Text;

using Telex.Core.Bureaus;
using Telex.Core.Identity;
using Telex.Core.Issues;
using Telex.Core.Keys;
using Telex.Core.Register;

namespace Telex.Server.Api.Contracts;

/// <summary>
/// The domain as the client API shows it: each answer of <c>Telex.Api.Contracts</c> built from the Core type it shows
/// (<c>TelegramView.From(record, name)</c>). The enums both speak are one type (Telex.Vocabulary), so they pass through
/// unconverted.
/// </summary>
internal static class ContractMapping
{
    extension(BureauProspectView)
    {
        public static BureauProspectView From(BureauProspect p) => new(p.Name, BureauProspectView.KnownOfNoTie,
            $"establish a tie with it (telex tie invite, or telex tie accept CODE): once its directory entry holds the tied agency's DID it is a prospective member; telex directory show \"{p.Name}\" shows what is known of it",
            p.AddedAt);
    }

    extension(BureauView)
    {
        public static BureauView From(Bureau b, BureauEpoch? current) => new()
        {
            Id = b.Id,
            Name = b.Name,
            Purpose = b.Purpose,
            Founder = b.Founder,
            Secretariat = b.Secretariat,
            Rule = b.Rule.ToString(),
            Status = b.Status,
            Epoch = b.Epoch,
            CreatedAt = b.CreatedAt,
            ChangedAt = b.ChangedAt,
            Members = b.Members.Select(m => new BureauMemberView(m.Did, m.Name, m.State, current?.Includes(m.Did) ?? false)).ToArray(),
            Prospects = b.Prospects.Select(p => BureauProspectView.From(p)).ToArray(),
        };

        public static BureauEpochView EpochFrom(BureauEpoch e) =>
            new(e.Number, e.OpenedAt, e.Members.Select(m => new BureauEpochMemberView(m.Did, m.Name, m.Endpoint)).ToArray());
    }

    extension(BureauReadinessView)
    {
        public static BureauReadinessView From(BureauReadiness r) =>
            new(r.Ready, r.Summary, r.Covered, r.Total, r.Required,
            [
                .. r.Missing.Select(m => new BureauMissingView(m.Did, m.Name, m.Endpoint, "no established tie",
                    "establish a tie with it (telex tie invite, or telex tie accept CODE)")),
                .. r.Prospects.Select(p => BureauProspectView.From(p)).Select(p => new BureauMissingView(null, p.Name, null, p.Tie, p.Next)),
            ]);
    }

    extension(ClearanceRuleView)
    {
        public static ClearanceRuleView From(ClearanceRule r) =>
            new(r.Id, r.Counterpart, r.MinPrecedence, r.Officers, r.AnyReleasingOfficer, r.Partner);
    }

    extension(ClearanceStepView)
    {
        public static ClearanceStepView From(ClearanceStep s) =>
            new(s.Kind, s.Party, s.State, s.By, s.At, s.Reason, s.RequestId);
    }

    extension(DraftView)
    {
        public static DraftView From(DraftRecord d, IReadOnlyList<ClearanceLogEntry>? log = null) => new(d.Id, d.Number, d.Status,
            d.Draft.To, d.Draft.Subject, d.Draft.Body, d.Draft.Precedence, d.Draft.IssueId, d.Drafter, d.CreatedAt, d.UpdatedAt,
            d.ReturnReason, d.TelegramId, d.ReleasedBy, d.ReleasedAt, d.Steps.Select(s => ClearanceStepView.From(s)).ToArray(),
            log?.Select(l => new ClearanceLogView(l.At, l.Actor, l.Action, l.Detail)).ToArray());
    }

    extension(CoordinationView)
    {
        public static CoordinationView Of(CoordinationRequest r, string fromName, string? recipientName) => new(r.Id, r.From, fromName, r.DraftId,
            r.Recipient, recipientName, r.Subject, r.Body, r.Precedence, r.IssueId, r.Drafter, r.ReceivedAt,
            r.State, r.AnsweredBy, r.AnsweredAt, r.Reason);
    }

    extension(CounterpartView)
    {
        public static CounterpartView From(Counterpart c) => new(c.Name, c.Did, c.Endpoint, c.TieStatus, c.Entry?.KnownTies ?? [],
            c.Entry?.AddedAt, c.Entry?.ReviewedAt, c.Entry?.Notes.Select(n => new DossierNoteView(n.At, n.Officer, n.Text)).ToArray() ?? []);
    }

    extension(RelayPolicyView)
    {
        public static RelayPolicyView From(RelayPolicy p) =>
            new(p.TiedPairs, p.Pairs.Select(x => (IReadOnlyList<string>)[x.First, x.Second]).ToArray());
    }

    extension(IssueSummary)
    {
        public static IssueSummary From(Issue i, string counterpartName) => new()
        {
            Id = i.Id,
            Number = i.Number,
            Term = i.Named,
            Counterpart = i.Counterpart,
            CounterpartName = counterpartName,
            Title = i.Title,
            OpenedBy = i.OpenedBy,
            OpenedAt = i.OpenedAt,
            Status = i.Status,
            Outcome = i.Outcome,
            ReferredTo = i.ReferredTo,
            Clock = i.Clock,
            ChangedAt = i.ChangedAt,
        };
    }

    extension(IssueEventView)
    {
        public static IssueEventView From(IssueEvent e, string agencyName) => new(e.Id, e.Clock, e.Agency, agencyName, e.Officer, e.At,
            e.Status, e.IsOpening ? "opened" : e.Named, e.Title, e.Outcome, e.ReferredTo, e.ReferredToDid);
    }

    extension(IssueView)
    {
        public static IssueView From(IssueHistory h, string ownDid, string ownName, string counterpartName,
            IReadOnlyDictionary<string, string>? names = null)
        {
            // A bureau issue's changes come from its members, a referred issue's from the agencies taking part: each is named by
            // its own tie, or by the name its referral gave.
            string NameOf(string did) => did == ownDid ? ownName
                : names?.GetValueOrDefault(did) ?? h.Participants.FirstOrDefault(p => p.Did == did)?.Name ?? counterpartName;
            return new IssueView(IssueSummary.From(h.Issue, counterpartName))
            {
                Participants = h.Participants.Select(p => new IssueParticipantView(p.Did, p.Name)).ToArray(),
                Events = h.Events.Select(e => IssueEventView.From(e, NameOf(e.Agency))).ToArray(),
                History = h.Entries.Select(e => e.Event is { } ev
                    ? new IssueHistoryView("event", e.At, IssueEventView.From(ev, NameOf(ev.Agency)), null)
                    : new IssueHistoryView("telegram", e.At, null, TelegramSummary.From(e.Telegram!, NameOf(e.Telegram!.Counterpart)))).ToArray(),
            };
        }
    }

    extension(KeysView)
    {
        public static KeysView From(AgencyIdentity identity, IReadOnlyList<KeyRotation> rotations) => new(identity.Did,
            identity.Priors.Select(p => new PriorDidView(p.Did, p.NextDid, p.RotatedAt)).ToList(),
            rotations.Select(r => new RotationView(r.Own ? "own" : "counterpart", r.OldDid, r.NewDid, r.At)).ToList());
    }

    extension(RotateKeysView)
    {
        public static RotateKeysView From(KeyRotationResult r) => new(r.OldDid, r.NewDid, r.At, r.TiesTold);
    }

    extension(OfficerView)
    {
        public static OfficerView Of(Officer o, DateTimeOffset now)
        {
            ArgumentNullException.ThrowIfNull(o);
            bool locked = o.LockedUntil is { } until && until > now;
            return new OfficerView(o.Name, o.Role, o.CreatedAt, o.MustChangePassword, locked, locked ? o.LockedUntil : null, o.Disabled);
        }
    }

    extension(OfficerEventView)
    {
        public static OfficerEventView Of(OfficerEvent e)
        {
            ArgumentNullException.ThrowIfNull(e);
            return new OfficerEventView(e.Position, OfficerEvent.Name(e.Action), e.Officer, e.By, e.Offline, e.At, e.Role,
                e.PreviousRole, e.Until);
        }
    }

    extension(VerifyView)
    {
        public static VerifyView From(VerifyReport r) => new(r.Ok, r.Entries, r.Telegrams, r.Cables, r.Checkpoints, r.IssueEvents, r.ClearanceSteps,
            r.OfficerEvents, r.Head,
            r.Problems.Select(p => new ProblemView(p.Position, p.Reference, p.RegistryNumber, p.TelegramId, p.Problem, p.Detail, p.ToString())).ToList());
    }

    extension(CheckpointView)
    {
        public static CheckpointView From(Checkpoint c) => new(c.AgencyDid, c.Count, c.Head, c.Time, c.StoredAt, c.SignedMessage);
    }

    extension(TelegramSummary)
    {
        public static TelegramSummary From(TelegramRecord t, string counterpartName) => new()
        {
            Id = t.Id,
            Direction = t.Direction,
            Counterpart = t.Counterpart,
            CounterpartName = counterpartName,
            Serial = t.Serial,
            RegistryNumber = t.RegistryNumber,
            Status = t.Status,
            Precedence = t.Precedence,
            Subject = t.Subject,
            IssueId = t.IssueId,
            RegisteredAt = t.RegisteredAt,
            ReleasedAt = t.ReleasedAt,
            DeliveredAt = t.DeliveredAt,
            ReadAt = t.ReadAt,
            FailureReason = t.FailureReason,
            RelayPath = t.RelayPath,
            BureauId = t.BureauId,
            BureauEpoch = t.BureauEpoch,
            Imported = t.Imported is { } c ? new ImportedView(c.ImportedAt, c.Source, c.Signer, c.SignedOn) : null,
        };
    }

    extension(TermsView)
    {
        public static TermsView From(TieTerms t) => new(t.Version, t.MaxTelegramBytes, t.MaxAttachmentBytes,
            (long)t.Expiry.TotalSeconds, (long)t.MaxRetryInterval.TotalMilliseconds, t.ReadReceipts, t.Relays);
    }

    extension(TieView)
    {
        public static TieView From(Tie t, string fingerprint) => new(t.PeerDid, t.PeerName, t.PeerEndpoint, t.Status, t.Verified, fingerprint,
            TermsView.From(t.Terms), t.ProposedTerms is { } p ? TermsView.From(p) : null, t.ProposedByUs,
            t.EstablishedAt == default ? null : t.EstablishedAt, t.LastSentSerial);
    }
}

/// <summary>
/// A register entry in full (apart from <see cref="ContractMapping"/>: its <c>From</c> has the summary's parameters, and
/// one class cannot hold both).
/// </summary>
internal static class TelegramViewMapping
{
    extension(TelegramView)
    {
        public static TelegramView From(TelegramRecord t, string counterpartName) => new(TelegramSummary.From(t, counterpartName))
        {
            Body = t.Body,
            OnBehalfOf = t.OnBehalfOf,
            Drafter = t.Drafter,
            ReleasingOfficer = t.ReleasingOfficer,
            SenderName = t.SenderName,
            Attendees = t.Attendees,
            References = t.References,
            Attachments = t.Attachments.Select(a => new AttachmentView(a.Name, a.MediaType, a.Size, a.Sha256)).ToArray(),
            ContentHash = t.ContentHash,
            PeerRegistryNumber = t.PeerRegistryNumber,
            Receipt = t.Receipt is { } r ? Encoding.UTF8.GetString(r) : null,
            SignedOriginal = Encoding.UTF8.GetString(t.SignedOriginal),
        };
    }
}
