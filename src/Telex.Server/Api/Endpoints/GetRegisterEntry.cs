namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/register/{registryNumber}?imported=</c>: the entry filed under that number, in full: the inbound telegram
/// the agency's counter gave it, else an imported cable that carries it (<c>imported=true</c> asks for the imported cable
/// only, when the agency's own entry holds the same number). Opening a telegram marks it read (not for auditors).
/// <c>GET /api/telegrams/sent/{serial}?to=DID</c>: the telegram sent to a counterpart under that serial (the number
/// the counterpart reads as "No."), as a person names an outgoing telegram.
/// </summary>
internal static class GetRegisterEntry
{
    public static async Task<Results<Ok<TelegramView>, ProblemHttpResult>> SentAsync(long serial, string? to, Agency agency, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(to))
        {
            return Problems.Invalid("to", "required: the counterpart's DID");
        }

        var tie = await agency.Ties.GetTieAsync(to, ct);
        if (tie is null || await agency.Register.FindSentAsync(tie, serial, ct) is not { } record)
        {
            return Problems.NotFound($"no telegram No. {serial} was sent to {tie?.PeerName ?? "that agency"}");
        }

        return TypedResults.Ok(TelegramView.From(record, tie!.PeerName));
    }

    public static async Task<Results<Ok<TelegramView>, ProblemHttpResult>> HandleAsync(long registryNumber, string? imported, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        if (!QueryValues.TryBool(imported, "imported", out bool onlyImported, out var problem))
        {
            return problem!;
        }

        var record = await agency.Register.FindByNumberAsync(registryNumber, onlyImported, ct);
        if (record is null)
        {
            return Problems.NotFound($"nothing is registered under number {registryNumber}");
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct);
        return TypedResults.Ok(TelegramView.From(record, await RegisterReader.CounterpartNameAsync(agency, record, ct)));
    }
}
