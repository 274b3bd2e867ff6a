using System.Buffers.Text;
using System.Text;
using System.Text.Json;

using Telex.DidComm.Crypto;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>
/// draft-madden-jose-ecdh-1pu-04, rebuilt from the primitives: Appendix A (direct key agreement, P-256, A256GCM)
/// and Appendix B (ECDH-1PU+A128KW, X25519, two recipients, the JWE tag in SuppPubInfo).
/// </summary>
public sealed class Ecdh1PuVectorTests
{
    private const string VectorFile = "ecdh-1pu.json";

    public static TheoryData<string> AppendixBRecipients
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (var recipient in AppendixB.GetProperty("vectors").EnumerateArray())
            {
                names.Add(recipient.Text("name"));
            }

            return names;
        }
    }

    private static JsonElement AppendixA => RfcVectors.Load(VectorFile).GetProperty("appendixA");

    private static JsonElement AppendixB => RfcVectors.Load(VectorFile).GetProperty("appendixB");

    [Fact]
    public void Appendix_a_ze_is_the_ephemeral_static_agreement_seen_from_either_side()
    {
        var a = AppendixA;
        using var ephemeral = Secret(a, "aliceEphemeralKey");
        using var bob = Secret(a, "bobStaticKey");

        Assert.Equal(Hex(a, "ze"), Agree(ephemeral, bob.PublicKey));
        Assert.Equal(Hex(a, "ze"), Agree(bob, ephemeral.PublicKey));
    }

    [Fact]
    public void Appendix_a_zs_is_the_static_static_agreement_seen_from_either_side()
    {
        var a = AppendixA;
        using var alice = Secret(a, "aliceStaticKey");
        using var bob = Secret(a, "bobStaticKey");

        Assert.Equal(Hex(a, "zs"), Agree(alice, bob.PublicKey));
        Assert.Equal(Hex(a, "zs"), Agree(bob, alice.PublicKey));
    }

    [Fact]
    public void Appendix_a_key_is_derived_from_ze_then_zs_for_a256gcm()
    {
        var a = AppendixA;
        byte[] z = [.. a.Hex("ze"), .. a.Hex("zs")];
        byte[] derived = new byte[a.GetProperty("keyDataLenBits").GetInt32() / 8];

        ConcatKdf.DeriveKey(z, a.Text("algorithmId"), a.Utf8("apu"), a.Utf8("apv"), [], derived);

        Assert.Equal(Hex(a, "derivedKey"), Convert.ToHexString(derived));
        Assert.Equal(a.Text("derivedKeyB64"), Base64Url.EncodeToString(derived));
    }

    [Fact]
    public void Appendix_a_key_is_not_derived_from_zs_then_ze()
    {
        var a = AppendixA;
        byte[] swapped = [.. a.Hex("zs"), .. a.Hex("ze")];
        byte[] derived = new byte[32];

        ConcatKdf.DeriveKey(swapped, a.Text("algorithmId"), a.Utf8("apu"), a.Utf8("apv"), [], derived);

        Assert.NotEqual(Hex(a, "derivedKey"), Convert.ToHexString(derived));
    }

    [Fact]
    public void Appendix_b_protected_header_carries_the_ephemeral_public_key_and_party_info()
    {
        var b = AppendixB;
        using var ephemeral = Secret(b, "aliceEphemeralKey");
        using var header = JsonDocument.Parse(b.B64("protected"));
        var root = header.RootElement;
        var epk = PublicJwk.Parse(root.GetProperty("epk").GetRawText());

        Assert.Equal(b.Text("algorithmId"), root.Text("alg"));
        Assert.Equal(b.Text("enc"), root.Text("enc"));
        Assert.Equal(b.Text("apu"), Encoding.UTF8.GetString(root.B64("apu")));
        Assert.Equal(b.Text("apv"), Encoding.UTF8.GetString(root.B64("apv")));
        Assert.Equal(ephemeral.PublicKey, epk);
    }

    [Theory]
    [MemberData(nameof(AppendixBRecipients))]
    public void Appendix_b_ze_and_zs_match_for_recipient(string kid)
    {
        var b = AppendixB;
        var r = Recipient(kid);
        using var ephemeral = Secret(b, "aliceEphemeralKey");
        using var alice = Secret(b, "aliceStaticKey");
        using var recipient = Secret(r, "recipientKey");

        Assert.Equal(Hex(r, "ze"), Agree(ephemeral, recipient.PublicKey));
        Assert.Equal(Hex(r, "ze"), Agree(recipient, ephemeral.PublicKey));
        Assert.Equal(Hex(r, "zs"), Agree(alice, recipient.PublicKey));
        Assert.Equal(Hex(r, "zs"), Agree(recipient, alice.PublicKey));
    }

    [Theory]
    [MemberData(nameof(AppendixBRecipients))]
    public void Appendix_b_kek_is_derived_with_the_tag_in_supp_pub_info_for_recipient(string kid)
    {
        var b = AppendixB;
        var r = Recipient(kid);

        Assert.Equal(Hex(r, "kek"), Convert.ToHexString(DeriveKek(b, r.Hex("ze"), r.Hex("zs"), includeTag: true)));
        Assert.NotEqual(Hex(r, "kek"), Convert.ToHexString(DeriveKek(b, r.Hex("ze"), r.Hex("zs"), includeTag: false)));
    }

    [Theory]
    [MemberData(nameof(AppendixBRecipients))]
    public void Appendix_b_cek_wraps_to_the_published_encrypted_key_for_recipient(string kid)
    {
        var b = AppendixB;
        var r = Recipient(kid);

        byte[] wrapped = AesKeyWrap.Wrap(r.Hex("kek"), b.Hex("cek"));

        Assert.Equal(r.Text("encryptedKey"), Base64Url.EncodeToString(wrapped));
    }

    // The whole receive path from the recipient's secret, the sender's public key and the JWE as published:
    // agree, derive with the tag, unwrap the CEK, then authenticate and decrypt the content.
    [Theory]
    [MemberData(nameof(AppendixBRecipients))]
    public void Appendix_b_recipient_unwraps_the_cek_and_decrypts_the_published_jwe(string kid)
    {
        var b = AppendixB;
        var r = Recipient(kid);
        using var recipient = Secret(r, "recipientKey");
        using var sender = Secret(b, "aliceStaticKey");
        using var header = JsonDocument.Parse(b.B64("protected"));
        var epk = PublicJwk.Parse(header.RootElement.GetProperty("epk").GetRawText());

        byte[] kek = DeriveKek(b, AgreeBytes(recipient, epk), AgreeBytes(recipient, sender.PublicKey), includeTag: true);
        byte[] encryptedKey = r.B64("encryptedKey");
        byte[] cek = new byte[encryptedKey.Length - 8];
        Assert.True(AesKeyWrap.TryUnwrap(kek, encryptedKey, cek));
        Assert.Equal(Hex(b, "cek"), Convert.ToHexString(cek));

        Assert.True(ContentEncryptions.TryParse(header.RootElement.Text("enc"), out var enc));
        byte[] ciphertext = b.B64("ciphertext");
        byte[] plaintext = new byte[ciphertext.Length];
        int written = enc.Decrypt(cek, b.B64("iv"), Encoding.ASCII.GetBytes(b.Text("protected")), ciphertext, b.B64("tag"), plaintext);

        Assert.Equal(b.Text("plaintext"), Encoding.UTF8.GetString(plaintext, 0, Math.Max(written, 0)));
    }

    // Binding the tag into the KEK is what stops one recipient from re-encrypting to another under the
    // sender's name (draft section 2.3): a KEK derived for any other tag must not unwrap the CEK.
    [Theory]
    [MemberData(nameof(AppendixBRecipients))]
    public void Appendix_b_encrypted_key_does_not_unwrap_with_a_kek_bound_to_another_tag(string kid)
    {
        var b = AppendixB;
        var r = Recipient(kid);
        byte[] otherTag = b.B64("tag");
        otherTag[0] ^= 0x01;
        byte[] kek = new byte[16];
        ConcatKdf.DeriveKey([.. r.Hex("ze"), .. r.Hex("zs")], b.Text("algorithmId"), b.Utf8("apu"), b.Utf8("apv"), otherTag, kek, includeTag: true);
        byte[] encryptedKey = r.B64("encryptedKey");

        Assert.False(AesKeyWrap.TryUnwrap(kek, encryptedKey, new byte[encryptedKey.Length - 8]));
    }

    [Fact]
    public void Appendix_b_content_encryption_reproduces_the_published_ciphertext_and_tag()
    {
        var b = AppendixB;
        Assert.True(ContentEncryptions.TryParse(b.Text("enc"), out var enc));
        byte[] plaintext = b.Utf8("plaintext");
        byte[] ciphertext = new byte[enc.CiphertextSize(plaintext.Length)];
        byte[] tag = new byte[enc.TagSize()];

        enc.Encrypt(b.Hex("cek"), b.B64("iv"), Encoding.ASCII.GetBytes(b.Text("protected")), plaintext, ciphertext, tag);

        Assert.Equal(b.Text("ciphertext"), Base64Url.EncodeToString(ciphertext));
        Assert.Equal(b.Text("tag"), Base64Url.EncodeToString(tag));
    }

    private static JsonElement Recipient(string kid)
    {
        foreach (var recipient in AppendixB.GetProperty("vectors").EnumerateArray())
        {
            if (recipient.Text("name") == kid)
            {
                return recipient;
            }
        }

        throw new KeyNotFoundException(kid);
    }

    private static byte[] DeriveKek(JsonElement b, byte[] ze, byte[] zs, bool includeTag)
    {
        byte[] kek = new byte[b.GetProperty("keyDataLenBits").GetInt32() / 8];
        ConcatKdf.DeriveKey([.. ze, .. zs], b.Text("algorithmId"), b.Utf8("apu"), b.Utf8("apv"), b.B64("tag"), kek, includeTag);
        return kek;
    }

    private static SecretJwk Secret(JsonElement parent, string property) =>
        SecretJwk.Parse(parent.GetProperty(property).GetRawText());

    private static string Hex(JsonElement parent, string property) => Convert.ToHexString(parent.Hex(property));

    private static string Agree(SecretJwk secret, PublicJwk publicKey) => Convert.ToHexString(AgreeBytes(secret, publicKey));

    private static byte[] AgreeBytes(SecretJwk secret, PublicJwk publicKey)
    {
        byte[] z = new byte[KeyAgreement.SecretSize(secret.Curve)];
        Assert.True(KeyAgreement.TryAgree(secret, publicKey, z), $"agreement on {secret.Curve} failed");
        return z;
    }
}
