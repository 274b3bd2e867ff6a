using System.Text;
using System.Text.Json.Serialization;

namespace Telex.Core.Register;

/// <summary>
/// One link of the register's hash chain. Each entry records one thing that happened (a telegram filed, a
/// delivery, a first reading, a failure, an imported cable, …) by the SHA-256 of its canonical content, and is
/// bound to the entry before it by <see cref="PrevHash"/>.
/// </summary>
/// <param name="Position">Position in the chain, from 1, no gaps.</param>
/// <param name="Kind">What the entry records; one of <see cref="RegisterKinds"/>.</param>
/// <param name="Reference">What it is about, e.g. <c>TELEGRAM-ID/in</c> or <c>cable/ID</c>.</param>
/// <param name="Time">When the entry was written.</param>
/// <param name="ContentHash">Hex SHA-256 of the canonical content.</param>
/// <param name="PrevHash">The previous entry's hash; <see cref="RegisterChain.Genesis"/> for the first.</param>
/// <param name="Hash">This entry's hash (<see cref="RegisterChain.HashOf"/>).</param>
/// <param name="Content">
/// The canonical content itself for state changes, whose row keeps only the latest state; null for entries whose
/// content is recomputed from the row they record (telegrams, imported cables).
/// </param>
/// <remarks>
/// In JSON (the register's export) <see cref="Content"/> stands before <see cref="PrevHash"/> and <see cref="Hash"/>, so that
/// every export keeps one field order.
/// </remarks>
public sealed record RegisterEntry(
    long Position,
    string Kind,
    string Reference,
    DateTimeOffset Time,
    string ContentHash,
    [property: JsonPropertyOrder(1)] string PrevHash,
    [property: JsonPropertyOrder(1)] string Hash,
    byte[]? Content = null);

/// <summary>The kinds of register entries.</summary>
public static class RegisterKinds
{
    /// <summary>An outbound telegram released and filed.</summary>
    public const string TelegramOut = "telegram.out";

    /// <summary>An inbound telegram registered.</summary>
    public const string TelegramIn = "telegram.in";

    /// <summary>The signed receipt issued for an inbound telegram (one receipt may cover many telegrams).</summary>
    public const string Receipt = "receipt";

    /// <summary>A verified receipt for an outbound telegram.</summary>
    public const string Delivery = "delivery";

    /// <summary>An outbound telegram given up as undeliverable.</summary>
    public const string Failure = "failure";

    /// <summary>An inbound telegram first opened by an officer.</summary>
    public const string Read = "read";

    /// <summary>A historical cable imported from cable text (not traffic).</summary>
    public const string CableImported = "cable.imported";

    /// <summary>An issue event filed: its opening or a change of its status, decided here or received from the counterpart.</summary>
    public const string IssueStatus = "issue.status";

    /// <summary>A step in a draft's way to release written to the clearance log (submitted, cleared, refused, released, …).</summary>
    public const string Clearance = "clearance";

    /// <summary>
    /// A bureau's charter proposed, chartered or received, a member's acceptance, join or leave, an epoch opened or
    /// received (content kept in the entry: the bureau's rows hold only where it stands now).
    /// </summary>
    public const string Bureau = "bureau";

    /// <summary>A key rotation: this agency's own, or a counterpart's accepted over a tie (content kept, from_prior included).</summary>
    public const string KeyRotation = "key.rotation";

    /// <summary>
    /// An act of officer administration: an officer added, a password reset (also offline), an unlock, disabled,
    /// enabled, a role changed, removed, or a lockout after failed sign-ins (content kept: the officers' rows hold only
    /// where each officer stands now).
    /// </summary>
    public const string Officer = "officer";
}

/// <summary>The hash chain's rules: how an entry's hash is computed and what each kind's content is.</summary>
public static class RegisterChain
{
    /// <summary>The previous hash of the first entry: 64 zeros.</summary>
    public static readonly string Genesis = new('0', 64);

