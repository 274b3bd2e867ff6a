using System.Security.Cryptography;
using System.Text.Json;

using Telex.Core.Register;

namespace Telex.Server.Api;

/// <summary>Reading the register on an officer's behalf: counterpart names, and opening a telegram.</summary>
internal static class RegisterReader
{
    /// <summary>Display names of the counterparts this agency knows, by DID.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> CounterpartNamesAsync(Agency agency, CancellationToken ct)
    {
        var names = (await agency.Ties.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, t => t.PeerName, StringComparer.Ordinal);

        // A bureau's issues name the bureau as their counterpart.
        foreach (var bureau in await agency.Bureaus.ListBureausAsync(ct).ConfigureAwait(false))
        {
            names[bureau.IssueCounterpart] = "bureau " + bureau.Name;
        }

        return names;
    }

    /// <summary>The counterpart's name: from the tie, else as it signed the telegram (its DID stays in the telegram's own field).</summary>
    public static string CounterpartName(TelegramRecord t, IReadOnlyDictionary<string, string> names) =>
        names.TryGetValue(t.Counterpart, out var name) ? name : t.SenderName ?? Console.AgencyNames.Unknown;

    /// <summary>The counterpart's name for one telegram: the tie's or the directory's, else as it signed the telegram.</summary>
    public static async Task<string> CounterpartNameAsync(Agency agency, TelegramRecord t, CancellationToken ct) =>
        await agency.Directory.KnownNameAsync(t.Counterpart, ct).ConfigureAwait(false) ?? t.SenderName ?? Console.AgencyNames.Unknown;

    /// <summary>
    /// The telegram <c>GET /api/telegrams/{id}…?direction=</c> names (without a direction the inbound entry if there is
    /// one, else the outbound), or the problem to answer: a bad direction (400) or no such telegram (404).
    /// </summary>
    public static async Task<(TelegramRecord? Record, ProblemHttpResult? Problem)> FindAsync(Agency agency, Guid id, string? direction, CancellationToken ct)
    {
        if (!QueryValues.TryEnum<Direction>(direction, "direction", out var d, out var problem))
        {
            return (null, problem);
        }

        return await agency.Register.FindAsync(id, d, ct) is { } record
            ? (record, null)
            : (null, Problems.NotFound($"no telegram {id} in the register"));
    }

    /// <summary>An entry in the classic cable layout: a telegram laid out by <see cref="CableFormat"/>, an imported cable as it was imported.</summary>
    public static async Task<string> RenderCableAsync(Agency agency, TelegramRecord t, CancellationToken ct) =>
        t.Imported is { } imported
            ? CableText.Render(imported)
            : CableFormat.Render(t, agency.Identity.Name, await CounterpartNameAsync(agency, t, ct).ConfigureAwait(false),
                t.IssueId is { } issue ? (await agency.Issues.GetIssueAsync(issue, ct).ConfigureAwait(false))?.Title : null);

    /// <summary>
    /// An officer opens a telegram: the first opening of an inbound one by anyone but an auditor marks it read (and
    /// sends a read receipt if the tie allows). Auditors inspect the register without touching it.
    /// </summary>
    public static async Task<TelegramRecord> OpenAsync(Agency agency, TelegramRecord t, ClaimsPrincipal user, CancellationToken ct)
    {
        if (t.Direction != Direction.Inbound || t.ReadAt is not null || t.Imported is not null || user.OfficerRole() == Role.Auditor)
        {
            return t;
        }

        await agency.Telegrams.MarkReadAsync(t.Id, ct).ConfigureAwait(false);
        return await agency.Register.GetTelegramAsync(t.Id, Direction.Inbound, ct).ConfigureAwait(false) ?? t;
    }

    /// <summary>The attachment whose content hashes to <paramref name="sha256"/> in a DIDComm plaintext, or null.</summary>
    public static byte[]? AttachmentContent(byte[] plaintext, string sha256)
    {
        using var doc = JsonDocument.Parse(plaintext);
        if (!doc.RootElement.TryGetProperty("attachments", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        foreach (var a in list.EnumerateArray())
        {
            if (a.TryGetProperty("data", out var data) && data.TryGetProperty("base64", out var b64) && b64.GetString() is { } text)
            {
                byte[] content = Convert.FromBase64String(text);
                if (Convert.ToHexStringLower(SHA256.HashData(content)) == sha256)
                {
                    return content;
                }
            }
        }

        return null;
    }
}
