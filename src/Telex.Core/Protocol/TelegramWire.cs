namespace Telex.Core.Protocol;

/// <summary>The fields of a telegram as they travel in a DIDComm message body, and their validation on arrival.</summary>
public static class TelegramWire
{
    /// <summary>Most attendees or references accepted on one telegram.</summary>
    public const int MaxListItems = 256;

    /// <summary>Longest subject accepted, in characters.</summary>
    public const int MaxSubjectLength = 1000;

    /// <summary>
    /// Longest on-behalf-of or attendee name, in characters. Default 4096: what the client API accepts for these fields.
    /// </summary>
    public const int MaxNameListLength = 4096;

    /// <summary>Longest issue label a telegram carries, in characters (an issue's id, or a label from before issues were shared).</summary>
    public const int MaxIssueLabelLength = 200;

    /// <summary>Most relays named on one telegram's path. Telex relays through one agency; a few more are accepted on arrival.</summary>
    public const int MaxRelayHops = 4;

    /// <summary>Builds the plaintext message of a released telegram.</summary>
    public static Message ToMessage(Guid id, string fromDid, string senderName, TelegramDraft draft, long serial,
        DateTimeOffset createdAt, DateTimeOffset releasedAt, string? releasingOfficer, DateTimeOffset expiresAt,
        IReadOnlyList<string>? relayPath = null)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var body = new JsonObject
        {
            ["serial"] = serial,
            ["sender_order"] = serial,
            ["subject"] = draft.Subject,
            ["text"] = draft.Body,
            ["precedence"] = draft.Precedence.ToString().ToLowerInvariant(),
            ["sender_name"] = senderName,
            ["released_time"] = releasedAt.ToUnixTimeMilliseconds(),
        };
        if (draft.IssueId is not null)
        {
            body["issue"] = draft.IssueId;
        }

        if (draft.OnBehalfOf is not null)
        {
            body["on_behalf_of"] = draft.OnBehalfOf;
        }

        if (draft.Drafter is not null)
        {
            body["drafter"] = draft.Drafter;
        }

        if (releasingOfficer is not null)
        {
            body["releasing_officer"] = releasingOfficer;
        }

        if (draft.BureauId is { } bureau)
        {
            body["bureau"] = bureau.ToString();
            body["bureau_epoch"] = draft.BureauEpoch;
        }

        if (draft.Attendees.Count > 0)
        {
            body["attendees"] = new JsonArray(draft.Attendees.Select(a => (JsonNode?)a).ToArray());
        }

        if (draft.References.Count > 0)
        {
            body["references"] = new JsonArray(draft.References.Select(r => (JsonNode?)r.ToString()).ToArray());
        }

        // Only a relayed telegram names its path, so a direct one is the same message as before relays existed.
        if (relayPath is { Count: > 0 })
        {
            body["relay_path"] = new JsonArray(relayPath.Select(r => (JsonNode?)r).ToArray());
        }

