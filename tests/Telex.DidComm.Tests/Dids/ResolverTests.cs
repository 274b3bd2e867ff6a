using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.DidComm.Tests.Dids;

/// <summary>
/// Resolving apart from storing: <see cref="DidResolver"/> computes, <see cref="DidDocumentStore"/> keeps what it is
/// given, <see cref="CompositeDidResolver"/> asks them in the order the caller chose.
/// </summary>
public sealed class ResolverTests
{
    private static (string Did, DidDocument Computed) FreshPeer()
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], "https://a.example/didcomm");
        Assert.True(DidPeer.TryResolve(did, out var document, out string error), error);
        return (did, document);
    }

    /// <summary>A document for <paramref name="did"/> that differs from the computed one: another endpoint.</summary>
    private static DidDocument Replacement(string did, DidDocument computed) =>
        new(did, computed.VerificationMethods, computed.Authentication, computed.KeyAgreement,
            [new DidCommService(did + "#elsewhere", "https://elsewhere.example/didcomm", ["didcomm/v2"], [])]);

    [Fact]
    public void The_computing_resolver_knows_did_peer_and_did_key_and_nothing_else()
    {
        var (peer, _) = FreshPeer();
        using var key = SecretJwk.Generate(KeyCurve.Ed25519);
        var dids = new DidResolver();

        Assert.True(dids.TryResolve(peer, out var peerDoc));
        Assert.Equal(peer, peerDoc.Id);
        Assert.True(dids.TryResolve(DidKey.Create(key.PublicKey), out _));
        Assert.False(dids.TryResolve("did:example:alice", out var unknown));
        Assert.Null(unknown);
    }

    [Fact]
    public void The_store_resolves_only_what_it_was_given_until_removed()
    {
        var (peer, computed) = FreshPeer();
        var store = new DidDocumentStore();
        Assert.False(store.TryResolve(peer, out _));

        var example = new DidDocument("did:example:alice", computed.VerificationMethods, computed.Authentication, computed.KeyAgreement, []);
        store.Add(example);

        Assert.True(store.TryResolve("did:example:alice", out var found));
        Assert.Same(example, found);
        Assert.False(store.TryResolve(peer, out _));
        Assert.True(store.Remove("did:example:alice"));
        Assert.False(store.TryResolve("did:example:alice", out _));
        Assert.False(store.Remove("did:example:alice"));
    }

    [Fact]
    public void Adding_a_document_for_the_same_DID_replaces_it()
    {
        var (peer, computed) = FreshPeer();
        var store = new DidDocumentStore().Add(computed);

        store.Add(Replacement(peer, computed));

        Assert.Equal(1, store.Count);
        Assert.True(store.TryResolve(peer, out var found));
        Assert.Equal("https://elsewhere.example/didcomm", Assert.Single(found.Services).Uri);
    }

    [Fact]
    public void The_composite_answers_with_the_first_resolver_that_knows_the_DID()
    {
        var (peer, computed) = FreshPeer();
        var store = new DidDocumentStore().Add(Replacement(peer, computed));

        var storeFirst = new CompositeDidResolver(store, new DidResolver());
        var computedFirst = new CompositeDidResolver(new DidResolver(), store);

        Assert.True(storeFirst.TryResolve(peer, out var fromStore));
        Assert.Equal("https://elsewhere.example/didcomm", fromStore.Services[0].Uri);
        Assert.True(computedFirst.TryResolve(peer, out var fromComputation));
        Assert.Equal("https://a.example/didcomm", fromComputation.Services[0].Uri);
        Assert.False(storeFirst.TryResolve("did:example:nobody", out _));
    }

    [Fact]
    public void The_order_decides_where_a_packer_sends()
    {
        var (peer, computed) = FreshPeer();
        using var sender = SecretJwk.Generate(KeyCurve.X25519);
        var store = new DidDocumentStore().Add(Replacement(peer, computed));
        var message = TestMessages.Telegram("did:example:sender", peer) with { From = null };

        var viaStore = new DidCommPacker(new CompositeDidResolver(store, new DidResolver()), new SecretResolver())
            .PackEncrypted(message, new PackEncryptedOptions { To = peer });
        var viaComputation = new DidCommPacker(new DidResolver(), new SecretResolver())
            .PackEncrypted(message, new PackEncryptedOptions { To = peer });

        Assert.Equal("https://elsewhere.example/didcomm", viaStore.ServiceEndpoint);
        Assert.Equal("https://a.example/didcomm", viaComputation.ServiceEndpoint);
    }

    [Fact]
    public void A_composite_refuses_a_missing_resolver()
    {
        Assert.Throws<ArgumentException>(() => new CompositeDidResolver(new DidResolver(), null!));
        Assert.Empty(new CompositeDidResolver().Resolvers);
        Assert.False(new CompositeDidResolver().TryResolve("did:example:a", out _));
    }
}
