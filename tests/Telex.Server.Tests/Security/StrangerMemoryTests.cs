using System.Buffers.Text;
using System.Runtime;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>Runs alone: it measures the managed heap of the whole test process, which other tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurement
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Heap measurement";
}

/// <summary>
/// Nothing a stranger sends costs memory that outlives the request. Every message names its sender's DID (the
/// authcrypt <c>skid</c>, the JWS <c>kid</c>), and resolving a did:peer:2 as long as allowed, packed with tiny keys,
/// yields a document of some 700 KB of key ids: the agency must not keep those for strangers. Shorter DIDs, small
/// enough for the agency's bounded caches (resolved documents, names), show that those stay within their bounds.
/// </summary>
[Collection(HeapMeasurement.Name)]
public sealed class StrangerMemoryTests
{
    private const int Messages = 2_000;
    private const long AllowedGrowth = 20 * 1024 * 1024;

    /// <summary>
    /// A fresh did:peer:2 of <paramref name="keys"/> random X25519 keys: with 80, about 4,000 characters, within
    /// <see cref="DidPeer.MaxLength"/>; with 12, about 600, short enough for every cache to consider keeping it.
    /// </summary>
    private static string FreshDid(int keys)
    {
        string did = DidPeer.Create([], Enumerable.Range(0, keys).Select(_ => PublicJwk.FromCoordinates(KeyCurve.X25519, RandomNumberGenerator.GetBytes(32))));
        Assert.InRange(did.Length, 0, DidPeer.MaxLength);
        return did;
    }

    private static string B64Json(JsonNode node) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(node.ToJsonString()));

    private static JsonObject DecodeHeader(JsonNode? b64) => JsonNode.Parse(Base64Url.DecodeFromChars(b64!.GetValue<string>()))!.AsObject();

    /// <summary>
    /// An authcrypt JWE to the agency whose protected header names <paramref name="did"/>'s key as the sender:
    /// the agency holds the recipient key, resolves the sender, and then finds the tag does not verify.
    /// </summary>
    private static byte[] AuthcryptNaming(HostilePeer peer, string agencyDid, string did)
    {
        byte[] template = peer.Packer.PackEncrypted(peer.Telegram(agencyDid, 1), new PackEncryptedOptions { To = agencyDid, From = peer.Did, Forward = false }).Packed;
        var jwe = JsonNode.Parse(template)!.AsObject();
        var header = DecodeHeader(jwe["protected"]);
        header["skid"] = did + "#key-1";
        header.Remove("apu");
        jwe["protected"] = B64Json(header);
        return Encoding.UTF8.GetBytes(jwe.ToJsonString());
    }

    /// <summary>A JWS whose signature names <paramref name="did"/>'s key as the signer, properly anoncrypted to the agency.</summary>
    private static byte[] SignedNaming(HostilePeer peer, string agencyDid, string did)
    {
        var jws = JsonNode.Parse(peer.Packer.PackSigned(peer.Telegram(agencyDid, 1), peer.Did).Packed)!.AsObject();
        var signature = jws["signatures"]![0]!.AsObject();
        var header = DecodeHeader(signature["protected"]);
        header["kid"] = did + "#key-1";
        signature["protected"] = B64Json(header);
        return peer.Packer.PackEncryptedPayload(Encoding.UTF8.GetBytes(jws.ToJsonString()), new PackEncryptedOptions { To = agencyDid, Forward = false }).Packed;
    }

    private static long ManagedHeapAfterFullCollection()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Two_thousand_strangers_naming_fresh_dids_up_to_4000_characters_as_sender_or_signer_leave_the_managed_heap_within_20_MB()
    {
        await using var agency = await TestAgency.StartAsync("Alpha");
        using var peer = HostilePeer.Create("Stranger");
        string endpoint = agency.Identity.Endpoint;
        string agencyDid = agency.Did;

        // Senders and signers in turn; two of every four DIDs as long as allowed, the others short.
        async Task SendAsync(int i)
        {
            bool authcrypt = i % 2 == 0;
            string did = FreshDid(keys: i % 4 < 2 ? 80 : 12);
            byte[] body = authcrypt ? AuthcryptNaming(peer, agencyDid, did) : SignedNaming(peer, agencyDid, did);
            Assert.InRange(body.Length, did.Length, did.Length + 8_000);
            var (status, code) = await HostilePeer.PostAsync(endpoint, body);
            Assert.Equal((400, authcrypt ? "e.p.msg.tampered" : "e.p.msg.wrongkey"), (status, code));
        }

        // Warm up every path (JIT, Kestrel's pools, the HTTP client's connections) before the baseline.
        for (int i = 0; i < 20; i++)
        {
            await SendAsync(i);
        }

        long before = ManagedHeapAfterFullCollection();
        await Parallel.ForAsync(0, Messages, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) => await SendAsync(i));
        long after = ManagedHeapAfterFullCollection();

        Assert.True(after - before < AllowedGrowth,
            $"{Messages} refused messages grew the managed heap by {(after - before) / (1024 * 1024)} MB (from {before / (1024 * 1024)} MB to {after / (1024 * 1024)} MB)");

        // Still serving: a stranger's tie request through an invitation is accepted as before.
        using var newcomer = HostilePeer.Create("Newcomer");
        var invitation = await agency.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(endpoint, newcomer.TieRequest(invitation))).Status);
    }
}
