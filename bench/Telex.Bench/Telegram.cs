using System.Buffers.Text;

using Telex.DidComm;
using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace Telex.Bench;

/// <summary>
/// Two parties, Alice and Bob, each with a did:peer:2 (one Ed25519 authentication key, one X25519 key-agreement
/// key), and a telegram from Alice to Bob whose plaintext JSON is exactly <see cref="PlaintextBytes"/> long, in
/// <see cref="Variants"/> variants of different text. Benchmarks cycle through the variants: run on one input
/// over and over, the CPU's branch predictors learn the data-dependent branches of base64url validation and JSON
/// parsing, and those steps then look several times cheaper than they are on messages never seen before.
/// </summary>
internal sealed class Telegram : IDisposable
{
    /// <summary>The size of the plaintext message the wire benchmarks are about: a 1 KB telegram.</summary>
    public const int PlaintextBytes = 1024;

    /// <summary>How many different telegrams of that size the benchmarks cycle through (a power of two).</summary>
    public const int Variants = 64;

    private const string Prose =
        "The consignment left the northern depot this morning and is expected at the harbour office before noon " +
        "tomorrow. Please confirm that the customs papers were countersigned and that the seals match the manifest; " +
        "the inspector asked for both. If the weather holds, the crew will unload at berth four, otherwise at the " +
        "covered quay. Reply on this thread with any change to the delivery window. ";

    private readonly List<SecretJwk> _secrets = [];

    private Telegram()
    {
        (AliceDid, var aliceSecrets) = CreateParty();
        (BobDid, var bobSecrets) = CreateParty();
        Alice = new DidCommPacker(new DidResolver(), aliceSecrets);
        Bob = new DidCommPacker(new DidResolver(), bobSecrets);
        Messages = [.. Enumerable.Range(0, Variants).Select(i => CreateMessage(AliceDid, BobDid, PlaintextBytes, i))];
    }

    public string AliceDid { get; }

    public string BobDid { get; }

    /// <summary>Alice's Ed25519 secret (<c>#key-2</c>), the one that signs.</summary>
    public SecretJwk AliceSigning => _secrets[1];

    /// <summary>Bob's X25519 secret (<c>#key-1</c>), the one anoncrypt is addressed to.</summary>
    public SecretJwk BobAgreement => _secrets[2];

    public DidCommPacker Alice { get; }

    public DidCommPacker Bob { get; }

    /// <summary>The first variant.</summary>
    public Message Message => Messages[0];

    public IReadOnlyList<Message> Messages { get; }

    /// <summary>The length of what Ed25519 signs in the telegram's JWS: base64url(header) '.' base64url(payload).</summary>
    public int JwsSigningInputLength =>
        Base64Url.GetEncodedLength("""{"typ":"application/didcomm-signed+json","alg":"EdDSA"}""".Length) + 1
        + Base64Url.GetEncodedLength(Message.ToUtf8Json().Length);

    public static Telegram Create() => new();

    /// <summary>Signed by Alice, then anoncrypt to Bob with <paramref name="enc"/>: what an agency sends when it wants non-repudiation.</summary>
    public PackEncryptedOptions Options(ContentEncryption enc) => new() { To = BobDid, SignBy = AliceDid, AnonEncryption = enc, Forward = false };

    /// <summary>Packs as <paramref name="options"/> (from <see cref="Options"/>) say.</summary>
    public byte[] Pack(Message message, PackEncryptedOptions options) => Alice.PackEncrypted(message, options).Packed;

    /// <inheritdoc cref="Pack(Message, PackEncryptedOptions)"/>
    public byte[] Pack(PackEncryptedOptions options) => Pack(Message, options);

    /// <summary>Packs once and checks that Bob gets the telegram back, so a benchmark never measures a failure path.</summary>
    public byte[] PackChecked(PackEncryptedOptions options) => PackChecked(Message, options);

    /// <inheritdoc cref="PackChecked(PackEncryptedOptions)"/>
    public byte[] PackChecked(Message message, PackEncryptedOptions options)
    {
        byte[] packed = Pack(message, options);
        var result = Bob.Unpack(packed);
        if (!result.Success || result.Message!.Id != message.Id || !result.Metadata!.NonRepudiation || !result.Metadata.AnonymousSender)
        {
            throw new InvalidOperationException($"the benchmark telegram does not round-trip: {result.Failure?.Reason}");
        }

        return packed;
    }

    private (string Did, SecretResolver Secrets) CreateParty()
    {
        // The DID is computed from the public keys, so the kids are known only once it exists.
        using var signing = SecretJwk.Generate(KeyCurve.Ed25519, "placeholder");
        using var agreement = SecretJwk.Generate(KeyCurve.X25519, "placeholder");
        string did = DidPeer.Create(
            authentication: [signing.PublicKey],
            keyAgreement: [agreement.PublicKey],
            serviceEndpoint: "http://127.0.0.1:1/");
        var agreementSecret = agreement.WithKid(did + "#key-1");
        var signingSecret = signing.WithKid(did + "#key-2");
        _secrets.Add(agreementSecret);
        _secrets.Add(signingSecret);
        return (did, new SecretResolver().Add(agreementSecret).Add(signingSecret));
    }

    private static Message CreateMessage(string from, string to, int jsonBytes, int variant)
    {
        var message = WithText(from, to, "", variant);
        int textLength = jsonBytes - message.ToUtf8Json().Length;
        if (textLength < 0)
        {
            throw new InvalidOperationException($"the headers alone exceed {jsonBytes} bytes");
        }

        // Each variant starts the prose elsewhere, so that no two variants share their text (or its base64url).
        int start = variant * 7 % Prose.Length;
        var text = string.Concat(Enumerable.Repeat(Prose, (textLength / Prose.Length) + 2))[start..(start + textLength)];
        message = WithText(from, to, text, variant);
        int actual = message.ToUtf8Json().Length;
        return actual == jsonBytes
            ? message
            : throw new InvalidOperationException($"telegram is {actual} bytes, not {jsonBytes}");
    }

    private static Message WithText(string from, string to, string text, int variant) => new()
    {
        Id = $"1f6a3c52-8d0e-4b7a-9c1e-2f4d5a6b7c{variant:x2}",
        Type = "https://telex.example/protocols/telegram/1.0/telegram",
        From = from,
        To = [to],
        CreatedTime = 1_764_000_000,
        Thid = "0b9e2d41-7c3f-4a6e-8d2b-1e5f6a7b8c9d",
        Body = Message.BodyFrom(new { subject = "Consignment 4711: arrival at the harbour office", text }),
    };

    public void Dispose()
    {
        foreach (var s in _secrets)
        {
            s.Dispose();
        }
    }
}
