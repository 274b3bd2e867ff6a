using System.Globalization;

namespace Telex.Api.Contracts;

// The agency's officers: administration (admins), its history, and one's own password.
public sealed partial class TelexApiClient
{
    /// <summary><c>GET /api/officers</c>.</summary>
    public Task<OfficerView[]> ListOfficersAsync(CancellationToken ct = default) => GetAsync<OfficerView[]>("api/officers", ct);

    /// <summary><c>POST /api/officers</c>: a new officer and the one-time password to hand over.</summary>
    public Task<CreatedOfficer> CreateOfficerAsync(CreateOfficerRequest request, CancellationToken ct = default) =>
        PostAsync<CreatedOfficer>("api/officers", request, ct);

    /// <summary>
    /// An act on an officer that takes only the name: <c>POST /api/officers/{name}/{act}</c> for <c>reset</c>, <c>unlock</c>,
    /// <c>disable</c> or <c>enable</c>; <c>remove</c> is <c>DELETE /api/officers/{name}</c>.
    /// </summary>
    public Task<OfficerActView> ActOnOfficerAsync(string name, string act, CancellationToken ct = default) =>
        act == "remove" ? DeleteAsync<OfficerActView>(OfficerPath(name), ct) : PostAsync<OfficerActView>(OfficerPath(name) + "/" + act, null, ct);

    /// <summary><c>POST /api/officers/{name}/role</c>.</summary>
    public Task<OfficerActView> ChangeRoleAsync(string name, ChangeRoleRequest request, CancellationToken ct = default) =>
        PostAsync<OfficerActView>(OfficerPath(name) + "/role", request, ct);

    /// <summary><c>GET /api/officers/history</c>: at most <paramref name="limit"/> acts, newest first, of one officer or of all.</summary>
    public Task<OfficerEventView[]> OfficerHistoryAsync(string? officer, int limit, CancellationToken ct = default) =>
        GetAsync<OfficerEventView[]>(string.Create(CultureInfo.InvariantCulture, $"api/officers/history?limit={limit}")
            + (officer is { Length: > 0 } who ? "&officer=" + Uri.EscapeDataString(who) : ""), ct);

    /// <summary><c>POST /api/officers/me/password</c>.</summary>
    public Task ChangePasswordAsync(ChangePasswordRequest request, CancellationToken ct = default) => PostAsync("api/officers/me/password", request, ct);

    private static string OfficerPath(string name) => "api/officers/" + Uri.EscapeDataString(name);
}
