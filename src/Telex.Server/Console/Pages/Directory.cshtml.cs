using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>
/// The directory: every counterpart the agency knows of, tied or not, with its tie status, endpoint and known ties (its
/// DID on its own page).
/// Every role reads it; admins add and remove untied counterparts and set the relay policy (which pairs of
/// counterparts this agency relays between).
/// </summary>
internal sealed class DirectoryModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Every counterpart, by name.</summary>
    public IReadOnlyList<Counterpart> Counterparts { get; private set; } = [];

    /// <summary>The relay policy.</summary>
    public RelayPolicy Relay { get; private set; } = RelayPolicy.Nobody;

    /// <summary>Reads the directory.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Adds a counterpart (admins), as <c>POST /api/directory</c> does.</summary>
    public async Task<IActionResult> OnPostAddAsync(string? name, string? did, string? endpoint, string? knownTies, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            Error = "Name: a counterpart needs a name.";
        }
        else
        {
            var ties = (knownTies ?? "").Split(['\n', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            Counterpart? added = null;
            if (await TryAsync(async () => added = await Agency.Directory.AddToDirectoryAsync(name.Trim(), string.IsNullOrWhiteSpace(did) ? null : did.Trim(),
                string.IsNullOrWhiteSpace(endpoint) ? null : endpoint.Trim(), await Recipients.ResolveKnownTiesAsync(Agency, ties, ct), ct)))
            {
                Notice = $"{added!.Name} added to the directory.";
                return RedirectToPage();
            }
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Allows or denies relaying between two counterparts (admins), as <c>POST /api/relay/allow|deny</c> do.</summary>
    public async Task<IActionResult> OnPostRelayAsync(string? a, string? b, string? change, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b))
        {
            Error = "Relay: name both counterparts.";
        }
        else if (await TryAsync(async () =>
        {
            string first = await CounterpartAsync(a, ct), second = await CounterpartAsync(b, ct);
            await (change == "deny" ? Agency.Relays.DenyAsync(first, second, ct) : Agency.Relays.AllowAsync(first, second, ct));
        }))
        {
            Notice = change == "deny" ? "Relaying between them is no longer allowed." : "Relaying between them is allowed.";
            return RedirectToPage();
        }

        Response.StatusCode = StatusCodes.Status400BadRequest;
        await LoadAsync(ct);
        return Page();
    }

    // By the one rule for names that address a counterpart (Recipients), as the API takes a relay pair.
    private async Task<string> CounterpartAsync(string name, CancellationToken ct)
    {
        var (did, refusal) = await Recipients.ResolveAsync(Agency, name.Trim(), ct);
        return did ?? throw refusal!;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Counterparts = (await Agency.Directory.ListDirectoryAsync(ct)).OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        await LoadNamesAsync(ct);
        Relay = await Agency.Relays.GetPolicyAsync(ct);
    }
}
