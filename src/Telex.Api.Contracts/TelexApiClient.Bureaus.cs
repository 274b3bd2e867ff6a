namespace Telex.Api.Contracts;

// Bureaus: charters, readiness, members, epochs, bulletins and bureau issues.
public sealed partial class TelexApiClient
{
    /// <summary><c>GET /api/bureaus</c>: the bureaus this agency founded or was named in.</summary>
    public Task<BureauView[]> ListBureausAsync(CancellationToken ct = default) => GetAsync<BureauView[]>("api/bureaus", ct);

    /// <summary><c>POST /api/bureaus</c>: proposes a charter; nothing is sent before it is chartered.</summary>
    public Task<BureauView> ProposeBureauAsync(ProposeBureauRequest request, CancellationToken ct = default) => PostAsync<BureauView>("api/bureaus", request, ct);

    /// <summary><c>GET /api/bureaus/{id}</c>: the bureau with its epochs and issues.</summary>
    public Task<BureauView> GetBureauAsync(Guid id, CancellationToken ct = default) => GetAsync<BureauView>(BureauPath(id), ct);

    /// <summary><c>GET /api/bureaus/{id}/readiness</c>: whether it may be chartered, and who is missing.</summary>
    public Task<BureauReadinessView> GetBureauReadinessAsync(Guid id, CancellationToken ct = default) =>
        GetAsync<BureauReadinessView>(BureauPath(id) + "/readiness", ct);

    /// <summary><c>POST /api/bureaus/{id}/members</c>: names another prospective member.</summary>
    public Task<BureauView> AddBureauMemberAsync(Guid id, BureauMemberRequest request, CancellationToken ct = default) =>
        PostAsync<BureauView>(BureauPath(id) + "/members", request, ct);

    /// <summary><c>DELETE /api/bureaus/{id}/members/{member}</c>: drops a prospective member or prospect.</summary>
    public Task<BureauView> RemoveBureauMemberAsync(Guid id, string member, CancellationToken ct = default) =>
        DeleteAsync<BureauView>(BureauPath(id) + "/members/" + Uri.EscapeDataString(member), ct);

    /// <summary><c>POST /api/bureaus/{id}/{step}</c> for <c>charter</c>, <c>accept</c> or <c>leave</c>.</summary>
    public Task<BureauView> BureauStepAsync(Guid id, string step, CancellationToken ct = default) => PostAsync<BureauView>(BureauPath(id) + "/" + step, null, ct);

    /// <summary><c>POST /api/bureaus/{id}/bulletins</c>: one telegram to every other member of the current epoch.</summary>
    public Task<TelegramSummary[]> SendBulletinAsync(Guid id, BulletinRequest request, CancellationToken ct = default) =>
        PostAsync<TelegramSummary[]>(BureauPath(id) + "/bulletins", request, ct);

    /// <summary><c>POST /api/bureaus/{id}/issues</c>: an issue shared by every member of the current epoch.</summary>
    public Task<IssueView> OpenBureauIssueAsync(Guid id, OpenBureauIssueRequest request, CancellationToken ct = default) =>
        PostAsync<IssueView>(BureauPath(id) + "/issues", request, ct);

    private static string BureauPath(Guid id) => $"api/bureaus/{id}";
}
