using Microsoft.AspNetCore.Mvc;

using Telex.Core.Protocol;
using Telex.Core.Register;

namespace Telex.Server.Console.Pages;

/// <summary>
/// One telegram in full and in the classic cable layout, ready to print; an imported cable likewise, marked as imported
/// history. Opening an inbound telegram marks it read and sends the read receipt if the tie allows (not for auditors, who
/// inspect without touching).
/// </summary>
internal sealed class TelegramModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The register entry.</summary>
    public TelegramRecord Telegram { get; private set; } = null!;

    /// <summary>The counterpart's name.</summary>
    public string CounterpartName { get; private set; } = "";

    /// <summary>The telegram in the classic cable layout.</summary>
    public string Cable { get; private set; } = "";

    /// <summary>The relays the telegram travelled through, by name, in order.</summary>
    public IReadOnlyList<string> RelayPath { get; private set; } = [];

    /// <summary>The bureau the telegram is a bulletin of, by name.</summary>
    public string? BureauName { get; private set; }

    /// <summary>The earlier telegrams it refers to that this register holds.</summary>
    public IReadOnlyList<TelegramRecord> References { get; private set; } = [];

    /// <summary>The issue's title, if the telegram is on one.</summary>
    public string? IssueTitle { get; private set; }

    /// <summary>Reads (and opens) the telegram.</summary>
    public async Task<IActionResult> OnGetAsync(Guid id, Direction? direction, CancellationToken ct)
    {
        var record = await Agency.Register.FindAsync(id, direction, ct);
        if (record is null)
        {
            return NotFound();
        }

        Telegram = await RegisterReader.OpenAsync(Agency, record, User, ct);
        var names = await LoadNamesAsync(ct);
        CounterpartName = names.Of(Telegram);
        RelayPath = Telegram.RelayPath.Select(names.Of).ToList();

        var references = new List<TelegramRecord>();
        foreach (var reference in Telegram.References.Take(TelegramWire.MaxListItems))
        {
            if (await Agency.Register.FindAsync(reference, null, ct) is { } earlier)
            {
                references.Add(earlier);
            }
        }

        References = references;

        if (Telegram.BureauId is { } bureauId)
        {
            BureauName = (await Agency.Bureaus.FindBureauAsync(bureauId, ct))?.Name ?? bureauId.ToString();
        }

        if (Telegram.IssueId is { } issue)
        {
            IssueTitle = (await Agency.Issues.GetIssueAsync(issue, ct))?.Title;
        }

        // An imported cable is shown as it was imported; a telegram is laid out as a cable.
        Cable = Telegram.Imported is { } imported ? CableText.Render(imported) : CableFormat.Render(Telegram, Agency.Identity.Name, CounterpartName, IssueTitle);

        return Page();
    }
}
