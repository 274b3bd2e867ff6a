using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace DidCommExample;

public static class Example
{
    public static UnpackResult AliceToBob()
    {
        var (alice, aliceSecrets) = NewParty();
        var (bob, bobSecrets) = NewParty();
        var dids = new DidResolver(); // computes did:peer:2 and did:key documents; no registry
        var message = new Message
        {
            Id = Guid.NewGuid().ToString(),
            Type = "https://example.org/hello/1.0/greeting",
            From = alice,
            To = [bob],
            Body = Message.BodyFrom(new { text = "Hello, Bob" }),
        };

        // Signed by Alice, authcrypt from Alice to Bob (leave From out for anoncrypt).
        var packed = new DidCommPacker(dids, aliceSecrets).PackEncrypted(message, new PackEncryptedOptions { To = bob, From = alice, SignBy = alice });

        // Bob unpacks: untrusted input never throws; a failure says why.
        var result = new DidCommPacker(dids, bobSecrets).Unpack(packed.Packed);
        Console.WriteLine(result.Success ? $"{result.Message!.Body.GetProperty("text")} (signed: {result.Metadata!.NonRepudiation})" : result.Failure!.Reason);
        return result;
    }

    private static (string Did, SecretResolver Secrets) NewParty()
    {
        using var signing = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agreement = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([signing.PublicKey], [agreement.PublicKey], "https://example.org/didcomm");

        // did:peer:2 numbers its keys: key agreement first (#key-1), then authentication (#key-2).
        return (did, new SecretResolver().Add(agreement.WithKid(did + "#key-1")).Add(signing.WithKid(did + "#key-2")));
    }
}
