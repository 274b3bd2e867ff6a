using System.Buffers.Text;
using System.Numerics;
using System.Text.Json.Nodes;

using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Crypto;

/// <summary>
/// An ECDSA signature (r, s) has a twin (r, n - s) that verifies mathematically too. ES256K accepts only the low-S
/// form, so a signed message has one byte string: nobody can mint a second, different one that still verifies.
/// </summary>
public sealed class SignatureMalleabilityTests
{
    private static readonly BigInteger Secp256k1Order =
        BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", System.Globalization.NumberStyles.HexNumber);

    private static BigInteger SOf(ReadOnlySpan<byte> signature) => new(signature[32..], isUnsigned: true, isBigEndian: true);

    /// <summary>(r, n - s): the other signature that is valid for the same message and key.</summary>
    private static byte[] HighSTwin(ReadOnlySpan<byte> signature)
    {
        byte[] twin = signature.ToArray();
        var s = Secp256k1Order - SOf(signature);
        Array.Clear(twin, 32, 32);
        Assert.True(s.TryWriteBytes(twin.AsSpan(64 - s.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true));
        return twin;
    }

    [Fact]
    public void Es256k_signing_always_produces_low_s_and_the_high_s_twin_of_each_signature_is_refused()
    {
        using var secret = SecretJwk.Generate(KeyCurve.Secp256k1);
        var key = secret.PublicKey;
        byte[] signature = new byte[64];
        for (int i = 0; i < 64; i++)
        {
            byte[] data = BitConverter.GetBytes(i);
            Signatures.Sign(secret, data, signature);

            Assert.True(SOf(signature) <= Secp256k1Order / 2, $"signature {i} is high-S");
            Assert.True(Signatures.Verify(key, SignatureAlgorithm.Es256K, data, signature));
            Assert.False(Signatures.Verify(key, SignatureAlgorithm.Es256K, data, HighSTwin(signature)));
        }
    }

    [Fact]
    public void A_signed_message_whose_es256k_signature_is_swapped_for_its_high_s_twin_is_refused_as_tampered()
    {
        var dids = new DidResolver();
        var alice = Party.Create(dids, signingCurve: KeyCurve.Secp256k1);
        var bob = Party.Create(dids);
        byte[] packed = alice.Packer.PackSigned(TestMessages.Telegram(alice.Did, bob.Did), alice.Did).Packed;

        var jws = JsonNode.Parse(packed)!.AsObject();
        var entry = jws["signatures"]![0]!.AsObject();
        byte[] signature = Base64Url.DecodeFromChars(entry["signature"]!.GetValue<string>());
        entry["signature"] = Base64Url.EncodeToString(HighSTwin(signature));
        byte[] twin = System.Text.Encoding.UTF8.GetBytes(jws.ToJsonString());

        Assert.True(bob.Packer.Unpack(packed).Success);
        var refused = bob.Packer.Unpack(twin);
        Assert.False(refused.Success);
        Assert.Equal(UnpackFailureKind.Tampered, refused.Failure!.Kind);
    }
}
