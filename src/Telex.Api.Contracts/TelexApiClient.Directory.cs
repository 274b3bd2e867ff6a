namespace Telex.Api.Contracts;

// The directory of counterparts and their dossiers, the relay policy, and the agency's keys.
public sealed partial class TelexApiClient
{
    /// <summary><c>GET /api/directory</c>: every counterpart known of, tied or not.</summary>
    public Task<CounterpartView[]> ListDirectoryAsync(CancellationToken ct = default) => GetAsync<CounterpartView[]>("api/directory", ct);

    /// <summary><c>GET /api/directory/{counterpart}</c>, by DID or name.</summary>
    public Task<CounterpartView> GetCounterpartAsync(string counterpart, CancellationToken ct = default) =>
        GetAsync<CounterpartView>(DirectoryPath(counterpart), ct);

    /// <summary><c>GET /api/recipients/{name}</c>: the counterpart a name addresses, by the rule the server applies to every recipient.</summary>
    public Task<RecipientView> ResolveRecipientAsync(string name, CancellationToken ct = default) =>
        GetAsync<RecipientView>("api/recipients/" + Uri.EscapeDataString(name), ct);

    /// <summary><c>POST /api/directory</c> (admins).</summary>
    public Task<CounterpartView> AddCounterpartAsync(DirectoryAddRequest request, CancellationToken ct = default) =>
        PostAsync<CounterpartView>("api/directory", request, ct);

    /// <summary><c>POST /api/directory/{counterpart}/link</c>: links one known of by name only to a tie's agency (admins).</summary>
    public Task<CounterpartView> LinkCounterpartAsync(string counterpart, LinkCounterpartRequest request, CancellationToken ct = default) =>
        PostAsync<CounterpartView>(DirectoryPath(counterpart) + "/link", request, ct);

    /// <summary><c>POST /api/directory/{counterpart}/notes</c> (admins).</summary>
    public Task<CounterpartView> AddDossierNoteAsync(string counterpart, DossierNoteRequest request, CancellationToken ct = default) =>
        PostAsync<CounterpartView>(DirectoryPath(counterpart) + "/notes", request, ct);

    /// <summary><c>POST /api/directory/{counterpart}/review</c>: the dossier was reviewed now (admins).</summary>
    public Task<CounterpartView> ReviewDossierAsync(string counterpart, CancellationToken ct = default) =>
        PostAsync<CounterpartView>(DirectoryPath(counterpart) + "/review", null, ct);

    /// <summary><c>DELETE /api/directory/{counterpart}</c>: an untied counterpart and its dossier (admins).</summary>
    public Task RemoveCounterpartAsync(string counterpart, CancellationToken ct = default) => DeleteAsync(DirectoryPath(counterpart), ct);

    /// <summary><c>GET /api/relay/policy</c>.</summary>
    public Task<RelayPolicyView> GetRelayPolicyAsync(CancellationToken ct = default) => GetAsync<RelayPolicyView>("api/relay/policy", ct);

    /// <summary><c>POST /api/relay/policy</c> (admins).</summary>
    public Task<RelayPolicyView> SetRelayPolicyAsync(RelayPolicyRequest request, CancellationToken ct = default) =>
        PostAsync<RelayPolicyView>("api/relay/policy", request, ct);

    /// <summary><c>POST /api/relay/allow</c> (<paramref name="allow"/>) or <c>/deny</c>: relaying between a pair of counterparts (admins).</summary>
    public Task<RelayPolicyView> ChangeRelayPairAsync(bool allow, RelayPairRequest request, CancellationToken ct = default) =>
        PostAsync<RelayPolicyView>(allow ? "api/relay/allow" : "api/relay/deny", request, ct);

    /// <summary><c>GET /api/keys</c>: the current and prior DIDs, and the rotations the register records.</summary>
    public Task<KeysView> ListKeysAsync(CancellationToken ct = default) => GetAsync<KeysView>("api/keys", ct);

    /// <summary><c>POST /api/keys/rotate</c>: new keys and a new DID, announced over every tie (admins).</summary>
    public Task<RotateKeysView> RotateKeysAsync(CancellationToken ct = default) => PostAsync<RotateKeysView>("api/keys/rotate", null, ct);

    private static string DirectoryPath(string counterpart) => "api/directory/" + Uri.EscapeDataString(counterpart);
}
