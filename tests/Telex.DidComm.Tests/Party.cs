using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests;

/// <summary>A test party: a did:peer:2 with one signing and one key-agreement key, its secrets and a packer.</summary>
internal sealed class Party
{
    private Party(string did, SecretJwk signing, SecretJwk agreement, DidResolver dids)
    {
        Did = did;
        Signing = signing;
        Agreement = agreement;
        Secrets = new SecretResolver().Add(signing).Add(agreement);
        Packer = new DidCommPacker(dids, Secrets);
    }

    public string Did { get; }

    public SecretJwk Signing { get; }

    public SecretJwk Agreement { get; }

    public SecretResolver Secrets { get; }

    public DidCommPacker Packer { get; }

    public DidCommPacker WithLimits(DidCommLimits limits, DidResolver dids) => new(dids, Secrets, limits);

    /// <summary>Creates a party whose DID is resolvable by every packer sharing <paramref name="dids"/>.</summary>
    public static Party Create(DidResolver dids, KeyCurve agreementCurve = KeyCurve.X25519, KeyCurve signingCurve = KeyCurve.Ed25519,
        string? endpoint = "http://127.0.0.1:1/didcomm", IReadOnlyList<string>? routingKeys = null)
    {
        using var sign = SecretJwk.Generate(signingCurve);
        using var agree = SecretJwk.Generate(agreementCurve);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], endpoint, routingKeys);

        // did:peer:2 numbers keys in the order they appear in the DID: key agreement (E) first, then authentication (V).
        var party = new Party(did, sign.WithKid(did + "#key-2"), agree.WithKid(did + "#key-1"), dids);
        Assert.True(dids.TryResolve(did, out _));
        return party;
    }
}
