using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Telex.Server.Api;

/// <summary>
/// The <c>Idempotency-Key</c> of a release (a telegram sent, a draft released, a bulletin sent), after
/// draft-ietf-httpapi-idempotency-key-header: a client's request id, per officer. The first request with a key releases and
/// keeps the key with its telegrams and its answer in the release's own transaction; a request with a key already used by
/// the same officer gets that answer again (same status, Location and body, with <c>Idempotent-Replayed: true</c>) and
/// releases nothing; the same key with another request is refused with 422 and changes nothing. A key is kept for
/// <see cref="ApiOptions.IdempotencyKeyLifetime"/>. A request refused (4xx) keeps no key: it may be retried as it is.
/// </summary>
internal sealed class IdempotentRequest
{
    /// <summary>The request header.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The response header marking an answer given again.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>Longest key: a UUID is 36 characters; 255, as Stripe allows, leaves room for any client's scheme.</summary>
    public const int MaxKeyLength = 255;

    private readonly Agency _agency;
    private readonly string _officer;
    private readonly string _key;
    private readonly string _hash;
    private readonly DateTimeOffset _now;
    private readonly TimeSpan _lifetime;
    private readonly JsonSerializerOptions _json;

    private IdempotentRequest(Agency agency, string officer, string key, string hash, DateTimeOffset now, TimeSpan lifetime, JsonSerializerOptions json)
    {
        _agency = agency;
        _officer = officer;
        _key = key;
        _hash = hash;
        _now = now;
        _lifetime = lifetime;
        _json = json;
    }

    /// <summary>The key as parsed: <c>"k"</c> and <c>k</c> are one key.</summary>
    internal string Key => _key;

    /// <summary>
    /// Reads the key of <paramref name="http"/>'s request for <paramref name="operation"/> (its method, route and target)
    /// with <paramref name="body"/>: null and no problem when it carries none; a problem when the key is malformed.
    /// </summary>
    private static IdempotentRequest? Read(HttpContext http, Agency agency, string officer, string operation, object? body, out ProblemHttpResult? problem)
    {
        ArgumentNullException.ThrowIfNull(http);
        problem = null;
        var values = http.Request.Headers[Header];
        if (values.Count == 0)
        {
            return null;
        }

        return values.Count > 1 ? Malformed(Header, out problem) : ForKey(http, agency, officer, operation, values[0], body, Header, out problem);
    }

    /// <summary>
    /// The key <paramref name="value"/> (as the header carries it) for <paramref name="operation"/> with <paramref name="body"/>;
    /// null and a problem naming <paramref name="field"/> when it is malformed.
    /// </summary>
    internal static IdempotentRequest? ForKey(HttpContext http, Agency agency, string officer, string operation, string? value, object? body, string field,
        out ProblemHttpResult? problem)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (ParseKey(value) is not { } key)
        {
            return Malformed(field, out problem);
        }

