namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/ties/invitations</c> (admin): a one-time invitation for another agency, valid for
/// <c>validityMinutes</c> (default the agency's <see cref="AgencyOptions.InvitationValidity"/>, at most 30 days).
/// </summary>
internal static class CreateInvitation
{
    private const int MaxValidityMinutes = 30 * 24 * 60;

    /// <summary>A note is for the inviter's own records, not an essay.</summary>
    private const int MaxNoteLength = 1000;

    public static async Task<Results<Created<InvitationView>, ProblemHttpResult>> HandleAsync(InvitationRequest? request, Agency agency,
        CancellationToken ct)
    {
        request ??= new InvitationRequest(null, null);
        if (request.ValidityMinutes is < 1 or > MaxValidityMinutes)
        {
            return Problems.Invalid("validityMinutes", $"between 1 and {MaxValidityMinutes} minutes");
        }

        if (request.Note is { Length: > MaxNoteLength })
        {
            return Problems.Invalid("note", $"at most {MaxNoteLength} characters");
        }

        var validity = request.ValidityMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        var invitation = await agency.Ties.CreateInvitationAsync(validity, request.Note, ct);
        return TypedResults.Created((string?)null, new InvitationView(invitation.Id, invitation.Code, invitation.Url, invitation.ExpiresAt));
    }
}
