using System.Text.Json;
using System.Text.Json.Nodes;

using CsCheck;

using Telex.DidComm.Crypto;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;

namespace Telex.DidComm.Tests.Properties;

/// <summary>Properties over random messages: pack then unpack is the identity; any changed byte is refused.</summary>
public sealed class PackProperties
{
    private static readonly DidResolver Dids = new();
    private static readonly Party Alice = Party.Create(Dids);
    private static readonly Party Bob = Party.Create(Dids);

    public enum Mode
    {
        SignedOnly,
        AnonCbc,
        AnonGcm,
        AnonXc20p,
        Auth,
        SignedAnon,
        ProtectSender,
    }

    private static readonly Gen<string> Text = Gen.String[Gen.OneOf(Gen.Char[' ', '~'], Gen.Char['\u00a0', '\ud7ff']), 0, 400];

    private static readonly Gen<Message> Messages =
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 36], Text, Gen.Long[0, 4_000_000_000], Gen.Int[0, 3], Text)
            .Select((id, text, time, attachments, subject) => new Message
            {
                Id = id,
                Type = "https://telex.example/protocols/telegram/1.0/telegram",
                From = Alice.Did,
                To = [Bob.Did],
                CreatedTime = time,
                Thid = subject.Length > 0 ? subject : null,
                Body = JsonSerializer.SerializeToElement(new { subject, text, n = time }),
                Attachments = attachments == 0
                    ? null
                    : Enumerable.Range(0, attachments).Select(i => new Attachment { Id = $"a{i}", Data = new AttachmentData { Json = JsonSerializer.SerializeToElement(new { text }) } }).ToArray(),
            });

    private static byte[] Pack(Message m, Mode mode) => mode switch
    {
        Mode.SignedOnly => Alice.Packer.PackSigned(m, Alice.Did).Packed,
        Mode.AnonCbc => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, AnonEncryption = ContentEncryption.A256CbcHs512 }).Packed,
        Mode.AnonGcm => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, AnonEncryption = ContentEncryption.A256Gcm }).Packed,
        Mode.AnonXc20p => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, AnonEncryption = ContentEncryption.XC20P }).Packed,
        Mode.Auth => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, From = Alice.Did }).Packed,
        Mode.SignedAnon => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, SignBy = Alice.Did }).Packed,
        _ => Alice.Packer.PackEncrypted(m, new PackEncryptedOptions { To = Bob.Did, From = Alice.Did, SignBy = Alice.Did, ProtectSender = true }).Packed,
    };

    [Fact]
    public void Pack_then_unpack_is_the_identity_for_random_messages_in_every_mode()
    {
        Gen.Select(Messages, Gen.Enum<Mode>()).Sample((message, mode) =>
        {
            var result = Bob.Packer.Unpack(Pack(message, mode));
            return result.Success && JsonNode.DeepEquals(JsonNode.Parse(message.ToJson()), JsonNode.Parse(result.Message.ToJson()));
        }, iter: 300);
    }

    [Fact]
    public void Flipping_any_byte_of_a_packed_message_is_refused()
    {
        var packedByMode = Enum.GetValues<Mode>().ToDictionary(m => m, m => Pack(TestMessages.Telegram(Alice.Did, Bob.Did), m));
        Gen.Select(Gen.Enum<Mode>(), Gen.Double[0, 1], Gen.Byte[1, 255]).Sample((mode, where, mask) =>
        {
            byte[] packed = (byte[])packedByMode[mode].Clone();
            packed[(int)(where * (packed.Length - 1))] ^= mask;
            return !Bob.Packer.Unpack(packed).Success;
        }, iter: 2000);
    }

    [Fact]
    public void Random_bytes_never_throw_out_of_unpack()
    {
        Gen.Byte.Array[0, 600].Sample(bytes => !Bob.Packer.Unpack(bytes).Success, iter: 2000);
    }
}
