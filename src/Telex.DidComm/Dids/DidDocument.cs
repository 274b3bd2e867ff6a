using Telex.DidComm.Jose;

namespace Telex.DidComm.Dids;

/// <summary>A verification method of a DID document, with its key as a JWK.</summary>
/// <param name="Id">The absolute key id (<c>did#fragment</c>).</param>
/// <param name="Type">The method type as written (<c>JsonWebKey2020</c>, <c>Multikey</c>, …).</param>
/// <param name="Controller">The controller DID.</param>
/// <param name="Key">The public key; its <see cref="PublicJwk.Kid"/> is <paramref name="Id"/>.</param>
public sealed record VerificationMethod(string Id, string Type, string Controller, PublicJwk Key);

/// <summary>A <c>DIDCommMessaging</c> service entry.</summary>
/// <param name="Id">The service id.</param>
/// <param name="Uri">The endpoint: a URL, or a DID whose own service is to be used (a mediator).</param>
/// <param name="Accept">Accepted media profiles, e.g. <c>didcomm/v2</c>.</param>
/// <param name="RoutingKeys">Key ids (or DIDs) of mediators, first hop first.</param>
public sealed record DidCommService(string Id, string Uri, IReadOnlyList<string> Accept, IReadOnlyList<string> RoutingKeys);

/// <summary>The parts of a DID document that DIDComm uses.</summary>
public sealed class DidDocument
{
    /// <summary>Creates a document; key ids in <paramref name="authentication"/> and <paramref name="keyAgreement"/> are absolute.</summary>
    public DidDocument(string id, IReadOnlyList<VerificationMethod> verificationMethods, IReadOnlyList<string> authentication,
        IReadOnlyList<string> keyAgreement, IReadOnlyList<DidCommService> services)
    {
        Id = id;
        VerificationMethods = verificationMethods;
        Authentication = authentication;
        KeyAgreement = keyAgreement;
        Services = services;
    }

    /// <summary>The DID.</summary>
    public string Id { get; }

    /// <summary>Every verification method, embedded or listed.</summary>
    public IReadOnlyList<VerificationMethod> VerificationMethods { get; }

    /// <summary>Key ids that may sign (JWS, <c>from_prior</c>).</summary>
    public IReadOnlyList<string> Authentication { get; }

    /// <summary>Key ids that may be used for key agreement (JWE).</summary>
    public IReadOnlyList<string> KeyAgreement { get; }

    /// <summary>DIDComm messaging services.</summary>
    public IReadOnlyList<DidCommService> Services { get; }

