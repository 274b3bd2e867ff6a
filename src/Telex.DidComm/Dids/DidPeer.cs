using System.Text;

namespace Telex.DidComm.Dids;

/// <summary>
/// <c>did:peer</c> numalgo 2: the DID carries its keys (<c>.V</c> authentication, <c>.E</c> key agreement, as
/// multikeys) and its services (<c>.S</c>, abbreviated JSON in base64url). Key ids are <c>#key-1</c>,
/// <c>#key-2</c>, … in the order the keys appear; services are <c>#service</c>, <c>#service-1</c>, ….
/// </summary>
public static class DidPeer
{
    /// <summary>The method prefix.</summary>
    public const string Prefix = "did:peer:2";

    /// <summary>Longest DID accepted when resolving (a peer DID with a few keys and one service is well under 1 KB).</summary>
    public const int MaxLength = 4096;

    /// <summary>Creates a <c>did:peer:2</c> from authentication keys, key-agreement keys and one optional service.</summary>
    public static string Create(IEnumerable<PublicJwk> authentication, IEnumerable<PublicJwk> keyAgreement,
        string? serviceEndpoint = null, IReadOnlyList<string>? routingKeys = null, IReadOnlyList<string>? accept = null)
    {
        ArgumentNullException.ThrowIfNull(authentication);
        ArgumentNullException.ThrowIfNull(keyAgreement);
        var sb = new StringBuilder(Prefix);
        foreach (var k in keyAgreement)
        {
            if (!k.Curve.CanAgree())
            {
                throw new ArgumentException($"{k.Curve.JwkName()} cannot be a key-agreement key");
            }

            sb.Append(".E").Append(Multikey.Encode(k));
        }

        foreach (var k in authentication)
        {
            if (!k.Curve.CanSign())
            {
                throw new ArgumentException($"{k.Curve.JwkName()} cannot be an authentication key");
            }

            sb.Append(".V").Append(Multikey.Encode(k));
        }

        if (serviceEndpoint is not null)
        {
            using var buffer = new Jose.PooledBufferWriter();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("t", "dm");
                w.WriteStartObject("s");
                w.WriteString("uri", serviceEndpoint);
                w.WriteStartArray("a");
                foreach (var a in accept ?? ["didcomm/v2"])
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
                if (routingKeys is { Count: > 0 })
                {
                    w.WriteStartArray("r");
                    foreach (var r in routingKeys)
                    {
                        w.WriteStringValue(r);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
                w.WriteEndObject();
            }

            sb.Append(".S").Append(Base64Url.EncodeToString(buffer.WrittenSpan));
        }

        return sb.ToString();
    }

    /// <summary>Resolves a <c>did:peer:2</c> into its document; false with a reason when malformed.</summary>
    public static bool TryResolve(string did, out DidDocument document, out string error)
    {
        document = null!;
        if (did is null || !did.StartsWith(Prefix + ".", StringComparison.Ordinal) || did.Length > MaxLength)
        {
            error = "not a did:peer:2";
            return false;
        }

        var methods = new List<VerificationMethod>();
        var auth = new List<string>();
        var agreement = new List<string>();
        var services = new List<DidCommService>();
        foreach (var part in did[(Prefix.Length + 1)..].Split('.'))
        {
            if (part.Length < 2)
            {
                error = "empty did:peer:2 element";
                return false;
            }

            char purpose = part[0];
            string value = part[1..];
            if (purpose == 'S')
            {
                if (!TryDecodeService(did, value, services.Count, out var service))
                {
                    error = "malformed did:peer:2 service";
                    return false;
                }

                services.Add(service);
                continue;
            }

            string kid = $"{did}#key-{methods.Count + 1}";
            if (!Multikey.TryDecode(value, kid, out var key, out error))
            {
                return false;
            }

            switch (purpose)
            {
                case 'E' when key.Curve.CanAgree():
                    agreement.Add(kid);
                    break;
                case 'V' when key.Curve.CanSign():
                    auth.Add(kid);
                    break;
                case 'A' or 'I' or 'D':
                    break;
                default:
                    error = $"did:peer:2 purpose '{purpose}' does not fit a {key.Curve.JwkName()} key";
                    return false;
            }

            methods.Add(new VerificationMethod(kid, "Multikey", did, key));
        }

        document = new DidDocument(did, methods, auth, agreement, services);
        error = "";
        return true;
    }

    private static bool TryDecodeService(string did, string encoded, int index, out DidCommService service)
    {
        service = null!;
        if (!Jose.B64.TryDecode(encoded.TrimEnd('='), out var json))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 8 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            string type = Jose.Json.GetString(root, "t") ?? Jose.Json.GetString(root, "type") ?? "";
            if (type is not ("dm" or "DIDCommMessaging"))
            {
                return false;
            }

            return DidDocument.TryParseService(did, root, index, out service);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string whose bytes are not UTF-8 (or that escapes a lone surrogate) parses but cannot be read.
            return false;
        }
    }
}
