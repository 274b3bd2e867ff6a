using System.Text.Json;

namespace Telex.Api.Contracts;

/// <summary>
/// The agency refused a request: its RFC 9457 problem document read into one exception. <see cref="Status"/> is the HTTP
/// status; <see cref="Code"/> the short <c>code</c> extension (<c>invalid</c>, <c>not-found</c>, <c>locked</c>…);
/// <see cref="Field"/> the request field a validation problem names; <see cref="Errors"/> the <c>errors</c> of a
/// validation problem (field → messages). An answer that is not a problem document (a proxy's page) leaves the fields
/// it cannot fill null and keeps a short line of its text in <see cref="Detail"/> when it is one.
/// </summary>
public sealed class TelexApiException : Exception
{
    public TelexApiException()
        : this(0, null, null, null, null, null, null, null)
    {
    }

    public TelexApiException(string message)
        : base(message)
    {
        Errors = new Dictionary<string, IReadOnlyList<string>>();
    }

    public TelexApiException(string message, Exception inner)
        : base(message, inner)
    {
        Errors = new Dictionary<string, IReadOnlyList<string>>();
    }

    /// <summary>A refusal with status <paramref name="status"/> and what its problem document says.</summary>
    public TelexApiException(int status, string? reason, string? code, string? title, string? detail, string? field,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? errors, string? plainLine)
        : base(detail ?? title ?? (plainLine is null ? $"the agency answered {status} {reason}" : $"the agency answered {status} {reason}: {plainLine}"))
    {
        Status = status;
        Reason = reason;
        Code = code;
        Title = title;
        Detail = detail;
        Field = field;
        Errors = errors ?? new Dictionary<string, IReadOnlyList<string>>();
        PlainLine = plainLine;
    }

    /// <summary>The HTTP status.</summary>
    public int Status { get; }

    /// <summary>The HTTP reason phrase, as the response carried it.</summary>
    public string? Reason { get; }

    /// <summary>The problem's <c>code</c> extension, e.g. <c>invalid</c>; null when the answer had none.</summary>
    public string? Code { get; }

    /// <summary>The problem's <c>title</c>.</summary>
    public string? Title { get; }

    /// <summary>The problem's <c>detail</c>, a sentence for a person.</summary>
    public string? Detail { get; }

    /// <summary>The request field a validation problem names (its <c>field</c> extension).</summary>
    public string? Field { get; }

    /// <summary>A validation problem's <c>errors</c>: field → messages; empty when it had none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Errors { get; }

    /// <summary>For an answer that is not JSON: its text when it is one short line (never a page or a stack), else null.</summary>
    public string? PlainLine { get; }

    /// <summary>A validation problem's first error as "field: message", or null.</summary>
    public string? FirstError => Errors.Select(e => e.Value.Count > 0 ? $"{e.Key}: {e.Value[0]}" : null).FirstOrDefault(e => e is not null);

    /// <summary>
    /// Reads a problem document (or whatever a refusal's body holds) into the exception; never throws for a body it cannot
    /// read, and never keeps more of a body that is not JSON than one short line.
    /// </summary>
    public static TelexApiException FromProblem(int status, string? reason, string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = TelexApiJson.MaxDepth });
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return new TelexApiException(status, reason, Str(root, "code"), Str(root, "title"), Str(root, "detail"), Str(root, "field"), ReadErrors(root),
                    null);
            }
        }
        catch (JsonException)
        {
            string line = text.Trim();
            if (line.Length is > 0 and < 200 && !line.Contains('\n', StringComparison.Ordinal) && !line.StartsWith('<'))
            {
                return new TelexApiException(status, reason, null, null, null, null, null, line);
            }
        }

        return new TelexApiException(status, reason, null, null, null, null, null, null);
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A validation problem's <c>errors</c> (<c>{field: [message]}</c>, or a single message per field).</summary>
    private static Dictionary<string, IReadOnlyList<string>>? ReadErrors(JsonElement root)
    {
        if (!root.TryGetProperty("errors", out var errors) || errors.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var read = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var field in errors.EnumerateObject())
        {
            string[] messages = field.Value.ValueKind switch
            {
                JsonValueKind.Array => field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).ToArray(),
                JsonValueKind.String => [field.Value.GetString()!],
                _ => [],
            };
            if (messages.Length > 0)
            {
                read[field.Name] = messages;
            }
        }

        return read;
    }
}
