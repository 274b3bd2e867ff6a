namespace Telex.Core.Model;

/// <summary>A request field that breaks a rule: its name (as the API's JSON names it, e.g. <c>attendees[2]</c>) and why.</summary>
/// <param name="Field">The field: <c>to</c>, <c>subject</c>, <c>body</c>, <c>issueId</c>, <c>onBehalfOf</c>, <c>attendees[i]</c>, <c>references</c>, <c>attachments[i].name</c>.</param>
/// <param name="Message">What is wrong, for a person: e.g. <c>required</c>, <c>at most 1000 characters</c>.</param>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// What a telegram must be before it is released or filed as a draft, whichever way it comes in (the API, the console,
/// the agency itself): the rules once, each broken one a <see cref="FieldError"/>, in field order. What depends on the
/// tie (the size limits of its terms) is checked where the tie is known.
/// </summary>
public static class TelegramDraftRules
{
    /// <summary>Longest recipient DID or issue id accepted: far above any real one, low enough to refuse a flood.</summary>
    public const int MaxFieldLength = 4096;

    // The receiver would refuse it (InboundGate.NulProblem), and PostgreSQL cannot store it.
    private const string NoNul = "must not contain the NUL character (U+0000)";

    /// <summary>
    /// The broken rules of a telegram's fields; empty when it may go. <paramref name="attendees"/> and
    /// <paramref name="attachmentNames"/> may hold nulls (as an API body may), which are broken rules too.
    /// </summary>
    public static IReadOnlyList<FieldError> Check(string? to, string? subject, string? body, string? issueId, string? onBehalfOf,
        IReadOnlyList<string?>? attendees, int references, IReadOnlyList<string?>? attachmentNames = null)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(to))
        {
            errors.Add(new("to", "required: the recipient agency's DID"));
        }
        else if (to.Length > MaxFieldLength)
        {
            errors.Add(new("to", $"at most {MaxFieldLength} characters"));
        }

        if (string.IsNullOrWhiteSpace(subject))
        {
            errors.Add(new("subject", "required"));
        }
        else if (subject.Length > TelegramWire.MaxSubjectLength)
        {
            errors.Add(new("subject", $"at most {TelegramWire.MaxSubjectLength} characters"));
        }
        else if (subject.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(new("subject", NoNul));
        }

        if (body is null)
        {
            errors.Add(new("body", "required"));
        }
        else if (body.Contains('\0', StringComparison.Ordinal))
        {
            errors.Add(new("body", NoNul));
        }

        if (issueId is { Length: > MaxFieldLength })
        {
            errors.Add(new("issueId", $"at most {MaxFieldLength} characters"));
        }
        else if (TelegramWire.IssueLabelProblem(issueId) is { } badIssue)
        {
            errors.Add(new("issueId", badIssue));
        }

        // The receiver refuses names it could not show faithfully: refused here, before a telegram is released that could never be delivered.
        if (onBehalfOf is { Length: > MaxFieldLength })
        {
            errors.Add(new("onBehalfOf", $"at most {MaxFieldLength} characters"));
        }
        else if (!PeerText.IsOptionalName(onBehalfOf, TelegramWire.MaxNameListLength))
        {
            errors.Add(new("onBehalfOf", $"a name of at most {TelegramWire.MaxNameListLength} characters without control or bidirectional-override characters"));
        }

        if (attendees is { Count: > TelegramWire.MaxListItems })
        {
            errors.Add(new("attendees", $"at most {TelegramWire.MaxListItems}"));
        }
        else if (attendees is not null)
        {
            for (int i = 0; i < attendees.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(attendees[i]) || attendees[i]!.Length > MaxFieldLength || !PeerText.IsName(attendees[i], TelegramWire.MaxNameListLength))
                {
                    errors.Add(new($"attendees[{i}]", $"a name of 1 to {MaxFieldLength} characters without control or bidirectional-override characters"));
                }
            }
        }

        if (references > TelegramWire.MaxListItems)
        {
            errors.Add(new("references", $"at most {TelegramWire.MaxListItems}"));
        }

        if (attachmentNames is { Count: > TelegramWire.MaxListItems })
        {
            errors.Add(new("attachments", $"at most {TelegramWire.MaxListItems}"));
        }
        else if (attachmentNames is not null)
        {
            for (int i = 0; i < attachmentNames.Count; i++)
            {
                string? name = attachmentNames[i];
                if (string.IsNullOrWhiteSpace(name) || name.Length > MaxFieldLength)
                {
                    errors.Add(new($"attachments[{i}].name", $"required, at most {MaxFieldLength} characters"));
                }
                else if (AttachmentName.Problem(name) is { } badName)
                {
                    errors.Add(new($"attachments[{i}].name", badName));
                }
            }
        }

        return errors;
    }

    /// <summary>The broken rules of a draft the agency is about to release or file.</summary>
    public static IReadOnlyList<FieldError> Check(TelegramDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var errors = Check(draft.To, draft.Subject, draft.Body, draft.IssueId, draft.OnBehalfOf, draft.Attendees, draft.References.Count,
            draft.Attachments.Select(a => (string?)a.Name).ToList()).ToList();
        for (int i = 0; i < draft.Attachments.Count; i++)
        {
            if (AttachmentName.MediaTypeProblem(draft.Attachments[i].MediaType) is { } badType)
            {
                errors.Add(new($"attachments[{i}].mediaType", badType));
            }
        }

        return errors;
    }
}
