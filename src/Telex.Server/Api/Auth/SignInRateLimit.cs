using System.Globalization;
using System.Threading.RateLimiting;

using Telex.Core;

namespace Telex.Server.Api.Auth;

/// <summary>
/// Bounds sign-in attempts per network address (<see cref="ApiOptions.SignInsPerMinute"/>), on the API and the console
/// alike: the per-officer lockout stops guessing one officer's password, this stops one address trying name after name.
/// A refused attempt is answered 429 with <c>Retry-After</c> and is not checked at all, so it counts against no officer.
/// </summary>
internal static class SignInRateLimit
{
    public static IServiceCollection AddSignInRateLimit(this IServiceCollection services, ApiOptions api)
    {
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSignIn(context.Request)
                ? RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = Math.Max(1, api.SignInsPerMinute),
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("other"));
            o.OnRejected = (rejected, _) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                return ValueTask.CompletedTask;
            };
        });
        return services;
    }

    private static bool IsSignIn(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.Equals("/api/session", StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/sign-in", StringComparison.OrdinalIgnoreCase));
}
