namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>GET /api/telegrams/{id}?direction=</c>: one telegram in full; without a direction the inbound entry if there
/// is one, else the outbound. Opening an inbound telegram marks it read (not for auditors).
/// </summary>
internal static class GetTelegram
{
    public static async Task<Results<Ok<TelegramView>, ProblemHttpResult>> HandleAsync(Guid id, string? direction, ClaimsPrincipal user,
        Agency agency, CancellationToken ct)
    {
        var (record, problem) = await RegisterReader.FindAsync(agency, id, direction, ct);
        if (record is null)
        {
            return problem!;
        }

        record = await RegisterReader.OpenAsync(agency, record, user, ct);
        return TypedResults.Ok(TelegramView.From(record, await RegisterReader.CounterpartNameAsync(agency, record, ct)));
    }
}
