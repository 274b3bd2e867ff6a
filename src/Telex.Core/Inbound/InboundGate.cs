using Telex.DidComm;

namespace Telex.Core.Inbound;

/// <summary>What every message a peer sends passes before a handler sees it.</summary>
internal static class InboundGate
{
    /// <summary>A message that could not be unpacked: too large, or not well formed (prefix says which message).</summary>
    public static Refusal UnpackRefusal(UnpackFailure failure, string prefix) =>
        new(failure.Kind == UnpackFailureKind.TooLarge ? RefusalKind.TooLarge : RefusalKind.Malformed,
            "e.p.msg." + failure.Kind.ToString().ToLowerInvariant(), prefix + failure.Reason);
}
