namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/recipients/{name}</c>: the counterpart a name addresses, by the one rule every endpoint that takes a
/// recipient applies (<see cref="Recipients"/>), so that a client naming a counterpart in a command reaches no one the
/// server itself would refuse to address by that name. 404 when nothing bears the name; 409 when what bears it cannot be
/// trusted to be the one meant (several ties, a tie whose fingerprint is unconfirmed, a name a stranger gave itself), or
/// it is known of by name only, with no DID to address yet.
/// </summary>
internal static class ResolveRecipient
{
    public static async Task<Results<Ok<RecipientView>, ProblemHttpResult>> HandleAsync(string name, Agency agency, CancellationToken ct)
    {
        var (did, refusal) = await Recipients.ResolveAsync(agency, name, ct);
        if (refusal is not null)
        {
            return Problems.From(refusal);
        }

        return did!.StartsWith("did:", StringComparison.Ordinal)
            ? TypedResults.Ok(new RecipientView(did, name))
            : Problems.Problem(409, "conflict",
                $"{name} is in the directory without a DID (known of, no tie), so nothing can be addressed to it yet: establish a tie "
                + $"with it first (telex tie invite, or telex tie accept CODE); telex directory show \"{name}\" shows what is known of it");
    }
}
