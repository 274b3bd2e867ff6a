using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>
/// A counterpart's dossier: its entry, its tie and its notes (time and officer), when it was last reviewed. Admins add
/// notes, mark it reviewed, link one known of by name only to the agency of a tie, and remove an untied counterpart, as
/// the directory endpoints of the API do.
/// </summary>
internal sealed class CounterpartModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The counterpart shown.</summary>
    public Counterpart Counterpart { get; private set; } = null!;

    /// <summary>The ties one known of by name only may be linked to: established ties not in the directory under another name.</summary>
    public IReadOnlyList<Tie> LinkableTies { get; private set; } = [];

    /// <summary>The key the page is addressed by: the DID, else the name.</summary>
    public string Key => Counterpart.Did ?? Counterpart.Name;

    /// <summary>Reads the counterpart named by DID or name.</summary>
    public Task<IActionResult> OnGetAsync(string? c, CancellationToken ct) => ShowAsync(c, ct);

    /// <summary>Adds a note to the dossier (admins), signed by the officer.</summary>
    public async Task<IActionResult> OnPostNoteAsync(string? c, string? text, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            Error = "Note: write something.";
        }
        else if (await TryAsync(() => Agency.Directory.AddDossierNoteAsync(c ?? "", Officer, text, ct)))
        {
            Notice = "Note added to the dossier.";
            return Redirect(CounterpartPath(c!));
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return await ShowAsync(c, ct);
    }

    /// <summary>Records that the dossier was reviewed now (admins).</summary>
    public Task<IActionResult> OnPostReviewAsync(string? c, CancellationToken ct) =>
        ActAsync(c, () => Agency.Directory.ReviewDossierAsync(c ?? "", ct), "Dossier marked reviewed.", () => CounterpartPath(c!), ct);

    /// <summary>Links a counterpart known of by name only to the agency of a tie (admins); its bureau prospects become members.</summary>
    public async Task<IActionResult> OnPostLinkAsync(string? c, string? tie, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        Counterpart? linked = null;
        if (string.IsNullOrWhiteSpace(tie))
        {
            Error = "Tie: choose the tie whose agency it is.";
        }
        else if (await TryAsync(async () => linked = await Agency.Directory.LinkCounterpartAsync(c ?? "", tie, ct)))
        {
            Notice = $"{linked!.Name} is the agency of that tie now; the bureaus it was named for count it as a prospective member.";
            return Redirect(CounterpartPath(linked.Did ?? linked.Name));
        }

        Response.StatusCode = StatusCodes.Status409Conflict;
        return await ShowAsync(c, ct);
    }

    /// <summary>Removes an untied counterpart and its dossier (admins).</summary>
    public Task<IActionResult> OnPostRemoveAsync(string? c, CancellationToken ct) =>
        ActAsync(c, () => Agency.Directory.RemoveFromDirectoryAsync(c ?? "", ct), "Removed from the directory.", () => "/directory", ct);

    /// <summary>
    /// An admin's act on the counterpart: done, it leaves <paramref name="notice"/> and goes to <paramref name="then"/>;
    /// refused, the page shows again with the reason.
    /// </summary>
    private async Task<IActionResult> ActAsync(string? c, Func<Task> act, string notice, Func<string> then, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (await TryAsync(act))
        {
            Notice = notice;
            return Redirect(then());
        }

        return await ShowAsync(c, ct);
    }

    /// <summary>The page of the counterpart <paramref name="c"/>, or 404 when there is none.</summary>
    private async Task<IActionResult> ShowAsync(string? c, CancellationToken ct) => await LoadAsync(c, ct) ? Page() : NotFound();

    /// <summary>Where the page of the counterpart addressed by <paramref name="key"/> (DID, else name) is.</summary>
    private static string CounterpartPath(string key) => "/directory/counterpart?c=" + Uri.EscapeDataString(key);

    private async Task<bool> LoadAsync(string? c, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(c))
        {
            return false;
        }

        try
        {
            Counterpart = await Agency.Directory.GetCounterpartAsync(c, ct);
            await LoadNamesAsync(ct);
            if (Counterpart.Did is null)
            {
                var linkedDids = (await Agency.Directory.ListDirectoryAsync(ct)).Select(c => c.Entry?.Did).OfType<string>().ToHashSet(StringComparer.Ordinal);
                LinkableTies = (await Agency.Ties.ListTiesAsync(ct)).Where(t => t.Status == TieStatus.Established && !linkedDids.Contains(t.PeerDid))
                    .OrderBy(t => t.PeerName, StringComparer.OrdinalIgnoreCase).ToList();
            }

            return true;
        }
        catch (TelexException e) when (e.Kind == TelexErrorKind.NotFound)
        {
            return false;
        }
    }
}
