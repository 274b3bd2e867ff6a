namespace Telex.Server.Hosting;

/// <summary>
/// Headers that protect what travels over HTTP, whatever the path: over TLS, Strict-Transport-Security so a browser
/// never falls back to plain HTTP; on the client API, <c>Cache-Control: no-store</c>, since its answers carry tokens,
/// invitation codes, one-time passwords, keys and register content that no cache or proxy may keep. (Console pages get
/// their own headers, <see cref="Console.ConsoleHeaders"/>.)
/// </summary>
internal static class TransportHeaders
{
    /// <summary>
    /// One year, the usual minimum for HSTS preloading. Without <c>includeSubDomains</c>: the agency may share its domain
    /// with services it does not govern.
    /// </summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public static WebApplication UseTransportHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                if (http.Request.IsHttps)
                {
                    http.Response.Headers.StrictTransportSecurity = StrictTransportSecurity;
                }

                if (RequestPaths.IsApi(http.Request.Path))
                {
                    http.Response.Headers.CacheControl = "no-store";
                    http.Response.Headers.XContentTypeOptions = "nosniff";
                }

                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }
}
