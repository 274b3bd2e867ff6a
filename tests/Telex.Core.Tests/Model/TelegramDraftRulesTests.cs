using Telex.Core.Model;
using Telex.Core.Protocol;

namespace Telex.Core.Tests.Model;

/// <summary>
/// The rules a telegram must pass whichever way it comes in (API, console, the agency itself): one table of drafts, each
/// with the field its first broken rule names (null: it may go) and a word of the message.
/// </summary>
public sealed class TelegramDraftRulesTests
{
    private const string To = "did:peer:2.example";

    private static readonly string Long4097 = new('x', 4097);

    public static TheoryData<string, Draft, string?, string?> Cases() => new()
    {
        { "a plain telegram", new(), null, null },
        { "no recipient", new() { To = null }, "to", "required" },
        { "a blank recipient", new() { To = "  " }, "to", "required" },
        { "a recipient of 4097 characters", new() { To = Long4097 }, "to", "at most 4096" },
        { "no subject", new() { Subject = null }, "subject", "required" },
        { "a blank subject", new() { Subject = " " }, "subject", "required" },
        { "a subject of 1000 characters", new() { Subject = new string('s', 1000) }, null, null },
        { "a subject of 1001 characters", new() { Subject = new string('s', 1001) }, "subject", "at most 1000" },
        { "a subject with a NUL character", new() { Subject = "Grain\0" }, "subject", "NUL" },
        { "no text", new() { Body = null }, "body", "required" },
        { "a text with a NUL character", new() { Body = "As\0discussed." }, "body", "NUL" },
        { "an empty text", new() { Body = "" }, null, null },
        { "an issue id of 4097 characters", new() { IssueId = Long4097 }, "issueId", "at most 4096" },
        { "an issue label with a control character", new() { IssueId = "grain\u0007" }, "issueId", "issue label" },
        { "an originator with a bidirectional override", new() { OnBehalfOf = "Mao\u202EZedong" }, "onBehalfOf", "bidirectional" },
        { "an originator of 4097 characters", new() { OnBehalfOf = Long4097 }, "onBehalfOf", "at most 4096" },
        { "an originator", new() { OnBehalfOf = "Mao Zedong" }, null, null },
        { "attendees", new() { Attendees = ["Zhu De", "Liu Shaoqi"] }, null, null },
        { "a blank attendee", new() { Attendees = ["Zhu De", " "] }, "attendees[1]", "a name" },
        { "a null attendee", new() { Attendees = [null] }, "attendees[0]", "a name" },
        { "an attendee with a line break", new() { Attendees = ["Zhu\nDe"] }, "attendees[0]", "control" },
        { "257 attendees", new() { Attendees = Enumerable.Repeat<string?>("a", 257).ToArray() }, "attendees", "at most 256" },
        { "256 references", new() { References = 256 }, null, null },
        { "257 references", new() { References = 257 }, "references", "at most 256" },
        { "an attachment", new() { Attachments = ["minutes.pdf"] }, null, null },
        { "an attachment without a name", new() { Attachments = ["minutes.pdf", null] }, "attachments[1].name", "required" },
        { "an attachment named by a path", new() { Attachments = ["../minutes.pdf"] }, "attachments[0].name", null },
        { "257 attachments", new() { Attachments = Enumerable.Repeat<string?>("a.txt", 257).ToArray() }, "attachments", "at most 256" },
        { "no recipient and no subject: the recipient first", new() { To = null, Subject = null }, "to", "required" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_draft_breaks_the_rule_of_its_first_wrong_field(string what, Draft draft, string? field, string? message)
    {
        var errors = TelegramDraftRules.Check(draft.To, draft.Subject, draft.Body, draft.IssueId, draft.OnBehalfOf, draft.Attendees, draft.References,
            draft.Attachments);

        Assert.True(field == (errors.Count > 0 ? errors[0].Field : null), $"{what}: expected {field ?? "no error"}, got {string.Join("; ", errors)}");
        if (message is not null)
        {
            Assert.Contains(message, errors[0].Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_draft_the_agency_releases_is_checked_by_the_same_rules()
    {
        var draft = new TelegramDraft { To = To, Subject = new string('s', 1001), Body = "text", Attendees = ["Zhu\u202EDe"] };

        var errors = TelegramDraftRules.Check(draft);

        Assert.Equal(["subject", "attendees[0]"], errors.Select(e => e.Field));
    }

    [Theory]
    [InlineData("application/pdf", true)]
    [InlineData("text/plain; charset=utf-8", true)]
    [InlineData("", false)]
    [InlineData("text/plain\0", false)]
    [InlineData("text/plain\r\nX-Injected: 1", false)]
    public void An_attachment_needs_a_media_type_without_control_characters(string mediaType, bool accepted)
    {
        var draft = new TelegramDraft { To = To, Subject = "Minutes", Body = "Attached.", Attachments = [new TelegramAttachment("minutes.pdf", mediaType, [1])] };

        var errors = TelegramDraftRules.Check(draft);

        Assert.Equal(accepted ? [] : ["attachments[0].mediaType"], errors.Select(e => e.Field));
        Assert.Equal(accepted, AttachmentName.MediaTypeProblem(mediaType) is null);
        Assert.False(AttachmentName.MediaTypeProblem(new string('a', 256)) is null);
    }

    /// <summary>A draft's fields as a request may carry them (nulls included).</summary>
    public sealed record Draft
    {
        public string? To { get; init; } = TelegramDraftRulesTests.To;

        public string? Subject { get; init; } = "Grain";

        public string? Body { get; init; } = "As discussed.";

        public string? IssueId { get; init; }

        public string? OnBehalfOf { get; init; }

        public IReadOnlyList<string?>? Attendees { get; init; }

        public int References { get; init; }

        public IReadOnlyList<string?>? Attachments { get; init; }

        public override string ToString() => Subject ?? "";
    }
}
