using System.Text.Json;

using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Keys;

public sealed class KeyTests
{
    [Theory]
    [InlineData(KeyCurve.Ed25519)]
    [InlineData(KeyCurve.X25519)]
    [InlineData(KeyCurve.P256)]
    [InlineData(KeyCurve.P384)]
    [InlineData(KeyCurve.P521)]
    [InlineData(KeyCurve.Secp256k1)]
    public void Keys_round_trip_through_jwk_on_every_curve(KeyCurve curve)
    {
        using var secret = SecretJwk.Generate(curve, "did:example:a#k");
        using var again = SecretJwk.Parse(secret.ExportPrivateJson());
        var pub = PublicJwk.Parse(secret.PublicKey.ToJson(includeKid: true));

        Assert.Equal(secret.PublicKey, again.PublicKey);
        Assert.Equal(secret.PublicKey, pub);
        Assert.Equal("did:example:a#k", pub.Kid);
        Assert.DoesNotContain("\"d\"", secret.PublicKey.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_public_jwk_carrying_a_secret_is_refused()
    {
        using var secret = SecretJwk.Generate(KeyCurve.X25519);
        using var doc = JsonDocument.Parse(secret.ExportPrivateJson());

        Assert.False(PublicJwk.TryParse(doc.RootElement, out _, out var error));
        Assert.Contains("'d'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_private_jwk_whose_public_half_does_not_match_is_refused()
    {
        using var a = SecretJwk.Generate(KeyCurve.P256);
        using var b = SecretJwk.Generate(KeyCurve.P256);
        var json = JsonSerializer.Deserialize<Dictionary<string, string>>(a.ExportPrivateJson())!;
        var other = JsonSerializer.Deserialize<Dictionary<string, string>>(b.PublicKey.ToJson())!;
        json["x"] = other["x"];
        json["y"] = other["y"];
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(json));

        Assert.False(SecretJwk.TryParse(doc.RootElement, out _, out var error));
        Assert.Contains("do not match", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_secret_is_zeroed_and_unusable()
    {
        var secret = SecretJwk.Generate(KeyCurve.Ed25519);
        secret.Dispose();

        Assert.Throws<ObjectDisposedException>(() => secret.ExportPrivateJson());
    }

    [Fact]
    public void An_ec_point_off_the_curve_cannot_be_used_for_key_agreement()
    {
        using var mine = SecretJwk.Generate(KeyCurve.P256);
        byte[] x = mine.PublicKey.X.ToArray();
        byte[] y = mine.PublicKey.Y.ToArray();
        y[^1] ^= 1;
        var bad = PublicJwk.FromCoordinates(KeyCurve.P256, x, y);

        Span<byte> z = stackalloc byte[32];
        Assert.False(Telex.DidComm.Crypto.KeyAgreement.TryAgree(mine, bad, z));
    }
}
