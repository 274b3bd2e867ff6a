using Microsoft.AspNetCore.Mvc;

namespace Telex.Server.Console.Pages;

/// <summary>
/// One counterpart: the tie's status, the fingerprint both sides compare before confirming it, the agreed and
/// proposed terms, and (for admins) confirm, suspend, resume, sever, propose and sign terms.
/// </summary>
internal sealed class TieModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>The tie.</summary>
    public Tie Tie { get; private set; } = null!;

    /// <summary>The safety number both agencies see.</summary>
    public string Fingerprint { get; private set; } = "";

    /// <summary>Reads the tie.</summary>
    public async Task<IActionResult> OnGetAsync(string? did, CancellationToken ct) => await LoadAsync(did, ct) ? Page() : NotFound();

    /// <summary>Officers compared the fingerprint and it matched.</summary>
    public Task<IActionResult> OnPostVerifyAsync(string did, CancellationToken ct) =>
        ActAsync(did, () => Agency.Ties.VerifyTieAsync(did, ct), "Fingerprint confirmed: the tie is verified.", ct);

    /// <summary>Suspends, resumes or severs the tie; the counterpart is told.</summary>
    public Task<IActionResult> OnPostStatusAsync(string did, TieStatus status, CancellationToken ct) =>
        ActAsync(did, () => Agency.Ties.ChangeTieStatusAsync(did, status, ct), $"The tie is now {Describe.Of(status)}.", ct);

    /// <summary>Proposes terms: whether read receipts are sent; the rest is kept as agreed.</summary>
    public Task<IActionResult> OnPostTermsAsync(string did, bool readReceipts, CancellationToken ct) =>
        ActAsync(did, async () =>
        {
            var tie = await Agency.Ties.GetTieAsync(did, ct) ?? throw new TelexException(TelexErrorKind.NotFound, "no such counterpart");
            await Agency.Ties.ProposeTermsAsync(did, tie.Terms with { ReadReceipts = readReceipts }, ct);
        }, "Terms proposed: they take effect when the counterpart signs them.", ct);

    /// <summary>Signs the terms the counterpart proposed.</summary>
    public Task<IActionResult> OnPostSignAsync(string did, CancellationToken ct) =>
        ActAsync(did, () => Agency.Ties.SignProposedTermsAsync(did, ct), "Terms signed.", ct);

    private async Task<IActionResult> ActAsync(string did, Func<Task> action, string done, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (await TryAsync(action))
        {
            Notice = done;
            return Redirect("/ties/tie?did=" + Uri.EscapeDataString(did));
        }

        return await LoadAsync(did, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string? did, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(did) || did.Length > 4096 || await Agency.Ties.GetTieAsync(did, ct) is not { } tie)
        {
            return false;
        }

        Tie = tie;
        Fingerprint = Agency.Ties.FingerprintWith(did);
        return true;
    }
}
