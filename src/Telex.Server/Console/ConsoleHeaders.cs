namespace Telex.Server.Console;

/// <summary>The security headers every console response carries.</summary>
internal static class ConsoleHeaders
{
    /// <summary>Sent by the live-update script when it fetches a page again, so a lost session answers 401, not a redirect.</summary>
    public const string LiveRequest = "X-Telex-Live";

    /// <summary>
    /// Only the console's own files run or style a page: no inline script or style, no plug-ins, no framing, forms post
    /// only here. Images may be data URIs (the invitation's QR code).
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'";

    public static void Apply(HttpResponse response)
    {
        var h = response.Headers;
        h.ContentSecurityPolicy = ContentSecurityPolicy;
        h.XContentTypeOptions = "nosniff";
        h.XFrameOptions = "DENY";
        h["Referrer-Policy"] = "no-referrer";
        h["Cross-Origin-Opener-Policy"] = "same-origin";

        // Pages show telegrams, codes and one-time passwords: never keep them in a cache.
        h.CacheControl = "no-store";
    }
}
