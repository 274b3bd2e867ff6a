using System.Text.Json.Nodes;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// The didcomm-rust test keys (didcomm-rust/keys/all.json) as both implementations see them: the very same DID
/// documents and secrets go to the reference as JSON and into Telex's resolvers. Each party holds only its own
/// secrets. Bob's DIDComm service can be replaced to route through mediators.
/// </summary>
internal sealed class ReferenceKeys
{
    public const string Alice = "did:example:alice";
    public const string Bob = "did:example:bob";
    public const string Mediator1 = "did:example:mediator1";
    public const string Mediator2 = "did:example:mediator2";
    public const string BobService = "did:example:bob#didcomm-1";
    public const string BobEndpoint = "http://example.com/path";

    private static readonly string KeysPath = Path.Combine(TestPaths.Vectors, "didcomm-rust", "keys", "all.json");

    private readonly JsonArray _didDocs;
    private readonly JsonArray _secrets;

    private ReferenceKeys(JsonArray didDocs, JsonArray secrets)
    {
        _didDocs = didDocs;
        _secrets = secrets;
        Dids = new DidDocumentStore().AddRange(DidDocument.ParseDocuments(didDocs.ToJsonString()));
    }

    /// <summary>The resolver both sides of Telex use (DID documents are public).</summary>
    public DidDocumentStore Dids { get; }

    /// <summary>
    /// The keys with Bob's DIDComm service routing through <paramref name="routingKeys"/> (first hop first), or
    /// as in all.json when null.
    /// </summary>
    public static ReferenceKeys Load(IReadOnlyList<string>? routingKeys = null)
    {
        var file = JsonNode.Parse(File.ReadAllText(KeysPath))!.AsObject();
        var docs = file["didDocs"]!.AsArray();
        if (routingKeys is not null)
        {
            var bob = docs.Single(d => d!["id"]!.GetValue<string>() == Bob)!.AsObject();
            bob["service"] = new JsonArray(new JsonObject
            {
                ["id"] = BobService,
                ["type"] = "DIDCommMessaging",
                ["serviceEndpoint"] = new JsonObject
                {
                    ["uri"] = BobEndpoint,
                    ["accept"] = new JsonArray("didcomm/v2"),
                    ["routingKeys"] = new JsonArray(routingKeys.Select(k => (JsonNode?)k).ToArray()),
                },
            });
        }

        return new ReferenceKeys(docs, file["secrets"]!.AsArray());
    }

    /// <summary>A Telex packer for <paramref name="did"/>, holding that party's secrets only.</summary>
    public DidCommPacker PackerOf(string did)
    {
        var secrets = new SecretResolver().AddRange(SecretJwk.ParseSecrets(new JsonArray([.. SecretsOf(did).Select(s => s.DeepClone())]).ToJsonString()));
        return new DidCommPacker(Dids, secrets);
    }

    /// <summary>A harness request for <paramref name="op"/> made by <paramref name="did"/>: every DID document, its secrets.</summary>
    public JsonObject Request(string op, string did) => new()
    {
        ["op"] = op,
        ["didDocs"] = _didDocs.DeepClone(),
        ["secrets"] = new JsonArray(SecretsOf(did).Select(s => s.DeepClone()).ToArray()),
    };

    private IEnumerable<JsonNode> SecretsOf(string did) =>
        _secrets.Select(s => s!).Where(s => s["id"]!.GetValue<string>().StartsWith(did + "#", StringComparison.Ordinal));
}
