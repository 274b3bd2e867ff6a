using System.Text;
using System.Text.Json;

using Telex.DidComm.Dids;
using Telex.DidComm.Messages;

namespace Telex.DidComm.Tests.Packing;

/// <summary>Each limit of <see cref="DidCommLimits"/> is crossed once, and refused with its own kind.</summary>
public sealed class LimitTests
{
    private readonly DidResolver _dids = new();

    [Fact]
    public void A_message_over_the_size_limit_is_refused_before_parsing()
    {
        var bob = Party.Create(_dids);
        var packer = bob.WithLimits(new DidCommLimits { MaxMessageBytes = 1000 }, _dids);
        byte[] big = Encoding.UTF8.GetBytes("{\"id\":\"1\",\"type\":\"t\",\"body\":{\"x\":\"" + new string('a', 1000) + "\"}}");

        Assert.Equal(UnpackFailureKind.TooLarge, packer.Unpack(big).Failure?.Kind);
        Assert.True(bob.Packer.Unpack(big).Success);
    }

    [Fact]
    public void Json_nested_deeper_than_the_limit_is_refused_as_too_deep()
    {
        var bob = Party.Create(_dids);
        string deep = "{\"id\":\"1\",\"type\":\"t\",\"body\":" + string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70) + "}";

        Assert.Equal(UnpackFailureKind.TooDeep, bob.Packer.Unpack(Encoding.UTF8.GetBytes(deep)).Failure?.Kind);
        Assert.True(bob.WithLimits(new DidCommLimits { MaxJsonDepth = 128 }, _dids).Unpack(Encoding.UTF8.GetBytes(deep)).Success);
    }

    [Fact]
    public void Too_many_recipients_are_refused_before_any_key_agreement()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var packed = alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), new PackEncryptedOptions { To = bob.Did });
        var root = JsonDocument.Parse(packed.Packed).RootElement;
        var recipients = Enumerable.Repeat(root.GetProperty("recipients")[0], 65).ToArray();
        var inflated = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @protected = root.GetProperty("protected"),
            recipients,
            iv = root.GetProperty("iv"),
            ciphertext = root.GetProperty("ciphertext"),
            tag = root.GetProperty("tag"),
        });

        Assert.Equal(UnpackFailureKind.TooLarge, bob.Packer.Unpack(inflated).Failure?.Kind);
    }

    [Fact]
    public void Too_many_attachments_are_refused()
    {
        var bob = Party.Create(_dids);
        var message = new Message
        {
            Id = "1",
            Type = "t",
            Body = Message.EmptyBody,
            Attachments = Enumerable.Range(0, 5).Select(i => new Attachment { Id = $"a{i}", Data = new AttachmentData { Base64 = "QQ" } }).ToArray(),
        };
        byte[] plaintext = DidCommPacker.PackPlaintext(message);

        Assert.Equal(UnpackFailureKind.TooLarge, bob.WithLimits(new DidCommLimits { MaxAttachments = 4 }, _dids).Unpack(plaintext).Failure?.Kind);
        Assert.True(bob.WithLimits(new DidCommLimits { MaxAttachments = 5 }, _dids).Unpack(plaintext).Success);
    }

    [Fact]
    public void By_default_128_attachments_are_accepted_and_129_refused()
    {
        // docs/SECURITY.md states the default: 128 attachments per message.
        Assert.Equal(128, DidCommLimits.Default.MaxAttachments);
        var bob = Party.Create(_dids);

        Assert.True(bob.Packer.Unpack(WithAttachments(128)).Success);
        Assert.Equal(UnpackFailureKind.TooLarge, bob.Packer.Unpack(WithAttachments(129)).Failure?.Kind);
    }

    private static byte[] WithAttachments(int count) => DidCommPacker.PackPlaintext(new Message
    {
        Id = "1",
        Type = "t",
        Body = Message.EmptyBody,
        Attachments = Enumerable.Range(0, count).Select(i => new Attachment { Id = $"a{i}", Data = new AttachmentData { Base64 = "QQ" } }).ToArray(),
    });

    [Fact]
    public void Envelopes_nested_past_the_layer_limit_are_refused_as_too_deep()
    {
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var packed = alice.Packer.PackEncrypted(TestMessages.Telegram(alice.Did, bob.Did), new PackEncryptedOptions { To = bob.Did, From = alice.Did, SignBy = alice.Did, ProtectSender = true });

        // anoncrypt → authcrypt → signed → plaintext is four layers.
        Assert.Equal(UnpackFailureKind.TooDeep, bob.WithLimits(new DidCommLimits { MaxLayers = 3 }, _dids).Unpack(packed.Packed).Failure?.Kind);
        Assert.True(bob.WithLimits(new DidCommLimits { MaxLayers = 4 }, _dids).Unpack(packed.Packed).Success);
    }

    [Fact]
    public void By_default_eight_envelope_layers_are_accepted_and_nine_refused()
    {
        // docs/SECURITY.md states the default: 8 layers. Each forward to the recipient itself (which it unwraps in
        // place) adds two: its anoncrypt and its plaintext.
        Assert.Equal(8, DidCommLimits.Default.MaxLayers);
        var alice = Party.Create(_dids);
        var bob = Party.Create(_dids);
        var message = TestMessages.Telegram(alice.Did, bob.Did);
        byte[] four = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, From = alice.Did, SignBy = alice.Did, ProtectSender = true }).Packed;
        byte[] three = alice.Packer.PackEncrypted(message, new PackEncryptedOptions { To = bob.Did, SignBy = alice.Did }).Packed;

        var eight = bob.Packer.Unpack(alice.Packer.WrapInForward(four, bob.Did, [bob.Did, bob.Did]));
        var nine = bob.Packer.Unpack(alice.Packer.WrapInForward(three, bob.Did, [bob.Did, bob.Did, bob.Did]));

        Assert.True(eight.Success, eight.Failure?.ToString());
        Assert.Equal(message.Id, eight.Message!.Id);
        Assert.Equal(UnpackFailureKind.TooDeep, nine.Failure?.Kind);
        Assert.True(bob.WithLimits(new DidCommLimits { MaxLayers = 9 }, _dids).Unpack(alice.Packer.WrapInForward(three, bob.Did, [bob.Did, bob.Did, bob.Did])).Success);
    }
}
