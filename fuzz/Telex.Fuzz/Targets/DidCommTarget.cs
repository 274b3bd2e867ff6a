using System.Text.Json;

using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.Fuzz;

/// <summary>
/// Unpacks the input as Bob of the didcomm-rust test vectors (his secrets, and the DID documents of Alice, Charlie
/// and the mediators), so signed and encrypted seeds get past the first checks into the crypto and the nested layers.
/// <see cref="DidCommPacker.Unpack"/> and <see cref="DidCommPacker.TryUnwrapForward"/> promise never to throw on
/// untrusted input: every exception is a crash.
/// </summary>
internal static class DidCommTarget
{
    private static readonly DidCommPacker Packer = CreatePacker();

    public static void Run(byte[] input)
    {
        var result = Packer.Unpack(input);
        if (result.Success == (result.Failure is not null))
        {
            throw new InvalidOperationException("an unpack result is either a message or a failure");
        }

        if (Packer.TryUnwrapForward(input, out var forward, out var failure) == (failure is not null) || (forward is null) == (failure is null))
        {
            throw new InvalidOperationException("TryUnwrapForward returns either a forward or a failure");
        }
    }

    private static DidCommPacker CreatePacker()
    {
        using var stream = typeof(DidCommTarget).Assembly.GetManifestResourceStream("Telex.Fuzz.Keys.bob.json")
            ?? throw new InvalidOperationException("the keys file is not embedded");
        using var doc = JsonDocument.Parse(stream);
        // The vectors' documents first, then did:peer and did:key, which seeds may name.
        var documents = new DidDocumentStore().AddRange(DidDocument.ParseDocuments(doc.RootElement.GetProperty("didDocs").GetRawText()));
        var dids = new CompositeDidResolver(documents, new DidResolver());
        var secrets = new SecretResolver().AddRange(SecretJwk.ParseSecrets(doc.RootElement.GetProperty("secrets").GetRawText()));

        return new DidCommPacker(dids, secrets);
    }
}
