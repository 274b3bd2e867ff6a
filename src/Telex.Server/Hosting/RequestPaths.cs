namespace Telex.Server.Hosting;

/// <summary>
/// The agency's path prefixes, and the one way to ask whether a request is under one: as routing matches it, by whole
/// segments and ignoring case (<c>/API/agency</c> reaches the same endpoint as <c>/api/agency</c>). Kestrel hands over
/// the path already decoded (percent-encoding other than <c>%2F</c>) and without <c>.</c> and <c>..</c> segments, so
/// <c>/%61pi</c> and <c>/x/../api</c> arrive here as <c>/api</c>, the path routing sees too. Every decision that depends
/// on where a request goes (which credentials it takes, which limits and headers apply) asks here, never with a
/// comparison of its own: a prefix compared differently from routing is a way around the decision.
/// </summary>
internal static class RequestPaths
{
    /// <summary>The client API: bearer tokens only.</summary>
    public const string Api = "/api";

    /// <summary>The federation endpoint: anonymous, peers authenticate by their DIDComm signature.</summary>
    public const string Federation = "/didcomm";

    /// <summary>Health and readiness: anonymous.</summary>
    public const string Health = "/health";

    /// <summary>Prometheus metrics: bearer tokens only.</summary>
    public const string Metrics = "/metrics";

    /// <summary>The OpenAPI document: bearer tokens only.</summary>
    public const string OpenApi = "/openapi";

    /// <summary>The console's live stream.</summary>
    public const string ConsoleEvents = "/events";

    /// <summary>True when <paramref name="path"/> is <paramref name="prefix"/> or under it, compared as routing compares.</summary>
    public static bool IsUnder(PathString path, string prefix) => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The client API.</summary>
    public static bool IsApi(PathString path) => IsUnder(path, Api);

    /// <summary>The federation endpoint.</summary>
    public static bool IsFederation(PathString path) => IsUnder(path, Federation);

    /// <summary>
    /// Paths that take a bearer token and never the console's cookie: the client API, its OpenAPI document and metrics.
    /// A cookie never authorizes them, so they need no CSRF tokens.
    /// </summary>
    public static bool TakesBearerToken(PathString path) => IsApi(path) || IsUnder(path, OpenApi) || IsUnder(path, Metrics);

    /// <summary>The console's paths: everything but the client API, federation, health, metrics and OpenAPI.</summary>
    public static bool IsConsole(PathString path) => !TakesBearerToken(path) && !IsFederation(path) && !IsUnder(path, Health);
}
