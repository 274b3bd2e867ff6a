using System.Text.RegularExpressions;

namespace Telex.Cli.Client;

/// <summary>
/// What the problem codes another Telex agency answers with mean, for the sentences the CLI prints: the agency passes
/// on only a peer's status and code (never the rest of its answer), so "refused (403): e.p.tie.invitation" becomes
/// "refused (403): the invitation is unknown there, was used or has expired, or its secret is wrong (e.p.tie.invitation)".
/// </summary>
internal static partial class PeerProblems
{
    private static readonly Dictionary<string, string> Meanings = new(StringComparer.Ordinal)
    {
        ["e.p.tie.invitation"] = "the invitation is unknown there, was used or has expired, or its secret is wrong",
        ["e.p.tie.exists"] = "a tie between the two agencies exists already",
        ["e.p.tie.none"] = "there is no established tie between the two agencies",
        ["e.p.tie.suspended-here"] = "the counterpart suspended the tie, and only it can resume it",
        ["e.p.msg.expired"] = "the message expired before it arrived",
        ["e.p.msg.recipient"] = "the message is not addressed to that agency",
        ["e.p.msg.bad-name"] = "it refuses the name given",
        ["e.p.msg.bad-request"] = "it found the message malformed",
        ["e.p.msg.unsupported"] = "it does not support this kind of message",
        ["e.p.msg.toolarge"] = "the message is larger than it accepts",
        ["e.p.keys.retired"] = "the sender's keys were replaced too long ago",
        ["e.p.relay.refused"] = "its relay policy does not allow this pair",
        ["e.p.did.endpoint-refused"] = "the endpoint is refused by the outbound policy",
    };

    /// <summary><paramref name="sentence"/> with a trailing problem code explained, if it is one Telex knows.</summary>
    public static string Explain(string sentence)
    {
        ArgumentNullException.ThrowIfNull(sentence);
        var match = TrailingCode().Match(sentence);
        return match.Success && Meanings.TryGetValue(match.Groups["code"].Value, out var meaning)
            ? $"{sentence[..match.Index]}{meaning} ({match.Groups["code"].Value})"
            : sentence;
    }

    [GeneratedRegex(@"(?<code>e\.p\.[a-z0-9.-]{1,60})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex TrailingCode();
}
