using Telex.Core.Inbound;

namespace Telex.Server.Federation;

/// <summary>The one place a refusal of a peer's message becomes an HTTP status.</summary>
internal static class FederationRefusals
{
    /// <summary>The HTTP status a refusal of this kind is answered with.</summary>
    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.Malformed => StatusCodes.Status400BadRequest,
        RefusalKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.Conflict => StatusCodes.Status409Conflict,
        RefusalKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no HTTP status for this refusal"),
    };

    extension(InboundResult result)
    {
        /// <summary>The HTTP status this result is answered with: 202 when accepted.</summary>
        public int Status => result.Refusal is { } refusal ? StatusOf(refusal.Kind) : StatusCodes.Status202Accepted;
    }
}
