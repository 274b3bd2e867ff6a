using System.Globalization;

namespace Telex.Api.Contracts;

// Drafts on their way through clearance to release, the clearance policy, and partner agencies' requests to clear theirs.
public sealed partial class TelexApiClient
{
    /// <summary><c>POST /api/drafts</c>: submits a telegram for clearance instead of releasing it.</summary>
    public Task<DraftView> SubmitDraftAsync(SendTelegramRequest request, CancellationToken ct = default) => PostAsync<DraftView>("api/drafts", request, ct);

    /// <summary><c>GET /api/drafts</c>, newest first; only those in <paramref name="status"/> (its wire name, e.g. <c>awaitingclearance</c>) when given.</summary>
    public Task<DraftView[]> ListDraftsAsync(string? status = null, CancellationToken ct = default) =>
        GetAsync<DraftView[]>("api/drafts" + (status is null ? "" : "?status=" + Uri.EscapeDataString(status)), ct);

    /// <summary><c>GET /api/drafts/{id}</c>: the draft with its clearances and recorded steps.</summary>
    public Task<DraftView> GetDraftAsync(Guid id, CancellationToken ct = default) => GetAsync<DraftView>(DraftPath(id), ct);

    /// <summary><c>GET /api/drafts/number/{number}</c>: the draft by its number here.</summary>
    public Task<DraftView> GetDraftByNumberAsync(long number, CancellationToken ct = default) =>
        GetAsync<DraftView>(string.Create(CultureInfo.InvariantCulture, $"api/drafts/number/{number}"), ct);

    /// <summary><c>POST /api/drafts/{id}/clear</c> (<paramref name="give"/>) or <c>/refuse</c>: a clearance the draft awaits from the signed-in officer.</summary>
    public Task<DraftView> DecideDraftAsync(Guid id, bool give, DecisionRequest request, CancellationToken ct = default) =>
        PostAsync<DraftView>(DraftPath(id, give ? "clear" : "refuse"), request, ct);

    /// <summary><c>POST /api/drafts/{id}/resubmit</c>: a returned draft, revised.</summary>
    public Task<DraftView> ResubmitDraftAsync(Guid id, ResubmitRequest request, CancellationToken ct = default) =>
        PostAsync<DraftView>(DraftPath(id, "resubmit"), request, ct);

    /// <summary><c>POST /api/drafts/{id}/release</c>: releases a cleared draft as a telegram.</summary>
    public Task<TelegramView> ReleaseDraftAsync(Guid id, CancellationToken ct = default) => PostAsync<TelegramView>(DraftPath(id, "release"), null, ct);

    /// <summary><c>GET /api/clearance/rules</c>.</summary>
    public Task<ClearanceRuleView[]> ListClearanceRulesAsync(CancellationToken ct = default) => GetAsync<ClearanceRuleView[]>("api/clearance/rules", ct);

    /// <summary><c>POST /api/clearance/rules</c>.</summary>
    public Task<ClearanceRuleView> AddClearanceRuleAsync(ClearanceRuleRequest request, CancellationToken ct = default) =>
        PostAsync<ClearanceRuleView>("api/clearance/rules", request, ct);

    /// <summary><c>DELETE /api/clearance/rules/{id}</c>.</summary>
    public Task RemoveClearanceRuleAsync(Guid id, CancellationToken ct = default) => DeleteAsync($"api/clearance/rules/{id}", ct);

    /// <summary><c>GET /api/coordination</c>, newest first; only those in <paramref name="state"/> (<c>pending</c>, <c>given</c>, <c>refused</c>) when given.</summary>
    public Task<CoordinationView[]> ListCoordinationAsync(string? state = null, CancellationToken ct = default) =>
        GetAsync<CoordinationView[]>("api/coordination" + (state is null ? "" : "?state=" + Uri.EscapeDataString(state)), ct);

    /// <summary><c>POST /api/coordination/{id}/approve</c> (<paramref name="approve"/>) or <c>/refuse</c>: a partner's request to clear its telegram.</summary>
    public Task<CoordinationView> AnswerCoordinationAsync(Guid id, bool approve, DecisionRequest request, CancellationToken ct = default) =>
        PostAsync<CoordinationView>($"api/coordination/{id}/" + (approve ? "approve" : "refuse"), request, ct);

    private static string DraftPath(Guid id, string? action = null) => $"api/drafts/{id}" + (action is null ? "" : "/" + action);
}