    /// <summary>
    /// An entry's hash: hex SHA-256 of the UTF-8 text <c>telex-register-entry/1\n</c> followed by position, kind,
    /// reference, time (Unix ms), content hash and previous hash, each ended by a newline.
    /// </summary>
    public static string HashOf(long position, string kind, string reference, DateTimeOffset time, string contentHash, string prevHash)
    {
        var inv = CultureInfo.InvariantCulture;
        string text = string.Create(inv, $"telex-register-entry/1\n{position}\n{kind}\n{reference}\n{time.ToUnixTimeMilliseconds()}\n{contentHash}\n{prevHash}\n");
        return CanonicalWriter.Sha256Hex(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Builds the entry that follows <paramref name="previous"/> (null for the first).</summary>
    public static RegisterEntry Next(RegisterEntry? previous, string kind, string reference, DateTimeOffset time, byte[] content, bool keepContent)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (kind.Contains('\n', StringComparison.Ordinal) || reference.Contains('\n', StringComparison.Ordinal))
        {
            throw new ArgumentException("kind and reference are single lines");
        }

        long position = (previous?.Position ?? 0) + 1;
        string prev = previous?.Hash ?? Genesis;
        string contentHash = CanonicalWriter.Sha256Hex(content);
        time = DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
        return new RegisterEntry(position, kind, reference, time, contentHash, PrevHash: prev,
            Hash: HashOf(position, kind, reference, time, contentHash, prev), Content: keepContent ? content : null);
    }

    /// <summary>The reference of a telegram's entries: <c>ID/in</c> or <c>ID/out</c>.</summary>
    public static string TelegramReference(Guid id, Direction direction) =>
        id.ToString() + (direction == Direction.Inbound ? "/in" : "/out");

    /// <summary>The reference of an imported cable's entry.</summary>
    public static string CableReference(Guid id) => "cable/" + id.ToString();

    /// <summary>The reference of an issue event's entry: <c>issue/ISSUE-ID/EVENT-ID</c>.</summary>
    public static string IssueEventReference(IssueEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return "issue/" + e.IssueId + "/" + e.Id.ToString();
    }

    /// <summary>How the verifier names an issue's row: <c>issue/ISSUE-ID</c>.</summary>
    public static string IssueReference(string issueId) => "issue/" + issueId;

    /// <summary>The reference of a clearance step's entry: <c>clearance/DRAFT-ID/SEQ</c>, SEQ its place in the clearance log.</summary>
    public static string ClearanceReference(ClearanceLogRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return string.Create(CultureInfo.InvariantCulture, $"clearance/{row.Step.DraftId}/{row.Seq}");
    }

    /// <summary>The reference of a bureau entry: <c>bureau/BUREAU-ID/ACTION</c>, with <c>/N</c> for an epoch.</summary>
    public static string BureauReference(Guid bureauId, BureauLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return "bureau/" + bureauId.ToString() + "/" + entry.Action
            + (entry.Epoch is { } n ? "/" + n.ToString(CultureInfo.InvariantCulture) : "");
    }

    /// <summary>What a bureau entry records: the bureau, the action, the agency concerned, the epoch, the members and the time.</summary>
    public static byte[] BureauContent(Guid bureauId, BureauLogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new CanonicalWriter(RegisterKinds.Bureau)
            .Field("bureau", bureauId.ToString())
            .Field("action", entry.Action)
            .Field("agency", entry.Agency)
            .Field("epoch", entry.Epoch)
            .List("member", entry.Members)
            .Field("at", entry.At)
            .ToArray();
    }

    /// <summary>
    /// What an issue event's entry records: every field of the event and the issue's counterpart (the row keeps the
    /// event as filed, so the content is recomputed from it).
    /// </summary>
    public static byte[] IssueEventContent(IssueEvent e, string counterpart)
    {
        ArgumentNullException.ThrowIfNull(e);
        var writer = new CanonicalWriter(RegisterKinds.IssueStatus)
            .Field("id", e.Id.ToString())
            .Field("issue", e.IssueId)
            .Field("counterpart", counterpart)
            .Field("clock", e.Clock)
            .Field("agency", e.Agency)
            .Field("officer", e.Officer)
            .Field("at", e.At)
            .Field("status", e.Status.ToString().ToLowerInvariant())
            .Field("title", e.Title)
            .Field("outcome", e.Outcome)
            .Field("referred_to", e.ReferredTo);

        // The outcome's term and the DID a referral brought in came later: written only when present, so the entries of
        // changes filed before them keep their hashes.
        if (e.Term is not null)
        {
            writer.Field("term", e.Term);
        }

        if (e.ReferredToDid is not null)
        {
            writer.Field("referred_to_did", e.ReferredToDid);
        }

        return writer.ToArray();
    }

    /// <summary>What a clearance step's entry records: the clearance log row, its place in the log included.</summary>
    public static byte[] ClearanceContent(ClearanceLogRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new CanonicalWriter(RegisterKinds.Clearance)
            .Field("seq", row.Seq)
            .Field("draft", row.Step.DraftId.ToString())
            .Field("at", row.Step.At)
            .Field("actor", row.Step.Actor)
            .Field("action", row.Step.Action)
            .Field("detail", row.Step.Detail)
            .ToArray();
    }

    /// <summary>
    /// What a telegram's entry records: everything fixed when it was filed. Mutable state (delivery, reading,
    /// failure) is left out and recorded by entries of its own, and so is the receipt issued for an inbound
    /// telegram, which is signed after registration for whatever arrived together.
    /// </summary>
    public static byte[] TelegramContent(TelegramRecord t)
    {
        ArgumentNullException.ThrowIfNull(t);
        bool inbound = t.Direction == Direction.Inbound;
        var w = new CanonicalWriter(inbound ? RegisterKinds.TelegramIn : RegisterKinds.TelegramOut)
            .Field("id", t.Id.ToString())
            .Field("direction", inbound ? "in" : "out")
            .Field("counterpart", t.Counterpart)
            .Field("serial", t.Serial)
            .Field("registry_number", t.RegistryNumber)
            .Field("created_at", t.CreatedAt)
            .Field("released_at", t.ReleasedAt)
            .Field("registered_at", t.RegisteredAt)
            .Field("subject", t.Subject)
            .Field("body", t.Body)
            .Field("precedence", t.Precedence.ToString().ToLowerInvariant())
            .Field("issue_id", t.IssueId)
            .Field("on_behalf_of", t.OnBehalfOf)
            .Field("drafter", t.Drafter)
            .Field("releasing_officer", t.ReleasingOfficer)
            .Field("sender_name", t.SenderName)
            .List("attendee", t.Attendees)
            .List("reference", t.References.Select(r => r.ToString()).ToList())
            .Field("attachment.count", t.Attachments.Count);
        foreach (var a in t.Attachments)
        {
            w.Field("attachment.name", a.Name).Field("attachment.media_type", a.MediaType).Field("attachment.size", a.Size)
                .Field("attachment.sha256", a.Sha256);
        }

        w.Field("content_hash", t.ContentHash)
            .Digest("plaintext", t.Plaintext)
            .Digest("signed_original", t.SignedOriginal);

        // Only relayed telegrams carry a path, so the entries of every telegram filed before relays keep their content.
        if (t.RelayPath.Count > 0)
        {
            w.List("relay_hop", t.RelayPath);
        }

        // Only bulletins name a bureau: other telegrams' content, and so every entry filed before bureaus, is unchanged.
        if (t.BureauId is { } bureau)
        {
            w.Field("bureau", bureau.ToString()).Field("bureau_epoch", t.BureauEpoch);
        }

        return w.ToArray();
    }

    /// <summary>What a delivery entry records.</summary>
    public static byte[] DeliveryContent(Guid telegramId, byte[] receipt, long peerRegistryNumber, DateTimeOffset at) =>
        new CanonicalWriter(RegisterKinds.Delivery)
            .Field("telegram", telegramId.ToString())
            .Digest("receipt", receipt)
            .Field("peer_registry_number", peerRegistryNumber)
            .Field("delivered_at", at)
            .ToArray();

    /// <summary>What a receipt entry records: the receipt issued for an inbound telegram.</summary>
    public static byte[] ReceiptContent(Guid telegramId, byte[] receipt) =>
        new CanonicalWriter(RegisterKinds.Receipt).Field("telegram", telegramId.ToString()).Digest("receipt", receipt).ToArray();

    /// <summary>The reference of a key rotation's entry: <c>keys/OLD-DID</c> (a DID is given up once).</summary>
    public static string KeyRotationReference(string oldDid) => "keys/" + oldDid;

    /// <summary>What a key rotation entry records: whose (own or counterpart), old DID, new DID, the from_prior JWT, time.</summary>
    public static byte[] KeyRotationContent(KeyRotation r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new CanonicalWriter(RegisterKinds.KeyRotation)
            .Field("side", r.Own ? "own" : "counterpart")
            .Field("old_did", r.OldDid)
            .Field("new_did", r.NewDid)
            .Field("from_prior", r.FromPrior)
            .Field("time", r.At)
            .ToArray();
    }

    /// <summary>The reference of an officer administration entry: <c>officer/NAME</c>.</summary>
    public static string OfficerReference(string officer) => "officer/" + officer;

    /// <summary>What an officer administration entry records: the action, the officer, who did it (or offline), the roles, until when, the time.</summary>
    public static byte[] OfficerContent(OfficerEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new CanonicalWriter(RegisterKinds.Officer)
            .Field("action", OfficerEvent.Name(e.Action))
            .Field("officer", e.Officer)
            .Field("by", e.By)
            .Field("offline", e.Offline ? "yes" : null)
            .Field("role", e.Role?.ToString().ToLowerInvariant())
            .Field("previous_role", e.PreviousRole?.ToString().ToLowerInvariant())
            .Field("until", e.Until)
            .Field("at", e.At)
            .ToArray();
    }

    /// <summary>
    /// The officer administration event an <c>officer</c> entry records, read from its kept content; null when the entry
    /// is of another kind or its content is not an officer event's (the verifier reports such an entry).
    /// </summary>
    public static OfficerEvent? ReadOfficerEvent(RegisterEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Kind != RegisterKinds.Officer || entry.Content is null || CanonicalReader.TryParse(entry.Content) is not { } c
            || c.Kind != RegisterKinds.Officer || OfficerEvent.Parse(c.Get("action")) is not { } action || c.Get("officer") is not { } officer
            || c.GetTime("at") is not { } at || entry.Reference != OfficerReference(officer)
            || !TryRole(c.Get("role"), out var role) || !TryRole(c.Get("previous_role"), out var previous))
        {
            return null;
        }

        return new OfficerEvent
        {
            Action = action,
            Officer = officer,
            By = c.Get("by"),
            Offline = c.Get("offline") == "yes",
            At = at,
            Role = role,
            PreviousRole = previous,
            Until = c.GetTime("until"),
            Position = entry.Position,
        };
    }

