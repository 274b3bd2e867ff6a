using System.Text.Json;

using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Telex.Server.Api.Endpoints;

/// <summary>
/// <c>POST /api/telegrams/batch</c> (releasing officer or admin): many telegrams in one request, for integrations. Every
/// telegram is checked (its fields, then the rules a release applies: tie, terms, issue, clearance policy) and its recipient
/// resolved before any is released, and every key looked up: one bad telegram, or a
/// key used before for another telegram, refuses the batch and releases nothing. Then each telegram is released as
/// <c>POST /api/telegrams</c> releases one (its own serial, signature and transaction, its key kept with it), all at once,
/// so the writer commits them together; a telegram whose key released it before is answered again, not released twice.
/// </summary>
internal static class SendTelegramBatch
{
    public static async Task<Results<Ok<SendTelegramBatchResult>, ProblemHttpResult>> HandleAsync(SendTelegramBatchRequest? request, ClaimsPrincipal user,
        HttpContext http, Agency agency, ILoggerFactory loggers, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (request?.Telegrams is not { Count: > 0 and <= SendTelegramBatchRequest.MaxTelegrams } items)
        {
            return Problems.Invalid("telegrams", $"1 to {SendTelegramBatchRequest.MaxTelegrams} telegrams");
        }

        string officer = user.OfficerName();
        var drafts = new TelegramDraft[items.Count];
        var keys = new IdempotentRequest?[items.Count];
        var keyed = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            string at = $"telegrams[{i}].";
            if (items[i] is not { Telegram: { } telegram } item)
            {
                return Problems.Invalid(at + "telegram", "required");
            }

            var (draft, problem) = await SendTelegram.DraftAsync(agency, telegram, officer, at + "telegram.", ct);
            if (draft is null)
            {
                return problem!;
            }

            drafts[i] = draft;
            if (item.IdempotencyKey is not null)
            {
                keys[i] = IdempotentRequest.ForKey(http, agency, officer, SendTelegram.Operation, item.IdempotencyKey, telegram, at + "idempotencyKey", out problem);
                if (keys[i] is not { } key)
                {
                    return problem!;
                }

                // Keys compare as parsed: "k" and k are one key.
                if (!keyed.Add(key.Key))
                {
                    return Problems.Invalid(at + "idempotencyKey", "another telegram of this batch has this key");
                }
            }
        }

        var names = await RegisterReader.CounterpartNamesAsync(agency, ct);
        var results = new BatchedTelegramResult?[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            if (keys[i] is { } key)
            {
                var (refused, kept) = await key.EarlierAnswerAsync(ct);
                if (refused is not null)
                {
                    return refused;
                }

                results[i] = kept is null ? null : Replay(kept, json.Value.SerializerOptions);
            }
        }

        // The rules a release applies (tie, terms, issue, clearance) are checked for every telegram still to release before
        // any is: a retry answers what its keys released before even if the tie has been suspended since.
        for (int i = 0; i < items.Count; i++)
        {
            try
            {
                if (results[i] is null)
                {
                    await agency.Telegrams.CheckReleaseAsync(drafts[i], ct);
                }
            }
            catch (TelexException e)
            {
                return Problems.From(new TelexException(e.Kind, $"telegrams[{i}]: {e.Message}"));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, items.Count).Where(i => results[i] is null).Select(async i =>
            results[i] = await ReleaseAsync(i)));
        return TypedResults.Ok(new SendTelegramBatchResult(results!));

        async Task<BatchedTelegramResult> ReleaseAsync(int i)
        {
            try
            {
                var record = await SendTelegram.ReleaseAsync(agency, drafts[i], officer, keys[i]?.Claim(released => SendTelegram.Answer(released, names)), loggers, ct);
                return new BatchedTelegramResult(StatusCodes.Status201Created, SendTelegram.Answer([record], names).Body);
            }
            catch (IdempotencyKeyTakenException)
            {
                // A retry that raced the first request with this key: the first committed meanwhile, so its answer is the answer.
                var (refused, kept) = await keys[i]!.EarlierAnswerAsync(ct);
                return kept is not null ? Replay(kept, json.Value.SerializerOptions)
                    : new BatchedTelegramResult(refused?.StatusCode ?? StatusCodes.Status409Conflict, null, Problem: refused?.ProblemDetails.Detail);
            }
            catch (TelexException e)
            {
                var problem = Problems.From(e);
                return new BatchedTelegramResult(problem.StatusCode, null, Problem: problem.ProblemDetails.Detail);
            }
        }
    }

    private static BatchedTelegramResult Replay(byte[] kept, JsonSerializerOptions json) =>
        new(StatusCodes.Status201Created, JsonSerializer.Deserialize<TelegramView>(IdempotentRequest.Replayed.BodyOf(kept), json), Replayed: true);
}
