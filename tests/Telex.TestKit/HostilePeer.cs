using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Identity;
using Telex.Core.Protocol;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Messages;

namespace Telex.TestKit;

/// <summary>
/// A peer with its own identity and no server, that builds messages by hand and posts raw bytes: for testing how
/// an agency treats strangers, forgeries, tampering and replays.
/// </summary>
public sealed partial class HostilePeer : IDisposable
{
    private static readonly HttpClient Http = new();

    private HostilePeer(AgencyIdentity identity)
    {
        Identity = identity;
        Packer = new DidCommPacker(new DidResolver(), identity.Secrets);
    }

    /// <summary>The identity (its endpoint is a closed loopback port).</summary>
    public AgencyIdentity Identity { get; }

    /// <summary>A packer holding this peer's secrets.</summary>
    public DidCommPacker Packer { get; }

    /// <summary>The DID.</summary>
    public string Did => Identity.Did;

    /// <summary>Creates a peer whose DID names <paramref name="endpoint"/> (by default a closed loopback port).</summary>
    public static HostilePeer Create(string name = "Mallory", string endpoint = "http://127.0.0.1:9/didcomm") => new(AgencyIdentity.Create(name, endpoint));

    /// <summary>A signed and encrypted tie request using an invitation's id and secret.</summary>
    public byte[] TieRequest(InvitationCode invitation)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        var message = Message(MessageTypes.TieRequest, invitation.InviterDid, new JsonObject
        {
            ["invitation"] = invitation.Id,
            ["secret"] = invitation.Secret,
            ["name"] = Identity.Name,
        });
        return SignAndEncrypt(message, invitation.InviterDid);
    }

    /// <summary>A telegram message from this peer with the given serial.</summary>
    public Message Telegram(string to, long serial, Guid? id = null, string text = "Nothing to see here.", DateTimeOffset? expires = null) =>
        Message(MessageTypes.Telegram, to, new JsonObject
        {
            ["serial"] = serial,
            ["subject"] = "Hostile " + serial,
            ["text"] = text,
            ["precedence"] = "flash",
        }, id, expires);

    /// <summary>Builds a plaintext message from this peer.</summary>
    public Message Message(string type, string to, JsonObject body, Guid? id = null, DateTimeOffset? expires = null) => new()
    {
        Id = (id ?? Guid.NewGuid()).ToString(),
        Type = type,
        From = Did,
        To = [to],
        CreatedTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        ExpiresTime = (expires ?? DateTimeOffset.UtcNow.AddHours(1)).ToUnixTimeSeconds(),
        Body = JsonSerializer.SerializeToElement(body),
    };

    /// <summary>Signs with this peer's key and anoncrypts to <paramref name="to"/>.</summary>
    public byte[] SignAndEncrypt(Message message, string to) =>
        Packer.PackEncryptedPayload(Packer.PackSigned(message, Did).Packed, new PackEncryptedOptions { To = to }).Packed;

    /// <summary>Posts raw bytes to an agency's federation endpoint; returns the status and the problem code, if any.</summary>
    public static async Task<(int Status, string? Code)> PostAsync(string endpoint, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/didcomm-encrypted+json");
        using var response = await Http.PostAsync(new Uri(endpoint), content).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        string? code = null;
        if (text.Length > 0 && text.TrimStart().StartsWith('{'))
        {
            using var doc = JsonDocument.Parse(text);
            code = doc.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        }

        return ((int)response.StatusCode, code);
    }

    /// <inheritdoc/>
    public void Dispose() => Identity.Dispose();
}
