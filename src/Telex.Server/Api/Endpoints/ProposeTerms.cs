namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/ties/{did}/terms</c> (admin): proposes new terms to the counterpart; a term left out keeps its
/// current value. They take effect when the counterpart signs them.
/// </summary>
internal static class ProposeTerms
{
    public static async Task<Results<Ok<TieView>, ProblemHttpResult>> HandleAsync(string did, TermsRequest? request, Agency agency, CancellationToken ct)
    {
        if (request is null or (null, null, null, null, null, null))
        {
            return Problems.Problem(400, "invalid", "propose at least one term: maxTelegramBytes, maxAttachmentBytes, expirySeconds, maxRetryIntervalMs, readReceipts or relays");
        }
        var current = await agency.Ties.GetTieAsync(did, ct);
        if (current is null)
        {
            return Problems.NotFound("no tie with that agency");
        }

        // Apply the terms one at a time onto the current (valid) ones, so a refusal names the term that broke them.
        var terms = current.Terms with { Version = current.Terms.Version + 1 };
        (string Field, Func<TieTerms, TieTerms?> Apply)[] steps =
        [
            ("maxTelegramBytes", t => request.MaxTelegramBytes is { } v ? t with { MaxTelegramBytes = v } : null),
            ("maxAttachmentBytes", t => request.MaxAttachmentBytes is { } v ? t with { MaxAttachmentBytes = v } : null),
            ("expirySeconds", t => request.ExpirySeconds is { } v ? t with { Expiry = Seconds(v) } : null),
            ("maxRetryIntervalMs", t => request.MaxRetryIntervalMs is { } v ? t with { MaxRetryInterval = Milliseconds(v) } : null),
            ("readReceipts", t => request.ReadReceipts is { } v ? t with { ReadReceipts = v } : null),
            ("relays", t => request.Relays is { } v ? t with { Relays = v } : null),
        ];
        foreach (var (field, apply) in steps)
        {
            if (apply(terms) is not { } next)
            {
                continue;
            }

            if (next.Validate() is { } problem)
            {
                return Problems.Invalid(field, problem);
            }

            terms = next;
        }

        var tie = await agency.Ties.ProposeTermsAsync(did, terms, ct);
        return TypedResults.Ok(TieView.From(tie, agency.Ties.FingerprintWith(tie.PeerDid)));
    }

    // Out-of-range numbers become values Validate refuses, rather than overflowing.
    private static TimeSpan Seconds(long v) => v is < 0 or > 100L * 365 * 24 * 3600 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(v);

    private static TimeSpan Milliseconds(long v) => v is < 0 or > 100L * 365 * 24 * 3600 * 1000 ? TimeSpan.MaxValue : TimeSpan.FromMilliseconds(v);
}