        problem = null;
        var services = http.RequestServices;
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var time = services.GetRequiredService<TimeProvider>();
        var lifetime = services.GetRequiredService<TelexOptions>().Api.IdempotencyKeyLifetime;
        byte[] request = Encoding.UTF8.GetBytes(operation + "\n" + JsonSerializer.Serialize(body, body?.GetType() ?? typeof(object), json));
        return new IdempotentRequest(agency, officer, key, Convert.ToHexStringLower(SHA256.HashData(request)), time.GetUtcNow(), lifetime, json);
    }

    private static IdempotentRequest? Malformed(string field, out ProblemHttpResult? problem)
    {
        problem = Problems.Invalid(field,
            $"one key of 1 to {MaxKeyLength} printable ASCII characters, as a token or a quoted string (e.g. \"8e03978e-40d5-43e8-bc93-6894a57f9324\")");
        return null;
    }

    /// <summary>
    /// The key as sent: a structured-field string (<c>"…"</c>, with <c>\"</c> and <c>\\</c> escapes) or a bare token, of
    /// printable ASCII; null when it is neither or its length is out of bounds.
    /// </summary>
    internal static string? ParseKey(string? value)
    {
        if (value is null)
        {
            return null;
        }

        string key = value;
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var unquoted = new StringBuilder();
            for (int i = 1; i < value.Length - 1; i++)
            {
                char ch = value[i];
                if (ch == '\\')
                {
                    if (++i == value.Length - 1 || value[i] is not ('"' or '\\'))
                    {
                        return null;
                    }

                    ch = value[i];
                }
                else if (ch == '"')
                {
                    return null;
                }

                unquoted.Append(ch);
            }

            key = unquoted.ToString();
        }
        else if (value.Contains('"', StringComparison.Ordinal) || value.Contains(' ', StringComparison.Ordinal))
        {
            return null;
        }

        return key.Length is >= 1 and <= MaxKeyLength && key.All(ch => ch is >= ' ' and <= '~') ? key : null;
    }

    /// <summary>
    /// Runs a release under the request's <c>Idempotency-Key</c>, if it has one: refuses a malformed key; gives the first
    /// answer again, or 422, for a key used before; else releases with the key claimed in the release's transaction and
    /// answers 201 with what <paramref name="answer"/> makes of the telegrams (the answer kept with the key is the same).
    /// </summary>
    public static async Task<Results<Created<T>, ProblemHttpResult, Replayed>> ReleaseAsync<T>(HttpContext http, Agency agency, string officer,
        string operation, object? request, Func<IdempotencyClaim?, Task<IReadOnlyList<TelegramRecord>>> release,
        Func<IReadOnlyList<TelegramRecord>, (string Location, T Body)> answer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(release);
        ArgumentNullException.ThrowIfNull(answer);
        var idempotent = Read(http, agency, officer, operation, request, out var malformed);
        if (malformed is not null)
        {
            return malformed;
        }

        if (idempotent is not null)
        {
            var (refused, kept) = await idempotent.EarlierAnswerAsync(ct).ConfigureAwait(false);
            if (refused is not null)
            {
                return refused;
            }

            if (kept is not null)
            {
                return new Replayed(kept);
            }
        }

        IReadOnlyList<TelegramRecord> released;
        try
        {
            released = await release(idempotent?.Claim(answer)).ConfigureAwait(false);
        }
        catch (IdempotencyKeyTakenException)
        {
            // A retry that raced the first request: the first committed meanwhile, so its answer is the answer.
            var (refused, kept) = await idempotent!.EarlierAnswerAsync(ct).ConfigureAwait(false);
            if (refused is not null)
            {
                return refused;
            }

            return kept is not null ? new Replayed(kept) : throw new InvalidOperationException("the key was reported taken, but no release holds it");
        }

        var (location, body) = answer(released);
        return TypedResults.Created(location, body);
    }

    /// <summary>
    /// What to answer before releasing: the first answer kept (see <see cref="Replayed.Keep"/>) when the key was used for
    /// this request, a 422 problem when it was used for another; neither when the key is free and the release should go ahead.
    /// </summary>
    internal async Task<(ProblemHttpResult? Refused, byte[]? Kept)> EarlierAnswerAsync(CancellationToken ct)
    {
        var kept = await _agency.Telegrams.FindIdempotentReleaseAsync(_officer, _key, _now, ct).ConfigureAwait(false);
        if (kept is null)
        {
            return (null, null);
        }

        if (!string.Equals(kept.RequestHash, _hash, StringComparison.Ordinal))
        {
            return (Problems.Problem(422, "idempotency-key-reused",
                $"the {Header} '{_key}' was used for another request (on {kept.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC); nothing was released: "
                + "use a new key for a new request"), null);
        }

        return (null, kept.Answer);
    }

    /// <summary>The claim a release keeps with its telegrams: the answer it gives, 201 with the location and body <paramref name="answer"/> makes of them.</summary>
    internal IdempotencyClaim Claim<T>(Func<IReadOnlyList<TelegramRecord>, (string Location, T Body)> answer) =>
        new(Officer: _officer, Key: _key, RequestHash: _hash, CreatedAt: _now, ExpiresAt: _now + _lifetime, Answer: records =>
        {
            var (location, body) = answer(records);
            return Replayed.Keep(StatusCodes.Status201Created, location, JsonSerializer.SerializeToUtf8Bytes(body, _json));
        });

    /// <summary>A kept answer given again: its status, Location and body exactly, marked replayed.</summary>
    internal sealed class Replayed(byte[] kept) : IResult
    {
        /// <summary>Packs status, Location and the body's bytes as one record for the store.</summary>
        public static byte[] Keep(int status, string location, byte[] body)
        {
            byte[] head = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new KeptHead(status, location)) + "\n");
            return [.. head, .. body];
        }

        /// <summary>The body of a kept answer.</summary>
        public static ReadOnlySpan<byte> BodyOf(byte[] kept)
        {
            ArgumentNullException.ThrowIfNull(kept);
            return kept.AsSpan(Array.IndexOf(kept, (byte)'\n') + 1);
        }

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            int newline = Array.IndexOf(kept, (byte)'\n');
            var head = JsonSerializer.Deserialize<KeptHead>(kept.AsSpan(0, newline))!;
            httpContext.Response.StatusCode = head.Status;
            httpContext.Response.Headers.Location = head.Location;
            httpContext.Response.Headers[ReplayedHeader] = "true";
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            await httpContext.Response.Body.WriteAsync(kept.AsMemory(newline + 1), httpContext.RequestAborted).ConfigureAwait(false);
        }

        private sealed record KeptHead(int Status, string Location);
    }
}
