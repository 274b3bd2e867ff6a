using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Loading;

/// <summary>
/// <see cref="SecretJwk.ParseSecrets"/> and <see cref="DidDocument.ParseDocuments"/> read the secrets and DID
/// documents exactly as the official vectors ship them, one file per party, and what they read unpacks the vectors.
/// </summary>
public sealed class LoaderTests
{
    private static readonly JsonElement Manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "manifest.json"))).RootElement;

    private static string Vector(string path) => File.ReadAllText(Path.Combine(TestPaths.Vectors, path));

    /// <summary>Bob's secrets and every party's DID document, each from its own file as published.</summary>
    private static (DidCommPacker Packer, int Secrets, int Documents) BobFromFiles(string source)
    {
        var (secretsFile, docsFolder, docsPattern) = source == "spec"
            ? ("spec/secrets-bob.json", "spec", "did-doc-*.json")
            : ("didcomm-rust/secrets/bob.json", "didcomm-rust/did-docs", "*.json");
        var secrets = SecretJwk.ParseSecrets(Vector(secretsFile));
        var store = new DidDocumentStore();
        // didcomm-rust also ships "alice-with-no-secrets" and "bob-no-secrets": other documents for the same DIDs.
        foreach (string file in Directory.GetFiles(Path.Combine(TestPaths.Vectors, docsFolder), docsPattern).Where(f => !f.Contains("no-secrets", StringComparison.Ordinal)))
        {
            store.AddRange(DidDocument.ParseDocuments(File.ReadAllText(file)));
        }

        return (new DidCommPacker(store, new SecretResolver().AddRange(secrets)), secrets.Count, store.Count);
    }

    public static TheoryData<string> SuccessfulVectors()
    {
        var data = new TheoryData<string>();
        foreach (var v in Manifest.GetProperty("vectors").EnumerateArray().Where(v => v.GetProperty("expect").GetString() == "success"))
        {
            data.Add(v.GetProperty("id").GetString()!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SuccessfulVectors))]
    public void Secrets_and_documents_loaded_from_the_published_files_unpack_the_vector(string id)
    {
        var v = Manifest.GetProperty("vectors").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var (packer, _, _) = BobFromFiles(v.GetProperty("keys").GetString()!.StartsWith("spec/", StringComparison.Ordinal) ? "spec" : "rust");

        var result = packer.Unpack(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, v.GetProperty("file").GetString()!)));

        Assert.True(result.Success, $"{id}: {result.Failure}");
        var expected = JsonNode.Parse(Vector(v.GetProperty("expectedPlaintext").GetString()!))!;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(result.Message!.ToJson())), result.Message.ToJson());
    }

    [Theory]
    [InlineData("rust", 9, 6)]
    [InlineData("spec", 9, 2)]
    public void Every_secret_and_document_of_the_files_is_read(string source, int secrets, int documents)
    {
        var (_, readSecrets, readDocuments) = BobFromFiles(source);

        Assert.Equal(secrets, readSecrets);
        Assert.Equal(documents, readDocuments);
    }

    [Fact]
    public void A_reference_secret_takes_its_id_as_key_id()
    {
        var secrets = SecretJwk.ParseSecrets(Vector("didcomm-rust/secrets/alice.json"));

        var ids = JsonNode.Parse(Vector("didcomm-rust/secrets/alice.json"))!.AsArray().Select(s => s!["id"]!.GetValue<string>());
        Assert.Equal(ids, secrets.Select(s => s.Kid));
        Assert.Equal(KeyCurve.Ed25519, secrets[0].Curve);
    }

    [Fact]
    public void A_spec_secret_is_a_bare_JWK_whose_kid_member_has_a_trailing_space()
    {
        Assert.Contains("\"kid \"", Vector("spec/secrets-bob.json"), StringComparison.Ordinal);

        var secrets = SecretJwk.ParseSecrets(Vector("spec/secrets-bob.json"));

        Assert.Equal("did:example:bob#key-x25519-1", secrets[0].Kid);
        Assert.All(secrets, s => Assert.StartsWith("did:example:bob#", s.Kid, StringComparison.Ordinal));
    }

    [Fact]
    public void One_secret_or_one_document_alone_is_read_too()
    {
        string one = JsonNode.Parse(Vector("didcomm-rust/secrets/bob.json"))![0]!.ToJsonString();

        var secret = Assert.Single(SecretJwk.ParseSecrets(one));
        var document = Assert.Single(DidDocument.ParseDocuments(Vector("didcomm-rust/did-docs/bob.json")));

        Assert.Equal("did:example:bob#key-x25519-1", secret.Kid);
        Assert.Equal("did:example:bob", document.Id);
        Assert.Equal(secret.PublicKey, document.FindMethod(secret.Kid!)!.Key);
        Assert.Equal("http://example.com/path", Assert.Single(document.Services).Uri);
    }

    [Fact]
    public void A_document_with_multibase_keys_and_embedded_methods_is_read()
    {
        using var agreement = SecretJwk.Generate(KeyCurve.X25519);
        string multibase = DidKey.Create(agreement.PublicKey)["did:key:".Length..];
        string json = $$"""
            {
              "id": "did:example:carol",
              "verificationMethod": [{ "id": "#x", "type": "Multikey", "controller": "did:example:carol", "publicKeyMultibase": "{{multibase}}" }],
              "keyAgreement": ["#x"],
              "authentication": [{ "id": "did:example:carol#sign", "type": "JsonWebKey2020", "controller": "did:example:carol",
                                   "publicKeyJwk": { "kty": "OKP", "crv": "Ed25519", "x": "G-boxFB6vOZBu-wXkm-9Lh79I8nf9Z50cILaOgKKGww" } }],
              "service": [{ "id": "#didcomm", "type": "DIDCommMessaging", "serviceEndpoint": { "uri": "https://carol.example/didcomm", "accept": ["didcomm/v2"] } }]
            }
            """;

        var document = Assert.Single(DidDocument.ParseDocuments(json));

        Assert.Equal(agreement.PublicKey, Assert.Single(document.KeyAgreementMethods()).Key);
        Assert.Equal("did:example:carol#sign", Assert.Single(document.AuthenticationMethods()).Id);
        Assert.Equal("https://carol.example/didcomm", Assert.Single(document.Services).Uri);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[{\"id\":\"did:example:a#1\",\"type\":\"JsonWebKey2020\",\"privateKeyJwk\":{\"kty\":\"OKP\",\"crv\":\"X25519\"}}]", "secret 0: private JWK 'd'")]
    [InlineData("[{\"kty\":\"OKP\",\"crv\":\"X25519\",\"d\":\"b9NnuOCB0hm7YGNvaE9DMhwH_wjZA1-gWD6dA0JWdL0\"}]", "secret 0: secret has no key id")]
    [InlineData("{\"id\":\"did:example:a#1\",\"type\":\"Multikey\",\"privateKeyMultibase\":\"z3u2\"}", "not supported")]
    [InlineData("{\"id\":7,\"privateKeyJwk\":{}}", "'id' is not a string")]
    [InlineData("[1]", "secret 0: secret is not a JSON object")]
    public void An_invalid_secrets_file_is_a_FormatException_naming_the_secret(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => SecretJwk.ParseSecrets(json));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_whose_public_half_does_not_match_is_refused()
    {
        var alice = JsonNode.Parse(Vector("didcomm-rust/secrets/alice.json"))!.AsArray();
        var bob = JsonNode.Parse(Vector("didcomm-rust/secrets/bob.json"))!.AsArray();
        var mixed = alice.First(s => s!["privateKeyJwk"]!["crv"]!.GetValue<string>() == "X25519")!.DeepClone();
        var bobsOwn = bob.First(s => s!["privateKeyJwk"]!["crv"]!.GetValue<string>() == "X25519")!;
        mixed["privateKeyJwk"]!["x"] = bobsOwn["privateKeyJwk"]!["x"]!.GetValue<string>();

        var e = Assert.Throws<FormatException>(() => SecretJwk.ParseSecrets(new JsonArray(mixed).ToJsonString()));

        Assert.Contains("do not match", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("[{\"id\":\"did:example:a\"},{\"id\":\"example:b\"}]", "DID document 1: DID document has no DID 'id'")]
    [InlineData("{\"id\":\"did:example:a\",\"verificationMethod\":[{\"id\":\"#1\",\"type\":\"JsonWebKey2020\"}]}", "no publicKeyJwk or publicKeyMultibase")]
    [InlineData("{\"id\":\"did:example:a\",\"keyAgreement\":\"#1\"}", "'keyAgreement' is not an array")]
    [InlineData("[3]", "DID document 0")]
    public void An_invalid_document_is_a_FormatException_naming_it(string json, string reason)
    {
        var e = Assert.Throws<FormatException>(() => DidDocument.ParseDocuments(json));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hostile_nesting_is_refused_by_both_loaders()
    {
        string deep = new string('[', 100_000) + new string(']', 100_000);

        Assert.Throws<FormatException>(() => SecretJwk.ParseSecrets(deep));
        Assert.Throws<FormatException>(() => DidDocument.ParseDocuments(deep));
        Assert.Throws<FormatException>(() => DidDocument.Parse(deep));
    }
}
