using System.Text.Encodings.Web;

namespace Telex.Server.Console;

/// <summary>The page an officer sees when their role does not allow what they asked for (status 403).</summary>
internal static class ForbiddenPage
{
    public static string Render(string role) => $"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Not allowed · Telex</title><link rel="stylesheet" href="/console/console.css"></head>
        <body><main id="main" class="page narrow">
        <h1>Not allowed</h1>
        <p role="alert">Your role ({HtmlEncoder.Default.Encode(role)}) does not allow this page or action.</p>
        <p><a href="/">Back to the desk</a></p>
        </main></body></html>
        """;
}
