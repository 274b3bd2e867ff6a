using System.Buffers.Text;

using Telex.Core.Security;

namespace Telex.Core.Protocol;

/// <summary>
/// A tie invitation: a DIDComm out-of-band/2.0 invitation from the inviter's DID, carrying the invitation id, a
/// one-time secret and its expiry. Given as a URL (<c>endpoint?_oob=…</c>) or as the bare code after <c>_oob=</c>.
/// </summary>
public sealed record InvitationCode(string Id, string InviterDid, string InviterName, string Secret, DateTimeOffset ExpiresAt)
{
    /// <summary>Longest code accepted (a did:peer:2 and a few fields fit well inside).</summary>
    public const int MaxLength = 8192;

    /// <summary>The inviter's endpoint, from its DID.</summary>
    public string Endpoint => DidPeer.TryResolve(InviterDid, out var doc, out _) && doc.Services.Count > 0 ? doc.Services[0].Uri : "";

    /// <summary>The bare code.</summary>
    public string Code
    {
        get
        {
            var message = new JsonObject
            {
                ["type"] = MessageTypes.OutOfBandInvitation,
                ["id"] = Id,
                ["from"] = InviterDid,
                ["body"] = new JsonObject
                {
                    ["goal_code"] = "telex.tie",
                    ["goal"] = $"Establish a tie with {InviterName}",
                    ["label"] = InviterName,
                    ["accept"] = new JsonArray("didcomm/v2"),
                    ["secret"] = Secret,
                    ["expires_time"] = ExpiresAt.ToUnixTimeSeconds(),
                },
            };
            return Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(message));
        }
    }

    /// <summary>The invitation URL at the inviter's endpoint.</summary>
    public string Url => $"{Endpoint}?_oob={Code}";

    /// <summary>Parses a URL or a bare code; false with a reason when malformed.</summary>
    public static bool TryParse(string text, out InvitationCode invitation, out string error)
    {
        invitation = null!;
        text = (text ?? "").Trim();
        int oob = text.IndexOf("_oob=", StringComparison.Ordinal);
        if (oob >= 0)
        {
            text = text[(oob + 5)..];
            int amp = text.IndexOf('&', StringComparison.Ordinal);
            text = amp >= 0 ? text[..amp] : text;
        }

        if (text.Length is 0 or > MaxLength)
        {
            error = "the invitation code is empty or too long";
            return false;
        }

        byte[] json;
        try
        {
            json = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            error = "the invitation code is not base64url";
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.StringMember("type") != MessageTypes.OutOfBandInvitation
                || !root.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.Object)
            {
                error = "not an out-of-band invitation";
                return false;
            }

            string? id = root.StringMember("id"), from = root.StringMember("from"), secret = body.StringMember("secret"), label = body.StringMember("label");
            if (id is null || from is null || secret is null || label is null || body.StringMember("goal_code") != "telex.tie"
                || !body.TryIntegerMember("expires_time", out long expires))
            {
                error = "the invitation lacks its id, inviter, inviter's name, secret, goal or expiry";
                return false;
            }

            if (expires is < MinUnixSeconds or > MaxUnixSeconds)
            {
                error = "the invitation's expiry is not a time";
                return false;
            }

            if (!DidPeer.TryResolve(from, out var inviter, out var didError) || inviter.Services.Count == 0)
            {
                error = $"the inviter's DID is not a did:peer:2 with an endpoint: {didError}";
                return false;
            }

            if (PeerEndpointPolicy.FormRefusal(inviter.Services[0].Uri) is { } refused)
            {
                error = $"the inviter's endpoint is no endpoint: {refused}";
                return false;
            }

            // The label is the inviter's own word, unsigned, and names the tie until the inviter's acceptance arrives. Every
            // Telex invitation carries one; without it the tie would be named by a DID no officer can read.
            if (PeerText.AgencyNameProblem(label) is { } badLabel)
            {
                error = "the inviter's name is refused: " + badLabel;
                return false;
            }

            invitation = new InvitationCode(id, from, label, secret, DateTimeOffset.FromUnixTimeSeconds(expires));
            error = "";
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string whose bytes are not UTF-8 (or that escapes a lone surrogate) parses but cannot be read.
            error = "the invitation code is not JSON";
            return false;
        }
    }

    // The range DateTimeOffset.FromUnixTimeSeconds accepts: years 1 to 9999.
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

}
