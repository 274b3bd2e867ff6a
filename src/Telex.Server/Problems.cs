using Telex.Core;

namespace Telex.Server;

/// <summary>The one place errors become RFC 9457 problem documents.</summary>
internal static class Problems
{
    public const string TypeBase = "https://telex.dev/problems/";

    public static IResult Federation(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: TypeBase + code,
            extensions: new Dictionary<string, object?> { ["code"] = code });

    public static IResult From(TelexException e) => e.Kind switch
    {
        TelexErrorKind.Invalid => Problem(400, "invalid", e.Message),
        TelexErrorKind.NotFound => Problem(404, "not-found", e.Message),
        TelexErrorKind.Conflict => Problem(409, "conflict", e.Message),
        TelexErrorKind.Forbidden => Problem(403, "forbidden", e.Message),
        _ => Problem(502, "peer", e.Message),
    };

    public static IResult Problem(int status, string code, string detail) =>
        Results.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: TypeBase + code);

    private static string TitleOf(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not found",
        409 => "Conflict",
        413 => "Too large",
        415 => "Unsupported media type",
        502 => "Counterpart refused or unreachable",
        _ => "Error",
    };
}