        return new Message
        {
            Id = id.ToString(),
            Type = MessageTypes.Telegram,
            From = fromDid,
            To = [draft.To],
            Thid = draft.IssueId,
            CreatedTime = createdAt.ToUnixTimeSeconds(),
            ExpiresTime = expiresAt.ToUnixTimeSeconds(),
            Body = JsonSerializer.SerializeToElement(body),
            Attachments = draft.Attachments.Count == 0
                ? null
                : draft.Attachments.Select(a => new Attachment
                {
                    Id = a.Sha256,
                    Filename = a.Name,
                    MediaType = a.MediaType,
                    ByteCount = a.Content.Length,
                    Data = new AttachmentData { Base64 = Convert.ToBase64String(a.Content), Hash = a.Sha256 },
                }).ToArray(),
        };
    }

    /// <summary>A telegram's content as it travels: validated on arrival, or as released here.</summary>
    public sealed record Parsed(
        Guid Id,
        long Serial,
        string Subject,
        string Text,
        Precedence Precedence,
        string? IssueId,
        string? OnBehalfOf,
        string? Drafter,
        string? ReleasingOfficer,
        string? SenderName,
        IReadOnlyList<string> Attendees,
        IReadOnlyList<Guid> References,
        IReadOnlyList<AttachmentInfo> Attachments,
        DateTimeOffset CreatedAt,
        DateTimeOffset ReleasedAt)
    {
        /// <summary>The DIDs of the relays the sender sent it through, first hop first; empty when sent directly.</summary>
        public IReadOnlyList<string> RelayPath { get; init; } = [];
        /// <summary>The bureau of a bulletin; null for a telegram on a tie only.</summary>
        public Guid? BureauId { get; init; }

        /// <summary>The epoch a bulletin names (with <see cref="BureauId"/>).</summary>
        public long? BureauEpoch { get; init; }
    }

    /// <summary>
    /// Why a telegram body is too large for the tie's terms, or null: its text may hold <see cref="TieTerms.MaxTelegramBytes"/>
    /// bytes, and everything else in the body (subject, names, lists, labels, members this version does not know) as much
    /// again. Sizes are of the decoded content — the UTF-8 of every member name and string, the digits of every number —
    /// so the same telegram measures the same at both ends however its JSON was escaped. The sender measures its own
    /// telegram by this rule before releasing it, so a telegram it releases is never refused for its size on arrival.
    /// </summary>
    public static string? SizeProblem(JsonElement body, TieTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        long text = body.StringMember("text") is { } t ? System.Text.Encoding.UTF8.GetByteCount(t) : 0;
        if (text > terms.MaxTelegramBytes)
        {
            return $"telegram text exceeds the agreed {terms.MaxTelegramBytes} bytes";
        }

        return ContentBytes(body) - text > terms.MaxTelegramBytes
            ? $"telegram body besides its text exceeds the agreed {terms.MaxTelegramBytes} bytes"
            : null;
    }

    private static long ContentBytes(JsonElement e)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                long members = 0;
                foreach (var member in e.EnumerateObject())
                {
                    members += System.Text.Encoding.UTF8.GetByteCount(member.Name) + ContentBytes(member.Value);
                }

                return members;
            case JsonValueKind.Array:
                long items = 0;
                foreach (var item in e.EnumerateArray())
                {
                    items += ContentBytes(item);
                }

                return items;
            case JsonValueKind.String:
                return System.Text.Encoding.UTF8.GetByteCount(e.GetString()!);
            default:
                return e.GetRawText().Length;
        }
    }

    /// <summary>Why an issue label cannot travel on a telegram (too long, or holding characters an officer would misread), or null.</summary>
    public static string? IssueLabelProblem(string? label) =>
        label is null || PeerText.IsName(label, MaxIssueLabelLength) ? null
            : $"an issue label is at most {MaxIssueLabelLength} characters without control or bidirectional-override characters";

    /// <summary>Validates a telegram message against the tie's terms; false with a reason when invalid.</summary>
    public static bool TryParse(Message message, TieTerms terms, out Parsed telegram, out string error)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(terms);
        telegram = null!;
        var b = message.Body;
        if (!Guid.TryParse(message.Id, out var id))
        {
            error = "telegram id must be a UUID";
            return false;
        }

        if (!b.TryIntegerMember("serial", out long serial) || serial < 1)
        {
            error = "telegram serial must be a positive integer";
            return false;
        }

        string? subject = b.StringMember("subject"), text = b.StringMember("text"), precedenceName = b.StringMember("precedence");
        if (subject is null || text is null || subject.Length > MaxSubjectLength)
        {
            error = "telegram needs a subject (at most 1000 characters) and a text";
            return false;
        }

        if (SizeProblem(b, terms) is { } tooLarge)
        {
            error = tooLarge;
            return false;
        }

        if (!Enum.TryParse<Precedence>(precedenceName, ignoreCase: true, out var precedence) || !Enum.IsDefined(precedence)
            || int.TryParse(precedenceName, out _))
        {
            error = "telegram precedence must be routine, priority, immediate or flash";
            return false;
        }

        if (!TryStrings(b, "attendees", out var attendees) || !TryStrings(b, "references", out var referenceTexts))
        {
            error = $"attendees and references must be arrays of at most {MaxListItems} strings";
            return false;
        }

        var references = new List<Guid>();
        foreach (var r in referenceTexts)
        {
            if (!Guid.TryParse(r, out var g))
            {
                error = "references must be telegram ids";
                return false;
            }

            references.Add(g);
        }

        if (!TryStrings(b, "relay_path", out var relayPath) || relayPath.Count > MaxRelayHops
            || relayPath.Any(r => !r.StartsWith("did:", StringComparison.Ordinal) || r.Length > 8192))
        {
            error = $"relay_path must list at most {MaxRelayHops} DIDs";
            return false;
        }

        var attachments = new List<AttachmentInfo>();
        foreach (var a in message.Attachments ?? [])
        {
            if (a.Data.Base64 is not { } b64)
            {
                error = "telegram attachments must be inline base64";
                return false;
            }

            byte[] content;
            try
            {
                content = Convert.FromBase64String(b64);
            }
            catch (FormatException)
            {
                error = "attachment is not base64";
                return false;
            }

            if (content.Length > terms.MaxAttachmentBytes)
            {
                error = $"attachment exceeds the agreed {terms.MaxAttachmentBytes} bytes";
                return false;
            }

            string sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content));
            if (a.Data.Hash is { } stated && !string.Equals(stated, sha, StringComparison.OrdinalIgnoreCase))
            {
                error = "attachment hash does not match its content";
                return false;
            }

            if (AttachmentName.Problem(a.Filename ?? a.Id ?? sha) is { } badName)
            {
                error = badName;
                return false;
            }

            if (a.MediaType is not null && AttachmentName.MediaTypeProblem(a.MediaType) is { } badType)
            {
                error = badType;
                return false;
            }

            attachments.Add(new AttachmentInfo(a.Filename ?? a.Id ?? sha, a.MediaType ?? "application/octet-stream", content.Length, sha));
        }

        Guid? bureauId = null;
        long? bureauEpoch = null;
        if (b.TryGetProperty("bureau", out var bureauElement))
        {
            if (!Guid.TryParse(bureauElement.ValueKind == JsonValueKind.String ? bureauElement.GetString() : null, out var parsedBureau)
                || !b.TryIntegerMember("bureau_epoch", out long epoch) || epoch < 1)
            {
                error = "a bulletin names its bureau (a UUID) and its epoch (a positive integer)";
                return false;
            }

            bureauId = parsedBureau;
            bureauEpoch = epoch;
        }

        long releasedMs = b.TryGetProperty("released_time", out var releasedElement)
            ? (releasedElement.TryInteger(out long ms) ? ms : -1)
            : message.CreatedTime is not { } c ? 0 : PeerTime.TryFromUnixSeconds(c, out _) ? c * 1000 : -1;
        if (releasedMs is < 0 or > PeerTime.MaxUnixMilliseconds || !PeerTime.TryFromUnixSeconds(message.CreatedTime ?? releasedMs / 1000, out var createdAt))
        {
            error = "telegram created_time and released_time must be Unix times from 1970 to 9999";
            return false;
        }

        if (!PeerText.IsOptionalName(b.StringMember("sender_name")) || !PeerText.IsOptionalName(b.StringMember("drafter"))
            || !PeerText.IsOptionalName(b.StringMember("releasing_officer")) || !PeerText.IsOptionalName(b.StringMember("on_behalf_of"), MaxNameListLength)
            || attendees.Any(a => !PeerText.IsName(a, MaxNameListLength)))
        {
            error = $"sender, drafter and releasing officer must be names of at most {PeerText.MaxNameLength} characters, on-behalf-of and attendees of at most {MaxNameListLength}, without control or bidirectional-override characters";
            return false;
        }

        string? issue = b.StringMember("issue") ?? message.Thid;
        if (IssueLabelProblem(issue) is { } badIssue)
        {
            error = badIssue;
            return false;
        }

        telegram = new Parsed(
            id,
            serial,
            subject,
            text,
            precedence,
            issue,
            b.StringMember("on_behalf_of"),
            b.StringMember("drafter"),
            b.StringMember("releasing_officer"),
            b.StringMember("sender_name"),
            attendees,
            references,
            attachments,
            createdAt,
            DateTimeOffset.FromUnixTimeMilliseconds(releasedMs))
        {
            RelayPath = relayPath,
            BureauId = bureauId,
            BureauEpoch = bureauEpoch,
        };
        error = "";
        return true;
    }

    private static bool TryStrings(JsonElement e, string name, out List<string> values)
    {
        values = [];
        if (!e.TryGetProperty(name, out var arr))
        {
            return true;
        }

        if (arr.ValueKind != JsonValueKind.Array || arr.GetArrayLength() > MaxListItems)
        {
            return false;
        }

        foreach (var v in arr.EnumerateArray())
        {
            if (v.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            values.Add(v.GetString()!);
        }

        return true;
    }
}
