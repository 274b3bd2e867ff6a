using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace Telex.TestKit;

/// <summary>
/// A peer whose did:peer:2 carries keys and no service: a DID nothing can be sent back to. For testing what an agency
/// does when a tie request or a key rotation names such a DID.
/// </summary>
public sealed class EndpointlessPeer : IDisposable
{
    private readonly SecretJwk _signing;
    private readonly SecretJwk _agreement;

    /// <summary>Creates fresh Ed25519 and X25519 keys and a did:peer:2 of them that names no endpoint.</summary>
    public EndpointlessPeer()
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        Did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], serviceEndpoint: null);
        _signing = sign.WithKid(Did + "#key-2");
        _agreement = agree.WithKid(Did + "#key-1");
        Packer = new DidCommPacker(new DidResolver(), new SecretResolver().Add(_signing).Add(_agreement));
    }

    /// <summary>The DID (no service).</summary>
    public string Did { get; }

    /// <summary>A packer holding this peer's secrets.</summary>
    public DidCommPacker Packer { get; }

    /// <summary>Signs <paramref name="message"/> as this peer (its <c>from</c> set to this DID) and anoncrypts it to <paramref name="to"/>.</summary>
    public byte[] SignAndEncrypt(Message message, string to)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Packer.PackEncryptedPayload(Packer.PackSigned(message with { From = Did }, Did).Packed, new PackEncryptedOptions { To = to }).Packed;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _signing.Dispose();
        _agreement.Dispose();
    }
}
