using System.Text.Json;

using Microsoft.AspNetCore.Diagnostics;

namespace Telex.Server.Api;

/// <summary>
/// Where exceptions become problem documents, once: a <see cref="TelexException"/> by its kind, a request the
/// framework could not read (malformed JSON, wrong media type, body too large) as a 4xx naming the field where
/// known, anything else as a bare 500 that is logged here and shows no stack trace.
/// </summary>
internal sealed class ApiExceptionHandler(ILoggerFactory loggers) : IExceptionHandler
{
    private readonly ILogger _logger = loggers.CreateLogger(ApiLog.Category);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            return true;
        }

        var problem = exception switch
        {
            TelexException e => Problems.From(e),
            BadHttpRequestException { InnerException: JsonException json } => Problems.MalformedJson(FieldOf(json.Path)),
            BadHttpRequestException { StatusCode: 413 } => Problems.ForStatus(413),
            BadHttpRequestException { StatusCode: 415 } => Problems.ForStatus(415),
            BadHttpRequestException e => Problems.Problem(e.StatusCode, "bad-request", e.Message),
            _ => null,
        };
        if (problem is null)
        {
            ApiLog.Failed(_logger, exception);
            problem = Problems.Problem(500, "internal", "the agency could not complete the request; it has been logged");
        }
        else
        {
            ApiLog.Refused(_logger, problem.StatusCode, problem.ProblemDetails.Extensions["code"] as string ?? "");
        }

        if (httpContext.Response.HasStarted)
        {
            return true;
        }

        httpContext.Response.Clear();
        await problem.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    /// <summary>"<c>$.attachments[0].name</c>" → "<c>attachments[0].name</c>"; null for the document itself.</summary>
    internal static string? FieldOf(string? path) =>
        path is null || path == "$" ? null : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
}
