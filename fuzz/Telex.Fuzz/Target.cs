namespace Telex.Fuzz;

/// <summary>
/// One fuzz target: feeds an input to a parser of untrusted input. The run returns normally for every input the
/// parser refuses in the way it promises (a typed failure, or its documented error exception, caught here); any other
/// exception escapes and is a crash.
/// </summary>
/// <param name="Name">The name on the command line and of the corpus folder.</param>
/// <param name="Description">What is fuzzed, and which refusal is the documented one.</param>
/// <param name="Run">Runs one input.</param>
internal sealed record Target(string Name, string Description, Action<byte[]> Run);

/// <summary>Every target, by name.</summary>
internal static class Targets
{
    public static IReadOnlyList<Target> All { get; } =
    [
        new("didcomm", "DidCommPacker.Unpack and TryUnwrapForward with the recipient's keys (typed failure only)", DidCommTarget.Run),
        new("federation", "Agency.ReceiveAsync of a signed, encrypted message from a tied, untied or relay sender (a refusal only)", FederationTarget.Run),
        new("invitation", "InvitationCode.TryParse of a URL or bare code (false with a reason only)", InvitationTarget.Run),
        new("api-json", "client API request bodies with the server's JSON options, then their validation (JsonException only)", ApiJsonTarget.Run),
        new("config", "telex.json read by TelexConfiguration.Load (TelexConfigurationException only)", ConfigTarget.Run),
        new("cable", "classic cable text, CableText.TryParse (null with the line at fault only)", CableTarget.Run),
        new("register-import", "a JSON Lines register export, RegisterExport.ReadAsync (an error line only)", RegisterImportTarget.Run),
    ];
}
