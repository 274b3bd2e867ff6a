using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telex.DidComm.Tests.Vectors;

/// <summary>
/// Every vector of ../shared/didcomm-vectors (the DIF spec appendix and didcomm-rust 0.4.1), driven by its
/// manifest: successes give the expected plaintext and metadata, negatives the expected kind of failure.
/// </summary>
public sealed class OfficialVectorTests
{
    private static readonly JsonElement Manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.Vectors, "manifest.json"))).RootElement;

    public static TheoryData<string> VectorIds()
    {
        var data = new TheoryData<string>();
        foreach (var v in Manifest.GetProperty("vectors").EnumerateArray())
        {
            data.Add(v.GetProperty("id").GetString()!);
        }

        return data;
    }

    [Fact]
    public void Manifest_lists_all_74_vectors_with_40_negatives()
    {
        var vectors = Manifest.GetProperty("vectors").EnumerateArray().ToList();
        Assert.Equal(74, vectors.Count);
        Assert.Equal(40, vectors.Count(v => v.GetProperty("expect").GetString() == "error"));
    }

    [Theory]
    [MemberData(nameof(VectorIds))]
    public void Vector_unpacks_to_its_expected_result(string id)
    {
        var v = Manifest.GetProperty("vectors").EnumerateArray().Single(x => x.GetProperty("id").GetString() == id);
        var keys = KeysFile.Load(Path.Combine(TestPaths.Vectors, v.GetProperty("keys").GetString()!));
        var packer = new DidCommPacker(keys.Dids, keys.Secrets);
        byte[] packed = File.ReadAllBytes(Path.Combine(TestPaths.Vectors, v.GetProperty("file").GetString()!));

        var result = packer.Unpack(packed);

        if (v.GetProperty("expect").GetString() == "error")
        {
            Assert.False(result.Success, $"{id} must be refused");
            Assert.Equal(ExpectedFailureKind(id), result.Failure!.Kind);
            return;
        }

        Assert.True(result.Success, $"{id}: {result.Failure}");
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Vectors, v.GetProperty("expectedPlaintext").GetString()!)))!;

        // The message as Telex models it (a missing 'typ' reads as the plaintext media type, as in the reference).
        var actual = JsonNode.Parse(result.Message!.ToJson())!;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"plaintext differs:\n{expected.ToJsonString()}\n{actual.ToJsonString()}");

        if (v.TryGetProperty("expectedMetadata", out var meta))
        {
            MetadataAssert.Matches(meta, result.Metadata!);
        }
    }

    /// <summary>
    /// The failure each negative vector must give, in Telex's taxonomy: changed bytes under a key or tag are
    /// tampering; undecodable fields, invalid points or curves and invalid plaintexts are malformed input.
    /// </summary>
    private static UnpackFailureKind ExpectedFailureKind(string id) => id switch
    {
        _ when id.EndsWith("-changed-ciphertext", StringComparison.Ordinal) => UnpackFailureKind.Tampered,
        _ when id.EndsWith("-changed-enc-key", StringComparison.Ordinal) => UnpackFailureKind.Tampered,

        // This vector changes only the unused low bits of the signature's last base64url character: a strict
        // decoder refuses the text before any signature is checked, so it is malformed rather than tampered.
        "rust/plaintext-from-prior-invalid-signature" => UnpackFailureKind.Malformed,
        _ => UnpackFailureKind.Malformed,
    };
}
