using System.Security.Cryptography;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Dids;

public sealed class DidTests
{
    [Fact]
    public void Did_peer_2_resolves_to_the_keys_and_service_it_was_made_from()
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], "https://agency.example/didcomm", ["did:example:m#key-1"]);

        Assert.StartsWith("did:peer:2.Ez6LS", did, StringComparison.Ordinal);
        Assert.True(DidPeer.TryResolve(did, out var doc, out var error), error);
        Assert.Equal([did + "#key-1"], doc.KeyAgreement);
        Assert.Equal([did + "#key-2"], doc.Authentication);
        Assert.Equal(agree.PublicKey, doc.FindMethod("#key-1")!.Key);
        Assert.Equal(sign.PublicKey, doc.FindMethod(did + "#key-2")!.Key);
        var service = Assert.Single(doc.Services);
        Assert.Equal("https://agency.example/didcomm", service.Uri);
        Assert.Equal(["did:example:m#key-1"], service.RoutingKeys);
        Assert.Equal(["didcomm/v2"], service.Accept);
    }

    [Theory]
    [InlineData("did:peer:2")]
    [InlineData("did:peer:2.")]
    [InlineData("did:peer:2.Vz6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc")]
    [InlineData("did:peer:2.Ez6MkqRYqQiSgvZQdnBytw86Qbs2ZWUkGv22od935YF4s8M7V")]
    [InlineData("did:peer:2.Ez6LSnotbase58!!")]
    [InlineData("did:peer:2.SeyJ0IjoiZG0ifQ")]
    public void Malformed_peer_dids_are_refused_with_a_reason(string did)
    {
        Assert.False(DidPeer.TryResolve(did, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Did_key_ed25519_derives_the_x25519_key_of_the_same_secret()
    {
        byte[] seed = RandomNumberGenerator.GetBytes(32);
        using var ed = SecretJwk.FromPrivateBytes(KeyCurve.Ed25519, seed);

        // The X25519 secret of an Ed25519 seed is the clamped first half of SHA-512(seed) (RFC 8032 §5.1.5).
        byte[] h = SHA512.HashData(seed)[..32];
        h[0] &= 248;
        h[31] &= 127;
        h[31] |= 64;
        using var x = SecretJwk.FromPrivateBytes(KeyCurve.X25519, h);

        Assert.Equal(x.PublicKey, Multikey.Ed25519ToX25519(ed.PublicKey));
        Assert.True(DidKey.TryResolve(DidKey.Create(ed.PublicKey), out var doc, out var error), error);
        Assert.Equal(x.PublicKey, Assert.Single(doc.KeyAgreementMethods()).Key);
    }

    [Fact]
    public void Did_key_example_from_the_did_key_specification_resolves()
    {
        // did:key method specification, Ed25519 example and its derived X25519 key-agreement key.
        Assert.True(DidKey.TryResolve("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", out var doc, out var error), error);
        Assert.Equal("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6LSj72tK8brWgZja8NLRwPigth2T9QRiG1uH9oKZuKjdh9p",
            Assert.Single(doc.KeyAgreement));
    }

    [Theory]
    [InlineData(KeyCurve.Ed25519)]
    [InlineData(KeyCurve.X25519)]
    [InlineData(KeyCurve.P256)]
    [InlineData(KeyCurve.P384)]
    [InlineData(KeyCurve.P521)]
    [InlineData(KeyCurve.Secp256k1)]
    public void Multikeys_round_trip_on_every_curve_including_compressed_points(KeyCurve curve)
    {
        for (int i = 0; i < 8; i++)
        {
            using var key = SecretJwk.Generate(curve);
            string encoded = Multikey.Encode(key.PublicKey);
            Assert.True(Multikey.TryDecode(encoded, null, out var decoded, out var error), error);
            Assert.Equal(key.PublicKey, decoded);
        }
    }

    [Fact]
    public void Every_single_character_change_in_a_peer_did_key_resolves_or_is_refused_without_throwing()
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], "http://127.0.0.1:1/didcomm");
        // Base58 letters, letters outside base58, and non-ASCII (a flipped byte decodes to U+FFFD).
        const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0!é\u00ff\ufffd";
        int start = did.IndexOf(".Ez", StringComparison.Ordinal) + 3;
        int refused = 0;
        for (int i = start; i < start + 48; i++)
        {
            foreach (char c in Alphabet)
            {
                string changed = did[..i] + c + did[(i + 1)..];
                if (!DidPeer.TryResolve(changed, out _, out _))
                {
                    refused++;
                }
            }
        }

        Assert.True(refused > 0);
    }
}
