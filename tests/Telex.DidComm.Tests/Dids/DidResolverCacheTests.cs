using System.Security.Cryptography;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Dids;

/// <summary>
/// Any message can name any DID, so the resolver's cache is filled by strangers as well as counterparts: it holds
/// computed documents within a byte budget, evicting first what was not used lately, and never keeps a huge one.
/// </summary>
public sealed class DidResolverCacheTests
{
    /// <summary>A fresh did:peer:2 with <paramref name="keys"/> key-agreement keys (random X25519 public keys).</summary>
    private static string FreshDid(int keys = 1, string? endpoint = "https://agency.example/didcomm") =>
        DidPeer.Create([], Enumerable.Range(0, keys).Select(_ => PublicJwk.FromCoordinates(KeyCurve.X25519, RandomNumberGenerator.GetBytes(32))),
            endpoint);

    [Fact]
    public void A_did_peer_2_as_long_as_allowed_with_80_keys_resolves_but_is_not_kept()
    {
        var dids = new DidResolver();
        string did = FreshDid(keys: 80, endpoint: null);
        Assert.InRange(did.Length, 3900, DidPeer.MaxLength);

        Assert.True(dids.TryResolve(did, out var document));
        Assert.Equal(80, document.KeyAgreement.Count);
        Assert.True(DocumentCache.EstimateBytes(document) > DidResolver.DefaultMaxCachedBytes / 16);
        Assert.Equal(0, dids.CachedCount);
        Assert.Equal(0, dids.CachedBytes);
    }

    [Fact]
    public void Thousands_of_fresh_dids_keep_the_cache_within_its_byte_budget()
    {
        const long budget = 256 * 1024;
        var dids = new DidResolver(budget);
        for (int i = 0; i < 2_000; i++)
        {
            Assert.True(dids.TryResolve(FreshDid(keys: 3), out _));
            Assert.InRange(dids.CachedBytes, 0, budget);
        }

        Assert.InRange(dids.CachedCount, 1, 1_999);
    }

    [Fact]
    public void A_document_in_use_stays_cached_while_a_flood_of_others_evicts_one_not_used_since()
    {
        var dids = new DidResolver(64 * 1024);
        string counterpart = FreshDid();
        string forgotten = FreshDid();
        Assert.True(dids.TryResolve(counterpart, out var kept));
        Assert.True(dids.TryResolve(forgotten, out var evicted));

        for (int i = 0; i < 500; i++)
        {
            Assert.True(dids.TryResolve(FreshDid(), out _));
            Assert.True(dids.TryResolve(counterpart, out var again));
            Assert.Same(kept, again);
        }

        Assert.True(dids.TryResolve(forgotten, out var recomputed));
        Assert.NotSame(evicted, recomputed);
        Assert.Equal(evicted.KeyAgreement, recomputed.KeyAgreement);
    }

    [Fact]
    public void Resolving_from_many_threads_at_once_gives_the_right_documents_within_the_budget()
    {
        const long budget = 128 * 1024;
        var dids = new DidResolver(budget);
        string[] names = Enumerable.Range(0, 400).Select(_ => FreshDid(keys: 2)).ToArray();

        Parallel.For(0, 8_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            string did = names[(i * 7) % names.Length];
            Assert.True(dids.TryResolve(did, out var document));
            Assert.Equal(did, document.Id);
            Assert.Equal(did + "#key-1", document.KeyAgreement[0]);
        });

        Assert.InRange(dids.CachedBytes, 1, budget);
        Assert.InRange(dids.CachedCount, 1, names.Length - 1);
    }

    [Fact]
    public void Stored_documents_are_never_evicted_by_computed_ones()
    {
        var computed = new DidResolver(16 * 1024);
        var store = new DidDocumentStore();
        var dids = new CompositeDidResolver(store, computed);
        Assert.True(DidPeer.TryResolve(FreshDid(), out var added, out _));
        var example = new DidDocument("did:example:alice", added.VerificationMethods, added.Authentication, added.KeyAgreement, added.Services);
        store.Add(example);

        for (int i = 0; i < 200; i++)
        {
            Assert.True(dids.TryResolve(FreshDid(), out _));
        }

        Assert.True(dids.TryResolve("did:example:alice", out var found));
        Assert.Same(example, found);
    }
}
