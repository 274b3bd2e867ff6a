using Microsoft.AspNetCore.Mvc;

using Telex.Core.Issues;
using Telex.Core.Protocol;

namespace Telex.Server.Console.Pages;

/// <summary>
/// Compose a telegram to a counterpart — tied, or untied and reached through a relay (optionally named) — or a
/// bulletin to a bureau (one telegram to every member of its current epoch), on an issue (existing or opened here), with precedence, on-behalf-of,
/// attendees and attachments. A releasing officer releases it at once when the agency's clearance policy asks for
/// nothing; otherwise (and always for a clerk) it is filed as a draft that waits for its clearances and a release.
/// </summary>
internal sealed class ComposeModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Established ties: who can be written to.</summary>
    public IReadOnlyList<Tie> Counterparts { get; private set; } = [];

    /// <summary>Counterparts in the directory with a DID and no tie: reached through a relay.</summary>
    public IReadOnlyList<Counterpart> Untied { get; private set; } = [];

    /// <summary>Chartered bureaus whose current epoch includes this agency: bulletins go to their members.</summary>
    public IReadOnlyList<Bureau> Bureaus { get; private set; } = [];

    /// <summary>Issues to write on, with their counterparts.</summary>
    public IReadOnlyList<Issue> Issues { get; private set; } = [];

    /// <summary>The telegram answered or forwarded, shown beside the form, if this register holds it.</summary>
    public TelegramRecord? Referenced { get; private set; }

    /// <summary>Whether the telegram referred to is forwarded (else answered).</summary>
    public bool Forwarding => Form.Forwarding;

    /// <summary>The form as filled.</summary>
    [BindProperty]
    public ComposeForm Form { get; set; } = new();

    /// <summary>
    /// An empty form; a reply prefilled from the telegram answered (to its sender, on its issue, "Re:" subject, a
    /// reference to it, its text quoted when <paramref name="quote"/>); or a forward (its text quoted under a line
    /// naming it, a reference to it, the recipient left to choose).
    /// </summary>
    public async Task OnGetAsync(string? to, string? issue, Guid? reply, Guid? forward, bool quote, CancellationToken ct)
    {
        await LoadAsync(ct);
        Form.To = to;
        Form.IssueId = string.IsNullOrEmpty(issue) ? null : issue;
        if (Form.IssueId is { } id && await Agency.Issues.GetIssueAsync(id, ct) is { } existing)
        {
            Form.To ??= existing.Counterpart;
        }

        if (reply is { } r && await Agency.Register.FindAsync(r, null, ct) is { } answered)
        {
            Referenced = answered;
            Form.Subject = Prefixed("Re: ", answered.Subject);
            Form.Reference = answered.Id;
            Form.Precedence = answered.Precedence;
            Form.IssueId = answered.IssueId;
            Form.To = answered.Counterpart;
            if (answered.IssueId is { } answeredIssue && await Agency.Issues.GetIssueAsync(answeredIssue, ct) is { BureauId: not null } bureauIssue)
            {
                // A bulletin is answered to the bureau, on the bureau's issue.
                Form.To = bureauIssue.Counterpart;
            }

            if (quote)
            {
                Form.Body = Quote(answered, forwarded: false) + "\n";
            }
        }
        else if (forward is { } fw && await Agency.Register.FindAsync(fw, null, ct) is { } forwarded)
        {
            Referenced = forwarded;
            Form.Forwarding = true;
            Form.Subject = Prefixed("Fwd: ", forwarded.Subject);
            Form.Reference = forwarded.Id;
            Form.Precedence = forwarded.Precedence;
            Form.Body = Quote(forwarded, forwarded: true);
        }
    }

    /// <summary>Releases the telegram or files it as a draft; or, for "quote", puts the referred telegram's text, quoted, at the head of the text.</summary>
    public async Task<IActionResult> OnPostAsync(string? action, List<IFormFile>? attachments, CancellationToken ct)
    {
        await LoadAsync(ct);
        if (action == "quote")
        {
            if (Referenced is { } quoted)
            {
                Form.Body = Quote(quoted, Forwarding) + "\n" + Form.Body;
            }

            return Page();
        }

        bool release = action == "release";
        if (release && !CanSend)
        {
            return Forbid();
        }

        if ((await ResolveRecipientAsync(ct) ?? Check()) is { } problem)
        {
            Error = problem;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var files = new List<TelegramAttachment>();
        foreach (var file in attachments ?? [])
        {
            if (file.Length == 0)
            {
                continue;
            }

            using var buffer = new MemoryStream();
            await file.CopyToAsync(buffer, ct);
            files.Add(new TelegramAttachment(Path.GetFileName(file.FileName),
                string.IsNullOrWhiteSpace(file.ContentType) ? "application/octet-stream" : file.ContentType, buffer.ToArray()));
        }

        if (files.Count > TelegramWire.MaxListItems)
        {
            Error = $"At most {TelegramWire.MaxListItems} attachments.";
            return Page();
        }

        string? issueId = Form.IssueId;
        if (BureauIssues.BureauOf(Form.To) is { } bureauId)
        {
            return await BulletinAsync(bureauId, release, files, ct);
        }

        var draft = new TelegramDraft
        {
            To = Form.To!,
            Subject = Form.Subject!.Trim(),
            Body = Form.Body ?? "",
            Precedence = Form.Precedence,
            IssueId = issueId,
            OnBehalfOf = string.IsNullOrWhiteSpace(Form.OnBehalfOf) ? null : Form.OnBehalfOf.Trim(),
            Drafter = Officer,
            Attendees = Attendees(),
            References = Form.Reference is { } reference ? [reference] : [],
            Attachments = files,
            Via = string.IsNullOrWhiteSpace(Form.Via) ? null : Form.Via,
        };

        TelegramRecord? released = null;
        DraftRecord? filed = null;
        bool done = await TryAsync(async () =>
        {
            if (!string.IsNullOrWhiteSpace(Form.NewIssue))
            {
                var opened = await Agency.Issues.OpenIssueAsync(Form.To!, Form.NewIssue.Trim(), Officer, ct);
                draft = draft with { IssueId = opened.Id };
            }

            if (release && (await Agency.Clearance.RequiredClearancesAsync(draft.To, draft.Precedence, ct)).Count == 0)
            {
                released = await Agency.Telegrams.ReleaseAsync(draft, Officer, ct);
            }
            else
            {
                filed = await Agency.Clearance.SubmitDraftAsync(draft, Officer, ct);
            }
        });
        if (!done)
        {
            return Page();
        }

        if (released is { } t)
        {
            Notice = $"Released as No. {t.Serial} to {Names.Of(t)}.";
            return t.IssueId is { } i ? Redirect("/issues/" + Uri.EscapeDataString(i)) : Redirect($"/telegrams/{t.Id}?direction=outbound");
        }

        var d = filed!;
        Notice = d.Status == DraftStatus.AwaitingClearance
            ? "Filed as a draft: it waits for " + string.Join(", ", d.Steps.Select(s => Describe.Clearer(s, Names))) + "."
            : "Filed as a draft: it needs no clearance and waits for a releasing officer.";
        return Redirect($"/drafts/{d.Id}");
    }

    /// <summary>Releases a bulletin to every other member of the bureau's current epoch, as <c>POST /api/bureaus/{id}/bulletins</c> does.</summary>
    private async Task<IActionResult> BulletinAsync(Guid bureauId, bool release, List<TelegramAttachment> files, CancellationToken ct)
    {
        if (!release || !CanSend)
        {
            Error = "A bulletin to a bureau is released at once by a releasing officer; it cannot wait as a draft.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var draft = new TelegramDraft
        {
            To = "",
            Subject = Form.Subject!.Trim(),
            Body = Form.Body ?? "",
            Precedence = Form.Precedence,
            IssueId = Form.IssueId,
            OnBehalfOf = string.IsNullOrWhiteSpace(Form.OnBehalfOf) ? null : Form.OnBehalfOf.Trim(),
            Drafter = Officer,
            Attendees = Attendees(),
            References = Form.Reference is { } reference ? [reference] : [],
            Attachments = files,
        };
        IReadOnlyList<TelegramRecord> sent = [];
        bool done = await TryAsync(async () =>
        {
            if (!string.IsNullOrWhiteSpace(Form.NewIssue))
            {
                var opened = await Agency.BureauTraffic.OpenBureauIssueAsync(bureauId, Form.NewIssue.Trim(), Officer, ct);
                draft = draft with { IssueId = opened.Id };
            }

            sent = await Agency.BureauTraffic.SendBulletinAsync(bureauId, draft, Officer, ct);
        });
        if (!done)
        {
            return Page();
        }

        var bureau = Bureaus.First(b => b.Id == bureauId);
        Notice = $"Bulletin released to {sent.Count} member(s) of {bureau.Name}.";
        return draft.IssueId is { } i ? Redirect("/issues/" + Uri.EscapeDataString(i)) : Redirect($"/bureaus/{bureauId}");
    }

    /// <summary>
    /// A recipient named by a counterpart's name (as the API takes it) stands for its DID from here on; the form's choices
    /// are DIDs and bureaus, which stay as they are. The reason when the name names no one, or several ties.
    /// </summary>
    private async Task<string?> ResolveRecipientAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Form.To) || BureauIssues.BureauOf(Form.To) is not null)
        {
            return null;
        }

        var (did, refusal) = await Recipients.ResolveAsync(Agency, Form.To.Trim(), ct);
        Form.To = did ?? Form.To;
        return refusal is null ? null : "Recipient: " + refusal.Message + ".";
    }

    private string? Check()
    {
        var f = Form;
        bool toBureau = BureauIssues.BureauOf(f.To) is { } bureauId && Bureaus.Any(b => b.Id == bureauId);
        bool toUntied = Untied.Any(c => c.Did == f.To);
        if (string.IsNullOrWhiteSpace(f.To) || !(toBureau || toUntied || Counterparts.Any(c => c.PeerDid == f.To)))
        {
            return "Recipient: choose a counterpart with an established tie, a counterpart in the directory, or a bureau.";
        }

        if (!string.IsNullOrWhiteSpace(f.Via) && (toBureau || !Counterparts.Any(c => c.PeerDid == f.Via)))
        {
            return toBureau ? "Via: a bulletin goes to each member over its own tie, not through a relay." : "Via: choose a counterpart with an established tie.";
        }

        // The rules every way in shares (Core's TelegramDraftRules), shown as the field's message.
        if (TelegramDraftRules.Check(f.To, f.Subject, f.Body ?? "", f.IssueId, string.IsNullOrWhiteSpace(f.OnBehalfOf) ? null : f.OnBehalfOf.Trim(),
            Attendees(), f.Reference is null ? 0 : 1) is [var broken, ..])
        {
            return $"{FieldLabel(broken.Field)}: {broken.Message}.";
        }

        if (f.IssueId is not null && !string.IsNullOrWhiteSpace(f.NewIssue))
        {
            return "Issue: choose an existing issue or name a new one, not both.";
        }

        if (f.IssueId is { } id && Issues.FirstOrDefault(i => i.Id == id) is { } issue && issue.Counterpart != f.To)
        {
            return "Issue: that issue is shared with another counterpart.";
        }

        if (!string.IsNullOrWhiteSpace(f.NewIssue) && !CanSend)
        {
            return "Issue: only releasing officers and admins open issues; choose an existing one.";
        }

        if (f.NewIssue is { Length: > IssueService.MaxIssueTitleLength })
        {
            return $"New issue: at most {IssueService.MaxIssueTitleLength} characters.";
        }

        return null;
    }

    /// <summary>The form's label of a field the rules name.</summary>
    private static string FieldLabel(string field) => field switch
    {
        "to" => "Recipient",
        "subject" => "Subject",
        "body" => "Text",
        "issueId" => "Issue",
        "onBehalfOf" => "On behalf of",
        "references" => "Reference",
        _ when field.StartsWith("attendees", StringComparison.Ordinal) => "Attendees",
        _ => field,
    };

    private List<string> Attendees() =>
        (Form.Attendees ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private async Task LoadAsync(CancellationToken ct)
    {
        var ties = await Agency.Ties.ListTiesAsync(ct);
        await LoadNamesAsync(ct);
        Counterparts = ties.Where(t => t.Status == TieStatus.Established).OrderBy(t => t.PeerName, StringComparer.Ordinal).ToList();
        Issues = await Agency.Issues.ListIssuesAsync(new IssueQuery { Limit = 1000 }, ct);
        Untied = (await Agency.Directory.ListDirectoryAsync(ct))
            .Where(c => c.Did is not null && c.Did != Agency.Identity.Did && c.TieStatus == TieStatus.None)
            .OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var bureaus = new List<Bureau>();
        foreach (var b in await Agency.Bureaus.ListBureausAsync(ct))
        {
            if (b is { Status: BureauStatus.Chartered, Epoch: > 0 }
                && (await Agency.Bureaus.GetBureauEpochAsync(b.Id, b.Epoch, ct))?.Includes(Agency.Identity.Did) == true)
            {
                bureaus.Add(b);
            }
        }

        Bureaus = bureaus;
        if (Form.Reference is { } reference && await Agency.Register.FindAsync(reference, null, ct) is { } referenced)
        {
            Referenced = referenced;
        }
    }

    private static string Prefixed(string prefix, string subject) =>
        subject.StartsWith(prefix, StringComparison.Ordinal) ? subject : prefix + subject;

    /// <summary>A telegram's text quoted line by line ("> "), under a line saying whose it is.</summary>
    private string Quote(TelegramRecord t, bool forwarded)
    {
        bool inbound = t.Direction == Direction.Inbound;
        string agency = inbound ? Names.Of(t) : Agency.Identity.Name;
        string from = t.ReleasingOfficer is { } officer ? $"{officer} ({agency})" : agency;
        string number = inbound ? $"No. {t.Serial}, our Nº {t.RegistryNumber}" : $"No. {t.Serial}";
        string head = forwarded
            ? $"Forwarded: \"{t.Subject}\", {number}, from {from} to {(inbound ? Agency.Identity.Name : Names.Of(t))}, {Describe.Time(inbound ? t.RegisteredAt : t.ReleasedAt)}:"
            : $"{from} wrote ({number}, {Describe.Time(inbound ? t.RegisteredAt : t.ReleasedAt)}):";
        var lines = t.Body.TrimEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').Select(l => l.Length == 0 ? ">" : "> " + l);
        return head + "\n" + string.Join("\n", lines) + "\n";
    }
}

/// <summary>The compose form's fields.</summary>
internal sealed class ComposeForm
{
    /// <summary>The recipient's DID.</summary>
    public string? To { get; set; }

    /// <summary>An existing issue's id.</summary>
    public string? IssueId { get; set; }

    /// <summary>The title of an issue to open with this telegram.</summary>
    public string? NewIssue { get; set; }

    /// <summary>Subject.</summary>
    public string? Subject { get; set; }

    /// <summary>Body.</summary>
    public string? Body { get; set; }

    /// <summary>Precedence.</summary>
    public Precedence Precedence { get; set; } = Precedence.Routine;

    /// <summary>Originator, when sent for someone else.</summary>
    public string? OnBehalfOf { get; set; }

    /// <summary>Attendees, one a line or separated by commas.</summary>
    public string? Attendees { get; set; }

    /// <summary>The relay's DID, when the telegram travels through one.</summary>
    public string? Via { get; set; }

    /// <summary>The telegram answered or forwarded.</summary>
    public Guid? Reference { get; set; }

    /// <summary>Whether <see cref="Reference"/> is forwarded rather than answered.</summary>
    public bool Forwarding { get; set; }
}
