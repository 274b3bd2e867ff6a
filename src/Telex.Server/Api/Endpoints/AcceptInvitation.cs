using Telex.Core.Protocol;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/ties/accept</c> (admin): accepts another agency's invitation (its URL or bare code). The answer is
/// 202: the tie is invited until the inviter's acceptance arrives (watch <c>tie.established</c> on the event stream).
/// </summary>
internal static class AcceptInvitation
{
    public static async Task<Results<Accepted<TieView>, ProblemHttpResult>> HandleAsync(AcceptRequest? request, Agency agency, CancellationToken ct)
    {
        // An empty body is an empty object: the answer names the first missing field.
        request ??= new AcceptRequest(null);
        if (string.IsNullOrWhiteSpace(request.Code))
        {
            return Problems.Invalid("code", "required: the invitation URL or code");
        }

        if (request.Code.Length > InvitationCode.MaxLength * 2)
        {
            return Problems.Invalid("code", "too long for an invitation");
        }

        if (!InvitationCode.TryParse(request.Code, out _, out string error))
        {
            return Problems.Invalid("code", error);
        }

        var tie = await agency.Ties.AcceptInvitationAsync(request.Code, ct);
        return TypedResults.Accepted($"/api/ties/{Uri.EscapeDataString(tie.PeerDid)}", TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }
}
