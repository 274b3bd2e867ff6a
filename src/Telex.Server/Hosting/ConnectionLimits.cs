using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Telex.Server.Hosting;

/// <summary>Applies <see cref="HttpOptions"/> to Kestrel: how long and how slowly any client may hold a connection.</summary>
internal static class ConnectionLimits
{
    public static void Apply(KestrelServerLimits limits, HttpOptions http)
    {
        limits.RequestHeadersTimeout = http.RequestHeadersTimeout;
        limits.MinRequestBodyDataRate = new MinDataRate(http.MinRequestBodyBytesPerSecond, http.MinRequestBodyGracePeriod);
        limits.MaxRequestHeadersTotalSize = http.MaxRequestHeadersBytes;
    }
}
