using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Api.Auth;

namespace Telex.Server.Api;

/// <summary>Reading the register on an officer's behalf: counterpart names, and opening a telegram.</summary>
internal static class RegisterReader
{
    /// <summary>Display names of the counterparts this agency knows, by DID.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> CounterpartNamesAsync(Agency agency, CancellationToken ct)
    {
        var names = (await agency.Store.ListTiesAsync(ct).ConfigureAwait(false)).ToDictionary(t => t.PeerDid, t => t.PeerName, StringComparer.Ordinal);

        // A bureau's issues name the bureau as their counterpart.
        foreach (var bureau in await agency.Store.ListBureausAsync(ct).ConfigureAwait(false))
        {
            names[bureau.IssueCounterpart] = "bureau " + bureau.Name;
        }

        return names;
    }

    /// <summary>
    /// The name this agency knows an agency by: its own, the tie's (under any DID the counterpart has held), or its
    /// directory entry's; else null.
    /// </summary>
    public static async Task<string?> KnownNameAsync(Agency agency, string did, CancellationToken ct) =>
        string.Equals(did, agency.Identity.Did, StringComparison.Ordinal) ? agency.Identity.Name
        : (await agency.Store.GetTieAsync(did, ct).ConfigureAwait(false))?.PeerName
        ?? (await agency.Store.FindDirectoryEntryAsync(did, ct).ConfigureAwait(false))?.Name;

    /// <summary>The counterpart's name: from the tie, else as it signed the telegram, else its DID.</summary>
    public static string CounterpartName(TelegramRecord t, IReadOnlyDictionary<string, string> names) =>
        names.TryGetValue(t.Counterpart, out var name) ? name : t.SenderName ?? t.Counterpart;

    /// <summary>The counterpart's name for one telegram.</summary>
    public static async Task<string> CounterpartNameAsync(Agency agency, TelegramRecord t, CancellationToken ct) =>
        await agency.Store.GetTieAsync(t.Counterpart, ct).ConfigureAwait(false) is { } tie ? tie.PeerName : t.SenderName ?? t.Counterpart;

    /// <summary>
    /// An officer opens a telegram: the first opening of an inbound one by anyone but an auditor marks it read (and
    /// sends a read receipt if the tie allows). Auditors inspect the register without touching it.
    /// </summary>
    public static async Task<TelegramRecord> OpenAsync(Agency agency, TelegramRecord t, ClaimsPrincipal user, CancellationToken ct)
    {
        if (t.Direction != Direction.Inbound || t.ReadAt is not null || user.OfficerRole() == Role.Auditor)
        {
            return t;
        }

        await agency.MarkReadAsync(t.Id, ct).ConfigureAwait(false);
        return await agency.Store.GetTelegramAsync(t.Id, Direction.Inbound, ct).ConfigureAwait(false) ?? t;
    }

    /// <summary>Finds a telegram by id; without a direction, the inbound entry if there is one, else the outbound.</summary>
    public static async Task<TelegramRecord?> FindAsync(Agency agency, Guid id, Direction? direction, CancellationToken ct) =>
        direction is { } d
            ? await agency.Store.GetTelegramAsync(id, d, ct).ConfigureAwait(false)
            : await agency.Store.GetTelegramAsync(id, Direction.Inbound, ct).ConfigureAwait(false)
              ?? await agency.Store.GetTelegramAsync(id, Direction.Outbound, ct).ConfigureAwait(false);

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
