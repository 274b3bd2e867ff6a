using System.Text.Encodings.Web;

namespace Telex.Server.Console;

/// <summary>
/// The console's error pages, for what no page answers itself: a role that does not allow something (403), a page or
/// record that does not exist (404), a form that cannot be accepted — for instance without its CSRF token (400).
/// </summary>
internal static class StatusPage
{
    public static string Forbidden(string role) =>
        Render("Not allowed", $"Your role ({role}) does not allow this page or action.");

    public static string For(int status) => status switch
    {
        404 => Render("Not found", "There is no such page or record in this agency."),
        400 => Render("Not accepted", "The form could not be accepted (it may have expired): go back, reload the page and try again."),
        _ => Render("Something went wrong", $"The agency answered with status {status}."),
    };

    /// <summary>Writes the page for the response's status, with the console's headers.</summary>
    public static Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(For(context.Response.StatusCode), context.RequestAborted);
    }

    private static string Render(string title, string message) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{HtmlEncoder.Default.Encode(title)} · Telex</title><link rel="stylesheet" href="/console/console.css"></head>
        <body><main id="main" class="page narrow">
        <h1>{HtmlEncoder.Default.Encode(title)}</h1>
        <p role="alert">{HtmlEncoder.Default.Encode(message)}</p>
        <p><a href="/">Back to the desk</a></p>
        </main></body></html>
        """;
}