    /// <summary>Finds a verification method by absolute or relative (<c>#frag</c>) id.</summary>
    public VerificationMethod? FindMethod(string kid)
    {
        string absolute = kid.StartsWith('#') ? Id + kid : kid;
        foreach (var m in VerificationMethods)
        {
            if (m.Id == absolute)
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>The key-agreement methods that have a key, in document order.</summary>
    public IEnumerable<VerificationMethod> KeyAgreementMethods() =>
        KeyAgreement.Select(FindMethod).Where(m => m is not null)!;

    /// <summary>The authentication methods that have a key, in document order.</summary>
    public IEnumerable<VerificationMethod> AuthenticationMethods() =>
        Authentication.Select(FindMethod).Where(m => m is not null)!;

    /// <summary>Parses a DID document (JSON-LD or plain JSON; embedded or referenced methods; JWK or multibase keys).</summary>
    public static bool TryParse(JsonElement doc, out DidDocument document, out string error)
    {
        document = null!;
        string? id = Json.GetString(doc, "id");
        if (id is null || !id.StartsWith("did:", StringComparison.Ordinal))
        {
            error = "DID document has no DID 'id'";
            return false;
        }

        var methods = new List<VerificationMethod>();
        if (doc.TryGetProperty("verificationMethod", out var vms))
        {
            if (vms.ValueKind != JsonValueKind.Array)
            {
                error = "'verificationMethod' is not an array";
                return false;
            }

            foreach (var vm in vms.EnumerateArray())
            {
                if (!TryParseMethod(id, vm, out var m, out error))
                {
                    return false;
                }

                methods.Add(m);
            }
        }

        if (!TryParseRelationship(id, doc, "authentication", methods, out var authentication, out error)
            || !TryParseRelationship(id, doc, "keyAgreement", methods, out var keyAgreement, out error))
        {
            return false;
        }

        var services = new List<DidCommService>();
        if (doc.TryGetProperty("service", out var svcs) && svcs.ValueKind == JsonValueKind.Array)
        {
            int index = 0;
            foreach (var svc in svcs.EnumerateArray())
            {
                if (Json.GetString(svc, "type") is "DIDCommMessaging" or "dm"
                    && TryParseService(id, svc, index, out var service))
                {
                    services.Add(service);
                }

                index++;
            }
        }

        document = new DidDocument(id, methods, authentication, keyAgreement, services);
        error = "";
        return true;
    }

    // A DID document nests a JWK in a method in a relationship, or routing keys in an endpoint in a service: a few
    // levels. Deeper input is not a DID document, and bounding it keeps hostile files cheap to refuse.
    private const int MaxDocumentDepth = 16;

    /// <summary>Parses a DID document from JSON text.</summary>
    /// <exception cref="FormatException">The text is not JSON or not a DID document; the message says why.</exception>
    public static DidDocument Parse(string json)
    {
        using var d = Json.ParseText(json, MaxDocumentDepth);
        return TryParse(d.RootElement, out var doc, out var error) ? doc : throw new FormatException(error);
    }

    /// <summary>
    /// Reads DID documents from JSON text: an array of documents, or one document, each in the usual JSON shape
    /// (<c>id</c>, <c>verificationMethod</c> with <c>publicKeyJwk</c> or <c>publicKeyMultibase</c>,
    /// <c>authentication</c> and <c>keyAgreement</c> as key ids or embedded methods, <c>service</c> of type
    /// <c>DIDCommMessaging</c>), as the DIDComm v2 specification's Appendix B and the reference implementation write
    /// them. Ready for <see cref="DidDocumentStore.AddRange"/>.
    /// </summary>
    /// <exception cref="FormatException">The text is not JSON, or a document is invalid; the message names which.</exception>
    public static IReadOnlyList<DidDocument> ParseDocuments(string json) =>
        Json.ParseOneOrArray<DidDocument>(json, MaxDocumentDepth + 1, "DID document", TryParse);

    private static string Absolute(string did, string id) => id.StartsWith('#') ? did + id : id;

    private static bool TryParseMethod(string did, JsonElement vm, out VerificationMethod method, out string error)
    {
        method = null!;
        string? id = Json.GetString(vm, "id");
        if (id is null)
        {
            error = "verification method without 'id'";
            return false;
        }

        id = Absolute(did, id);
        string type = Json.GetString(vm, "type") ?? "";
        string controller = Json.GetString(vm, "controller") ?? did;
        PublicJwk key;
        if (vm.TryGetProperty("publicKeyJwk", out var jwk))
        {
            if (!PublicJwk.TryParse(jwk, out key, out error))
            {
                error = $"{id}: {error}";
                return false;
            }

            key = key.WithKid(id);
        }
        else if (Json.GetString(vm, "publicKeyMultibase") is { } multibase)
        {
            if (!Multikey.TryDecode(multibase, id, out key, out error))
            {
                error = $"{id}: {error}";
                return false;
            }
        }
        else
        {
            error = $"{id}: no publicKeyJwk or publicKeyMultibase";
            return false;
        }

        method = new VerificationMethod(id, type, controller, key);
        error = "";
        return true;
    }

    private static bool TryParseRelationship(string did, JsonElement doc, string name, List<VerificationMethod> methods,
        out List<string> ids, out string error)
    {
        ids = [];
        error = "";
        if (!doc.TryGetProperty(name, out var rel))
        {
            return true;
        }

        if (rel.ValueKind != JsonValueKind.Array)
        {
            error = $"'{name}' is not an array";
            return false;
        }

        foreach (var entry in rel.EnumerateArray())
        {
            if (entry.ValueKind == JsonValueKind.String)
            {
                ids.Add(Absolute(did, entry.GetString()!));
            }
            else if (entry.ValueKind == JsonValueKind.Object)
            {
                if (!TryParseMethod(did, entry, out var m, out error))
                {
                    return false;
                }

                if (!methods.Exists(x => x.Id == m.Id))
                {
                    methods.Add(m);
                }

                ids.Add(m.Id);
            }
            else
            {
                error = $"'{name}' entries must be strings or objects";
                return false;
            }
        }

        return true;
    }

    internal static bool TryParseService(string did, JsonElement svc, int index, out DidCommService service)
    {
        service = null!;
        string id = Absolute(did, Json.GetString(svc, "id") ?? (index == 0 ? "#service" : $"#service-{index}"));
        var endpoint = svc.TryGetProperty("serviceEndpoint", out var se) ? se
            : svc.TryGetProperty("s", out var s) ? s
            : default;
        if (endpoint.ValueKind == JsonValueKind.Array)
        {
            endpoint = endpoint.GetArrayLength() > 0 ? endpoint[0] : default;
        }

        if (endpoint.ValueKind == JsonValueKind.String)
        {
            service = new DidCommService(id, endpoint.GetString()!, ReadStrings(svc, "accept", "a"), ReadStrings(svc, "routingKeys", "r"));
            return true;
        }

        if (endpoint.ValueKind != JsonValueKind.Object || Json.GetString(endpoint, "uri") is not { } uri)
        {
            return false;
        }

        service = new DidCommService(id, uri, ReadStrings(endpoint, "accept", "a"), ReadStrings(endpoint, "routingKeys", "r"));
        return true;
    }

    private static List<string> ReadStrings(JsonElement obj, string name, string shortName)
    {
        var list = new List<string>();
        if ((obj.TryGetProperty(name, out var arr) || obj.TryGetProperty(shortName, out arr)) && arr.ValueKind == JsonValueKind.Array)
        {
            foreach (var e in arr.EnumerateArray())
            {
                if (e.ValueKind == JsonValueKind.String)
                {
                    list.Add(e.GetString()!);
                }
            }
        }

        return list;
    }

    /// <summary>Writes the document as JSON (JsonWebKey2020 methods, the didcomm-rust/W3C shape).</summary>
    public string ToJson()
    {
        using var buffer = new PooledBufferWriter();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("id", Id);
            w.WriteStartArray("verificationMethod");
            foreach (var m in VerificationMethods)
            {
                w.WriteStartObject();
                w.WriteString("id", m.Id);
                w.WriteString("type", "JsonWebKey2020");
                w.WriteString("controller", m.Controller);
                w.WriteStartObject("publicKeyJwk");
                m.Key.WriteMembers(w);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteArray(w, "authentication", Authentication);
            WriteArray(w, "keyAgreement", KeyAgreement);
            w.WriteStartArray("service");
            foreach (var s in Services)
            {
                w.WriteStartObject();
                w.WriteString("id", s.Id);
                w.WriteString("type", "DIDCommMessaging");
                w.WriteStartObject("serviceEndpoint");
                w.WriteString("uri", s.Uri);
                WriteArray(w, "accept", s.Accept);
                WriteArray(w, "routingKeys", s.RoutingKeys);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
