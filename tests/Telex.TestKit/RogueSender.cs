using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Identity;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;

namespace Telex.TestKit;

/// <summary>
/// Messages built by hand and signed with a real agency's own keys: what a modified or compromised agency could send
/// over its established ties, past the checks its own code makes before release. The identity stays the agency's
/// (nothing here disposes it).
/// </summary>
public sealed class RogueSender(AgencyIdentity identity)
{
    /// <summary>A packer holding the agency's secrets, as its own outbox signs and encrypts.</summary>
    public DidCommPacker Packer { get; } = new(new DidResolver(), identity.Secrets);

    /// <summary>The agency's DID.</summary>
    public string Did => identity.Did;

    /// <summary>A telegram from the agency to <paramref name="to"/> with the given serial, text and attachments.</summary>
    public Message Telegram(string to, long serial, string text, params Attachment[] attachments) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Type = MessageTypes.Telegram,
        From = identity.Did,
        To = [to],
        CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ExpiresTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        Body = JsonSerializer.SerializeToElement(new JsonObject
        {
            ["serial"] = serial,
            ["subject"] = "By hand " + serial,
            ["text"] = text,
            ["precedence"] = "routine",
        }),
        Attachments = attachments.Length == 0 ? null : attachments,
    };

    /// <summary>
    /// A control message (tie acceptance, status, terms...) of <paramref name="type"/> from the agency to
    /// <paramref name="to"/> with <paramref name="body"/>, whatever the tie's state allows the agency's own code to send.
    /// </summary>
    public Message Control(string type, string to, JsonObject body) => new()
    {
        Id = Guid.NewGuid().ToString(),
        Type = type,
        From = identity.Did,
        To = [to],
        CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ExpiresTime = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        Body = JsonSerializer.SerializeToElement(body),
    };

    /// <summary><paramref name="telegram"/> with <paramref name="name"/> set to <paramref name="value"/> in its body.</summary>
    public static Message WithBody(Message telegram, string name, JsonNode? value)
    {
        var body = JsonNode.Parse(telegram.Body.GetRawText())!.AsObject();
        body[name] = value;
        return telegram with { Body = JsonSerializer.SerializeToElement(body) };
    }

    /// <summary>An inline attachment of <paramref name="content"/>.</summary>
    public static Attachment Inline(string name, byte[] content) => new()
    {
        Id = name,
        Filename = name,
        MediaType = "application/octet-stream",
        Data = new AttachmentData { Base64 = Convert.ToBase64String(content) },
    };

    /// <summary>Signs with the agency's key and anoncrypts to <paramref name="to"/>.</summary>
    public byte[] SignAndEncrypt(Message message, string to) => Packer.PackEncryptedPayload(Packer.PackSigned(message, identity.Did).Packed, new PackEncryptedOptions { To = to }).Packed;
}