    private static bool TryRole(string? text, out Role? role)
    {
        role = null;
        if (text is null)
        {
            return true;
        }

        foreach (var r in Enum.GetValues<Role>())
        {
            if (string.Equals(r.ToString().ToLowerInvariant(), text, StringComparison.Ordinal))
            {
                role = r;
                return true;
            }
        }

        return false;
    }

    /// <summary>What a failure entry records.</summary>
    public static byte[] FailureContent(Guid telegramId, string reason) =>
        new CanonicalWriter(RegisterKinds.Failure).Field("telegram", telegramId.ToString()).Field("reason", reason).ToArray();

    /// <summary>What a read entry records.</summary>
    public static byte[] ReadContent(Guid telegramId, DateTimeOffset at) =>
        new CanonicalWriter(RegisterKinds.Read).Field("telegram", telegramId.ToString()).Field("read_at", at).ToArray();

    /// <summary>What an imported cable's entry records: all of it.</summary>
    public static byte[] CableContent(ImportedCable c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new CanonicalWriter(RegisterKinds.CableImported)
            .Field("id", c.Id.ToString())
            .Field("registry_number", c.RegistryNumber)
            .Field("received_at", c.ReceivedAt)
            .Field("sender_serial", c.SenderSerial)
            .Field("signer", c.Signer)
            .Field("signed_on", c.SignedOn)
            .Field("text", c.Text)
            .Field("trailer", c.Trailer)
            .Field("imported_at", c.ImportedAt)
            .Field("source", c.Source)
            .ToArray();
    }
}
