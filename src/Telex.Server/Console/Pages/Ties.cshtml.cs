using Microsoft.AspNetCore.Mvc;

using QRCoder;

using Telex.Core.Protocol;

namespace Telex.Server.Console.Pages;

/// <summary>
/// Ties: the picture of the network, every counterpart by tie status, and (for admins) inviting another agency —
/// the code and its QR code — and accepting another agency's invitation.
/// </summary>
internal sealed class TiesModel(Agency agency) : ConsolePage(agency)
{
    /// <summary>Every counterpart this agency knows.</summary>
    public IReadOnlyList<Tie> Ties { get; private set; } = [];

    /// <summary>The network picture (SVG).</summary>
    public string Picture { get; private set; } = "";

    /// <summary>The invitation just created, shown once.</summary>
    public InvitationCode? Invitation { get; private set; }

    /// <summary>The invitation's QR code as a PNG data URI.</summary>
    public string? InvitationQr { get; private set; }

    /// <summary>Reads the ties.</summary>
    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Creates an invitation (admins): its code travels to the other agency out of band.</summary>
    public async Task<IActionResult> OnPostInviteAsync(string? note, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (note is { Length: > 500 })
        {
            Error = "Note: at most 500 characters.";
        }
        else
        {
            Invitation = await Agency.Ties.CreateInvitationAsync(null, string.IsNullOrWhiteSpace(note) ? null : note.Trim(), ct);
            using var qr = QRCodeGenerator.GenerateQrCode(Invitation.Url, QRCodeGenerator.ECCLevel.M);
            InvitationQr = "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(qr).GetGraphic(4));
        }

        await LoadAsync(ct);
        return Page();
    }

    /// <summary>Accepts another agency's invitation (admins); the tie is established when the inviter answers.</summary>
    public async Task<IActionResult> OnPostAcceptAsync(string? code, CancellationToken ct)
    {
        if (!IsAdmin)
        {
            return Forbid();
        }

        if (string.IsNullOrWhiteSpace(code) || code.Length > InvitationCode.MaxLength)
        {
            Error = "Invitation: paste the code or link the other agency gave you.";
        }
        else
        {
            Tie? tie = null;
            if (await TryAsync(async () => tie = await Agency.Ties.AcceptInvitationAsync(code.Trim(), ct)))
            {
                Notice = $"Invitation from {tie!.PeerName} accepted: compare the fingerprint with them.";
                return Redirect("/ties/tie?did=" + Uri.EscapeDataString(tie.PeerDid));
            }
        }

        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Ties = (await Agency.Ties.ListTiesAsync(ct)).OrderBy(t => t.Status).ThenBy(t => t.PeerName, StringComparer.Ordinal).ToList();
        var untied = (await Agency.Directory.ListDirectoryAsync(ct)).Where(c => c.Tie is null && c.Did != Agency.Identity.Did).ToList();
        var relay = await Agency.Relays.GetPolicyAsync(ct);
        var bureaus = (await Agency.Bureaus.ListBureausAsync(ct)).Where(b => b.Status != BureauStatus.Dissolved).ToList();
        Picture = NetworkPicture.Render(Agency.Identity.Name, Ties, untied, relay.Pairs, bureaus);
    }
}
