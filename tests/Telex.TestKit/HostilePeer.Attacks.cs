using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Messages;

namespace Telex.TestKit;

/// <summary>Messages an attacker builds by hand: forged signatures, downgraded protection, forged receipts, forwards.</summary>
public sealed partial class HostilePeer
{
    /// <summary>
    /// A JWS over <paramref name="message"/> signed with <paramref name="signer"/>'s key, naming <paramref name="kid"/> as
    /// the key: the message may claim any <c>from</c>, which no honest packer would allow.
    /// </summary>
    public static byte[] SignAs(Message message, HostilePeer signer, string kid)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(signer);

        // A general JSON JWS (RFC 7515 §7.2.1) written by hand with the signer's Ed25519 key.
        string header = Base64Url.EncodeToString("{\"typ\":\"application/didcomm-signed+json\",\"alg\":\"EdDSA\"}"u8);
        string payload = Base64Url.EncodeToString(message.ToUtf8Json());
        using var jwk = JsonDocument.Parse(signer.Identity.Signing.ExportPrivateJson());
        byte[] d = Base64Url.DecodeFromChars(jwk.RootElement.GetProperty("d").GetString());
        using var key = NSec.Cryptography.Key.Import(NSec.Cryptography.SignatureAlgorithm.Ed25519, d, NSec.Cryptography.KeyBlobFormat.RawPrivateKey);
        byte[] signature = NSec.Cryptography.SignatureAlgorithm.Ed25519.Sign(key, Encoding.ASCII.GetBytes(header + "." + payload));
        var jws = new JsonObject
        {
            ["payload"] = payload,
            ["signatures"] = new JsonArray(new JsonObject
            {
                ["protected"] = header,
                ["signature"] = Base64Url.EncodeToString(signature),
                ["header"] = new JsonObject { ["kid"] = kid },
            }),
        };
        return Encoding.UTF8.GetBytes(jws.ToJsonString());
    }

    /// <summary>Anoncrypts a message to <paramref name="to"/> without signing it (no proof of who sent it).</summary>
    public byte[] AnoncryptOnly(Message message, string to) => Packer.PackEncrypted(message, new PackEncryptedOptions { To = to }).Packed;

    /// <summary>Authcrypts a message from this peer to <paramref name="to"/> without signing it (repudiable).</summary>
    public byte[] AuthcryptOnly(Message message, string to) => Packer.PackEncrypted(message, new PackEncryptedOptions { To = to, From = Did }).Packed;

    /// <summary>A receipt from this peer naming one telegram, its content hash and a registry number.</summary>
    public Message Receipt(string to, Guid telegram, string contentHash, long registryNumber) =>
        Message(MessageTypes.Receipt, to, new JsonObject
        {
            ["receipts"] = new JsonArray(new JsonObject
            {
                ["telegram"] = telegram.ToString(),
                ["content_hash"] = contentHash,
                ["registry_number"] = registryNumber,
                ["received_time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            }),
        });

    /// <summary>
    /// A routing/2.0 forward from this peer asking <paramref name="relay"/> to pass <paramref name="inner"/> (an encrypted
    /// message) on to <paramref name="next"/>, signed and encrypted as Telex requires.
    /// </summary>
    public byte[] Forward(string relay, string next, byte[] inner)
    {
        using var attached = JsonDocument.Parse(inner);
        var forward = Message(DidCommPacker.ForwardType, relay, new JsonObject { ["next"] = next }) with
        {
            Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
        };
        return SignAndEncrypt(forward, relay);
    }

    /// <summary>
    /// A telegram from this peer that claims to have come through <paramref name="relay"/> (its signed
    /// <c>relay_path</c>) and names its sender <paramref name="senderName"/>.
    /// </summary>
    public Message RelayedTelegram(string to, long serial, string relay, string senderName) =>
        Message(MessageTypes.Telegram, to, new JsonObject
        {
            ["serial"] = serial,
            ["subject"] = "Relayed " + serial,
            ["text"] = "Through a relay, it says.",
            ["precedence"] = "routine",
            ["sender_name"] = senderName,
            ["relay_path"] = new JsonArray(relay),
        });

    /// <summary>
    /// What a relay sends the next hop, built by this peer acting as the relay: its own message to <paramref name="to"/>
    /// naming <paramref name="origin"/> as the agency it relays from and carrying <paramref name="inner"/> (an encrypted
    /// message), signed and encrypted as Telex requires. The origin may be any DID the peer chooses.
    /// </summary>
    public byte[] RelayDelivery(string to, string origin, byte[] inner)
    {
        using var attached = JsonDocument.Parse(inner);
        var delivery = Message(MessageTypes.RelayDelivery, to, new JsonObject { ["origin"] = origin }) with
        {
            Attachments = [new Attachment { Data = new AttachmentData { Json = attached.RootElement.Clone() } }],
        };
        return SignAndEncrypt(delivery, to);
    }

    /// <summary>A copy of a packed message with one character of its (first) ciphertext changed.</summary>
    public static byte[] Tamper(byte[] packed)
    {
        ArgumentNullException.ThrowIfNull(packed);
        byte[] copy = (byte[])packed.Clone();
        string text = System.Text.Encoding.UTF8.GetString(copy);
        int at = text.IndexOf("\"ciphertext\":\"", StringComparison.Ordinal);
        if (at < 0)
        {
            throw new ArgumentException("not an encrypted message", nameof(packed));
        }

        at += 20;
        copy[at] = (byte)(copy[at] == 'A' ? 'B' : 'A');
        return copy;
    }
}
