using Telex.DidComm.Crypto;

namespace Telex.DidComm.Tests.Rfc;

/// <summary>RFC 3394 section 4: the six published wraps, and the integrity check that guards unwrapping.</summary>
public sealed class AesKeyWrapVectorTests
{
    private const string VectorFile = "aes-key-wrap.json";

    public static TheoryData<string> Sections => RfcVectors.Names(VectorFile);

    [Theory]
    [MemberData(nameof(Sections))]
    public void Key_wrap_matches_rfc3394_section(string section)
    {
        var v = RfcVectors.Vector(VectorFile, section);

        byte[] wrapped = AesKeyWrap.Wrap(v.Hex("kek"), v.Hex("keyData"));

        Assert.Equal(Convert.ToHexString(v.Hex("ciphertext")), Convert.ToHexString(wrapped));
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Key_unwrap_recovers_the_key_data_of_rfc3394_section(string section)
    {
        var v = RfcVectors.Vector(VectorFile, section);
        byte[] ciphertext = v.Hex("ciphertext");
        byte[] keyData = new byte[ciphertext.Length - 8];

        Assert.True(AesKeyWrap.TryUnwrap(v.Hex("kek"), ciphertext, keyData));
        Assert.Equal(Convert.ToHexString(v.Hex("keyData")), Convert.ToHexString(keyData));
    }

    // Every octet, the integrity register A as well as the wrapped key data, must be covered by the check.
    [Theory]
    [MemberData(nameof(Sections))]
    public void Key_unwrap_refuses_the_rfc3394_ciphertext_with_any_byte_flipped(string section)
    {
        var v = RfcVectors.Vector(VectorFile, section);
        byte[] kek = v.Hex("kek");
        byte[] ciphertext = v.Hex("ciphertext");

        for (int i = 0; i < ciphertext.Length; i++)
        {
            byte[] tampered = (byte[])ciphertext.Clone();
            tampered[i] ^= 0x01;
            byte[] keyData = new byte[ciphertext.Length - 8];
            keyData.AsSpan().Fill(0xEE);

            Assert.False(AesKeyWrap.TryUnwrap(kek, tampered, keyData), $"byte {i} flipped was accepted");
            Assert.All(keyData, b => Assert.Equal(0, b));
        }
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void Key_unwrap_refuses_the_rfc3394_ciphertext_under_another_kek(string section)
    {
        var v = RfcVectors.Vector(VectorFile, section);
        byte[] kek = v.Hex("kek");
        kek[^1] ^= 0x80;
        byte[] ciphertext = v.Hex("ciphertext");

        Assert.False(AesKeyWrap.TryUnwrap(kek, ciphertext, new byte[ciphertext.Length - 8]));
    }

    [Fact]
    public void Key_unwrap_refuses_a_truncated_or_misaligned_ciphertext()
    {
        var v = RfcVectors.Vector(VectorFile, "4.1");
        byte[] kek = v.Hex("kek");
        byte[] ciphertext = v.Hex("ciphertext");

        Assert.False(AesKeyWrap.TryUnwrap(kek, ciphertext.AsSpan(0, 16), new byte[8]));
        Assert.False(AesKeyWrap.TryUnwrap(kek, ciphertext.AsSpan(0, 23), new byte[15]));
        Assert.False(AesKeyWrap.TryUnwrap(kek, ciphertext, new byte[ciphertext.Length]));
    }
}
