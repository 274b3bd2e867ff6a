using Microsoft.AspNetCore.WebUtilities;

namespace Telex.Server;

/// <summary>
/// The one place errors become RFC 9457 problem documents. Every document has a <c>type</c> under
/// <see cref="TypeBase"/>, a <c>title</c> (the status's HTTP reason phrase), the <c>status</c>, a <c>detail</c> and a short <c>code</c> extension
/// (the last segment of the type) for scripts; a validation problem also names the <c>field</c>.
/// </summary>
internal static class Problems
{
    public const string TypeBase = "https://telex.dev/problems/";

    public static IResult Federation(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: TypeBase + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult From(TelexException e) => e.Kind switch
    {
        TelexErrorKind.Invalid => Problem(400, "invalid", e.Message),
        TelexErrorKind.NotFound => Problem(404, "not-found", e.Message),
        TelexErrorKind.Conflict => Problem(409, "conflict", e.Message),
        TelexErrorKind.Forbidden => Problem(403, "forbidden", e.Message),
        _ => Problem(502, "peer", e.Message),
    };

    public static ProblemHttpResult Problem(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: TypeBase + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>A request field is missing or wrong (400); <paramref name="field"/> is its JSON or query name.</summary>
    public static ProblemHttpResult Invalid(string field, string detail) =>
        TypedResults.Problem(detail: $"{field}: {detail}", statusCode: 400, title: TitleOf(400), type: TypeBase + "invalid",
            extensions: new Dictionary<string, object?> { ["code"] = "invalid", ["field"] = field });

    /// <summary>The JSON body could not be read; <paramref name="field"/> is where, when known.</summary>
    public static ProblemHttpResult MalformedJson(string? field) =>
        field is null
            ? Problem(400, "malformed-json", "the request body is not valid JSON")
            : TypedResults.Problem(detail: $"{field}: malformed JSON or a value of the wrong type", statusCode: 400, title: TitleOf(400),
                type: TypeBase + "malformed-json", extensions: new Dictionary<string, object?> { ["code"] = "malformed-json", ["field"] = field });

    /// <summary>
    /// The officer is locked out after too many failed sign-ins (403 <c>locked</c>): the detail says until when, and so do
    /// the <c>retryAt</c> extension (UTC) and a <c>Retry-After</c> header the caller sets from <paramref name="until"/>.
    /// </summary>
    public static ProblemHttpResult Locked(string detail, DateTimeOffset until) =>
        TypedResults.Problem(detail: detail, statusCode: 403, title: TitleOf(403), type: TypeBase + "locked",
            extensions: new Dictionary<string, object?> { ["code"] = "locked", ["retryAt"] = until.UtcDateTime });

    public static ProblemHttpResult NotFound(string detail) => Problem(404, "not-found", detail);

    public static ProblemHttpResult Unauthorized(string detail) => Problem(401, "unauthorized", detail);

    public static ProblemHttpResult TooLarge(long limit) => Problem(413, "too-large", $"request bodies are limited to {limit} bytes");

    /// <summary>A response that has a status but no body yet (from routing, Kestrel or model binding).</summary>
    public static ProblemHttpResult ForStatus(int status) => status switch
    {
        400 => Problem(400, "bad-request", "the request is malformed"),
        401 => Unauthorized("a bearer token is required"),
        403 => Problem(403, "forbidden", "your role does not allow this"),
        404 => NotFound("no such resource"),
        405 => Problem(405, "method-not-allowed", "this resource does not support the method"),
        413 => Problem(413, "too-large", "the request body is too large"),
        415 => Problem(415, "media-type", "send application/json"),
        429 => Problem(429, "too-many-requests", "too many attempts from this address: try again later"),
        _ => Problem(status, "error", "the request failed"),
    };

    /// <summary>The status's reason phrase (<c>Not Found</c>); one the platform does not know is an "Error".</summary>
    private static string TitleOf(int status) => ReasonPhrases.GetReasonPhrase(status) is { Length: > 0 } phrase ? phrase : "Error";
}
