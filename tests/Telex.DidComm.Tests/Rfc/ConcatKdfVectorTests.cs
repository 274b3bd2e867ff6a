using System.Text;

using Telex.DidComm.Crypto;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>RFC 7518 Appendix C: ECDH-ES on P-256 between Alice's ephemeral key and Bob, then the Concat KDF.</summary>
public sealed class ConcatKdfVectorTests
{
    private const string VectorFile = "concat-kdf.json";

    [Fact]
    public void Ecdh_es_agreement_reproduces_z_of_rfc7518_appendix_c_from_both_sides()
    {
        var v = RfcVectors.Vector(VectorFile, "C");
        using var alice = SecretJwk.Parse(v.GetProperty("aliceEphemeralKey").GetRawText());
        using var bob = SecretJwk.Parse(v.GetProperty("bobKey").GetRawText());
        byte[] senderZ = new byte[32];
        byte[] recipientZ = new byte[32];

        Assert.True(KeyAgreement.TryAgree(alice, bob.PublicKey, senderZ));
        Assert.True(KeyAgreement.TryAgree(bob, alice.PublicKey, recipientZ));

        Assert.Equal(Convert.ToHexString(v.Hex("z")), Convert.ToHexString(senderZ));
        Assert.Equal(Convert.ToHexString(v.Hex("z")), Convert.ToHexString(recipientZ));
    }

    [Fact]
    public void Concat_kdf_derives_the_a128gcm_key_of_rfc7518_appendix_c()
    {
        var v = RfcVectors.Vector(VectorFile, "C");
        byte[] derived = new byte[v.GetProperty("keyDataLenBits").GetInt32() / 8];

        ConcatKdf.DeriveKey(v.Hex("z"), v.Text("algorithmId"), v.Utf8("apu"), v.Utf8("apv"), [], derived);

        Assert.Equal(v.Text("derivedKey"), System.Buffers.Text.Base64Url.EncodeToString(derived));
    }

    // The key length is part of OtherInfo (SuppPubInfo), so a longer key is not an extension of the shorter one.
    [Fact]
    public void Concat_kdf_binds_the_key_length_so_a_longer_key_does_not_start_with_the_shorter_one()
    {
        var v = RfcVectors.Vector(VectorFile, "C");
        byte[] derived = new byte[32];

        ConcatKdf.DeriveKey(v.Hex("z"), v.Text("algorithmId"), v.Utf8("apu"), v.Utf8("apv"), [], derived);

        Assert.NotEqual(v.Text("derivedKey"), System.Buffers.Text.Base64Url.EncodeToString(derived.AsSpan(0, 16)));
    }

    [Fact]
    public void Concat_kdf_output_changes_with_each_party_info_and_the_algorithm()
    {
        var v = RfcVectors.Vector(VectorFile, "C");
        byte[] z = v.Hex("z");
        string expected = v.Text("derivedKey");

        Assert.NotEqual(expected, Derive(z, "A128GCM", "Alice", "Bobb"));
        Assert.NotEqual(expected, Derive(z, "A128GCM", "Alicf", "Bob"));
        Assert.NotEqual(expected, Derive(z, "A128KW", "Alice", "Bob"));

        // Moving a byte across the apu/apv boundary must not give the same input: the length prefixes see to that.
        Assert.NotEqual(Derive(z, "A128GCM", "AliceB", "ob"), Derive(z, "A128GCM", "Alice", "Bob"));
    }

    // Output longer than one SHA-256 block takes a second round (counter 2); A256CBC-HS512 CEKs need 64 bytes.
    [Fact]
    public void Concat_kdf_output_longer_than_one_hash_is_counter_mode()
    {
        var v = RfcVectors.Vector(VectorFile, "C");
        byte[] z = v.Hex("z");
        byte[] sixtyFour = new byte[64];

        ConcatKdf.DeriveKey(z, "A256CBC-HS512", [], [], [], sixtyFour);

        byte[] otherInfo = [
            0, 0, 0, 13, .. Encoding.ASCII.GetBytes("A256CBC-HS512"),
            0, 0, 0, 0,
            0, 0, 0, 0,
            0, 0, 2, 0,
        ];
        byte[] round1 = System.Security.Cryptography.SHA256.HashData([0, 0, 0, 1, .. z, .. otherInfo]);
        byte[] round2 = System.Security.Cryptography.SHA256.HashData([0, 0, 0, 2, .. z, .. otherInfo]);
        Assert.Equal(Convert.ToHexString([.. round1, .. round2]), Convert.ToHexString(sixtyFour));
    }

    private static string Derive(byte[] z, string algorithmId, string apu, string apv)
    {
        byte[] derived = new byte[16];
        ConcatKdf.DeriveKey(z, algorithmId, Encoding.UTF8.GetBytes(apu), Encoding.UTF8.GetBytes(apv), [], derived);
        return Convert.ToHexString(derived);
    }
}
