namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/directory/{counterpart}/link</c> (admin): a counterpart known of by name only takes the DID of the agency
/// of a tie (named by the tie's name or DID), for when the tie's name is not the directory's; the bureau prospects named
/// by it become prospective members.
/// </summary>
internal static class LinkCounterpart
{
    /// <summary>Longest tie reference accepted.</summary>
    private const int MaxReferenceLength = 8192;

    public static async Task<Results<Ok<CounterpartView>, ProblemHttpResult>> HandleAsync(string counterpart, LinkCounterpartRequest? request,
        Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Tie) || request.Tie.Length > MaxReferenceLength)
        {
            return Problems.Invalid("tie", "required: the tie's agency, by name or DID");
        }

        return TypedResults.Ok(CounterpartView.From(await agency.Directory.LinkCounterpartAsync(counterpart, request.Tie, ct)));
    }
}
