using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Jose;

namespace Telex.DidComm.Tests.Packing;

/// <summary>
/// How unpack reads members: in place as UTF-8 when they have no JSON escapes, through the unescaped value when
/// they do; key ids and DIDs kept once per packer; and the per-thread crypto objects shared safely.
/// </summary>
public sealed class WireReadingTests
{
    private readonly DidResolver _dids = new();

    // Writes the first character of a string member's value as a \u escape: the same JSON value, other bytes.
    private static byte[] EscapeFirstCharacter(byte[] json, string member)
    {
        string text = Encoding.UTF8.GetString(json);
        var pattern = new Regex($"\"{Regex.Escape(member)}\":\"(.)");
        Assert.Matches(pattern, text);
        string escaped = pattern.Replace(text, m => $"\"{member}\":\"\\u{(int)m.Groups[1].Value[0]:x4}");
        return Encoding.UTF8.GetBytes(escaped);
    }

    [Theory]
    [InlineData("iv")]
    [InlineData("tag")]
    [InlineData("encrypted_key")]
    [InlineData("kid")]
    public void A_JWE_member_written_with_escapes_is_read_as_its_value(string member)
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);
        byte[] packed = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did, Forward = false }).Packed;

        var result = bob.Packer.Unpack(EscapeFirstCharacter(packed, member));

        Assert.True(result.Success, result.Failure?.ToString());
        Assert.Equal(message.Id, result.Message.Id);
        Assert.Equal([bob.Did + "#key-1"], result.Metadata.EncryptedToKids);
    }

    [Theory]
    [InlineData("signature")]
    [InlineData("kid")]
    public void A_JWS_member_written_with_escapes_is_read_as_its_value(string member)
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);
        byte[] packed = alice.Packer.PackSigned(message, alice.Did).Packed;

        var result = bob.Packer.Unpack(EscapeFirstCharacter(packed, member));

        Assert.True(result.Success, result.Failure?.ToString());
        Assert.Equal(alice.Did + "#key-2", result.Metadata.SignFrom);
    }

    [Fact]
    public void An_escaped_character_outside_base64url_is_still_refused()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        byte[] packed = alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), new PackEncryptedOptions { To = bob.Did, Forward = false }).Packed;
        string text = Encoding.UTF8.GetString(packed);
        string bad = Regex.Replace(text, "\"iv\":\"(.)", "\"iv\":\"\\u002b");

        var result = bob.Packer.Unpack(Encoding.UTF8.GetBytes(bad));

        Assert.False(result.Success);
        Assert.Equal(UnpackFailureKind.Malformed, result.Failure.Kind);
    }

    [Fact]
    public void An_apv_that_does_not_match_the_recipients_is_refused_also_after_the_kid_was_seen()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var options = new PackEncryptedOptions { To = bob.Did, Forward = false };
        byte[] Pack() => alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), options).Packed;
        Assert.True(bob.Packer.Unpack(Pack()).Success);

        var jwe = System.Text.Json.Nodes.JsonNode.Parse(Pack())!.AsObject();
        var header = System.Text.Json.Nodes.JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars((string)jwe["protected"]!))!.AsObject();
        header["apv"] = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(bob.Did + "#key-9")));
        jwe["protected"] = System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()));

        var result = bob.Packer.Unpack(Encoding.UTF8.GetBytes(jwe.ToJsonString()));

        Assert.False(result.Success);
        Assert.Equal(UnpackFailureKind.Malformed, result.Failure.Kind);
        Assert.Contains("apv", result.Failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Key_ids_and_DIDs_seen_again_are_the_same_string_instances()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var options = new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did, Forward = false };

        var first = bob.Packer.Unpack(alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), options).Packed);
        var second = bob.Packer.Unpack(alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), options).Packed);

        Assert.True(first.Success && second.Success);
        Assert.Same(first.Metadata.EncryptedToKids![0], second.Metadata.EncryptedToKids![0]);
        Assert.Same(first.Metadata.SignFrom, second.Metadata.SignFrom);
        Assert.Same(first.Message.From, second.Message.From);
        Assert.Same(first.Message.To![0], second.Message.To![0]);
        Assert.Equal(alice.Did, second.Message.From);
    }

    [Fact]
    public void The_name_cache_starts_over_when_full_so_names_in_use_are_kept_again_after_a_flood()
    {
        var names = new NameCache(capacity: 2);

        string a1 = names.Get("did:example:alice"u8);
        Assert.Same(a1, names.Get("did:example:alice"u8));
        Assert.Same(a1, names.DidOf("did:example:alice#key-1"));
        names.Get("did:example:bob"u8);
        Assert.Equal(2, names.KeptNames);

        // A third name overflows the cache: it starts over, and whatever is used next is kept again.
        names.Get("did:example:carol"u8);
        Assert.True(names.KeptNames <= 2);
        string a2 = names.Get("did:example:alice"u8);
        Assert.Equal(a1, a2);
        Assert.Same(a2, names.Get("did:example:alice"u8));
    }

    [Fact]
    public void The_name_cache_never_keeps_a_long_name_nor_the_apv_of_a_long_kid()
    {
        var names = new NameCache(capacity: 100);
        string kid = "did:example:" + new string('x', 5000) + "#key-1";
        byte[] utf8 = Encoding.UTF8.GetBytes(kid);

        string first = names.Get(utf8);
        Assert.Equal(kid, first);
        Assert.NotSame(first, names.Get(utf8));
        Assert.True(names.ApvOf(kid).SequenceEqual(Jwe.ApvBytes([kid])));
        Assert.Equal(0, names.KeptNames);
        Assert.Equal(0, names.KeptApvs);

        names.ApvOf("did:example:alice#key-1");
        Assert.Equal(1, names.KeptApvs);
    }

    [Fact]
    public void Key_wrap_and_content_encryption_give_right_results_from_many_threads_at_once()
    {
        int failures = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            byte[] kek = RandomNumberGenerator.GetBytes(32);
            byte[] cek = RandomNumberGenerator.GetBytes(i % 2 == 0 ? 32 : 64);
            byte[] wrapped = AesKeyWrap.Wrap(kek, cek);
            byte[] unwrapped = new byte[cek.Length];
            bool ok = AesKeyWrap.TryUnwrap(kek, wrapped, unwrapped) && unwrapped.AsSpan().SequenceEqual(cek);

            var enc = ContentEncryption.A256CbcHs512;
            byte[] key = RandomNumberGenerator.GetBytes(enc.KeySize());
            byte[] iv = RandomNumberGenerator.GetBytes(enc.IvSize());
            byte[] plaintext = Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture));
            byte[] ciphertext = new byte[enc.CiphertextSize(plaintext.Length)];
            byte[] tag = new byte[enc.TagSize()];
            enc.Encrypt(key, iv, "aad"u8, plaintext, ciphertext, tag);
            byte[] decrypted = new byte[ciphertext.Length];
            int length = enc.Decrypt(key, iv, "aad"u8, ciphertext, tag, decrypted);
            ok &= length == plaintext.Length && decrypted.AsSpan(0, length).SequenceEqual(plaintext);
            if (!ok)
            {
                Interlocked.Increment(ref failures);
            }
        });

        Assert.Equal(0, failures);
    }
}
