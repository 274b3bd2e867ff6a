using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Telex.DidComm.Dids;

/// <summary>Resolves a DID to its document. Implementations must be thread-safe and must not block for long.</summary>
public interface IDidResolver
{
    /// <summary>Resolves <paramref name="did"/>; false when unknown.</summary>
    bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document);
}

/// <summary>Finds the secret keys this party holds, by key id. Implementations must be thread-safe.</summary>
public interface ISecretResolver
{
    /// <summary>Finds the secret for <paramref name="kid"/>; false when not held.</summary>
    bool TryGetSecret(string kid, [NotNullWhen(true)] out SecretJwk? secret);
}

/// <summary>
/// Resolves the DIDs whose document is computed from the DID itself: <c>did:peer:2</c> and <c>did:key</c>. Any
/// other DID is unknown here; keep such documents in a <see cref="DidDocumentStore"/> and combine the two with
/// <see cref="CompositeDidResolver"/>. Computed documents are kept in a cache bounded in bytes
/// (<see cref="DefaultMaxCachedBytes"/> by default), those not used lately evicted first: resolving them again is
/// pure computation, and any DID a message names lands here, a stranger's too.
/// </summary>
public sealed class DidResolver : IDidResolver
{
    /// <summary>
    /// The default bound on the memory computed documents keep: 4 MiB. A counterpart's <c>did:peer:2</c> with two
    /// keys and an endpoint takes about 4 KB, so this keeps about a thousand counterparts' documents, while the
    /// DIDs strangers name in messages (up to <see cref="DidPeer.MaxLength"/> characters each, which can resolve to
    /// some 700 KB of key ids) can never hold more than this.
    /// </summary>
    public const long DefaultMaxCachedBytes = 4 * 1024 * 1024;

    private readonly DocumentCache _computed;

    /// <summary>Creates a resolver whose computed documents keep about <paramref name="maxCachedBytes"/> bytes at most (default 4 MiB).</summary>
    public DidResolver(long maxCachedBytes = DefaultMaxCachedBytes)
    {
        _computed = new DocumentCache(maxCachedBytes);
    }

    /// <summary>The estimated bytes held by cached computed documents (never more than the bound given at creation).</summary>
    internal long CachedBytes => _computed.Bytes;

    /// <summary>The number of cached computed documents.</summary>
    internal int CachedCount => _computed.Count;

    /// <inheritdoc/>
    public bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        ArgumentNullException.ThrowIfNull(did);
        if (_computed.TryGet(did, out document))
        {
            return true;
        }

        if ((did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal) && DidPeer.TryResolve(did, out document, out _))
            || (did.StartsWith(DidKey.Prefix, StringComparison.Ordinal) && DidKey.TryResolve(did, out document, out _)))
        {
            _computed.Add(document);
            return true;
        }

        document = null;
        return false;
    }
}

/// <summary>
/// DID documents kept in memory, by DID: documents of any method that the caller has (from a file, a registry, a
/// test vector). It resolves only what was added; documents are kept until replaced or removed.
/// </summary>
public sealed class DidDocumentStore : IDidResolver
{
    private readonly ConcurrentDictionary<string, DidDocument> _documents = new(StringComparer.Ordinal);

    /// <summary>The number of documents held.</summary>
    public int Count => _documents.Count;

    /// <summary>Adds a document, replacing any held for the same DID.</summary>
    public DidDocumentStore Add(DidDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _documents[document.Id] = document;
        return this;
    }

    /// <summary>Adds each document, replacing any held for the same DID.</summary>
    public DidDocumentStore AddRange(IEnumerable<DidDocument> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        foreach (var document in documents)
        {
            Add(document);
        }

        return this;
    }

    /// <summary>Removes the document of <paramref name="did"/>; false when none was held.</summary>
    public bool Remove(string did)
    {
        ArgumentNullException.ThrowIfNull(did);
        return _documents.TryRemove(did, out _);
    }

    /// <inheritdoc/>
    public bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        ArgumentNullException.ThrowIfNull(did);
        return _documents.TryGetValue(did, out document);
    }
}

/// <summary>
/// Asks several resolvers in the order given and answers with the first that resolves the DID: the caller decides
/// which source wins, e.g. <c>new CompositeDidResolver(store, new DidResolver())</c> lets stored documents win over
/// computed ones.
/// </summary>
public sealed class CompositeDidResolver : IDidResolver
{
    private readonly IDidResolver[] _resolvers;

    /// <summary>Creates a resolver that asks <paramref name="resolvers"/> in this order.</summary>
    public CompositeDidResolver(params IDidResolver[] resolvers)
    {
        ArgumentNullException.ThrowIfNull(resolvers);
        if (Array.Exists(resolvers, r => r is null))
        {
            throw new ArgumentException("a resolver is null", nameof(resolvers));
        }

        _resolvers = (IDidResolver[])resolvers.Clone();
    }

    /// <summary>The resolvers, in the order they are asked.</summary>
    public IReadOnlyList<IDidResolver> Resolvers => _resolvers;

    /// <inheritdoc/>
    public bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        ArgumentNullException.ThrowIfNull(did);
        foreach (var resolver in _resolvers)
        {
            if (resolver.TryResolve(did, out document))
            {
                return true;
            }
        }

        document = null;
        return false;
    }
}

/// <summary>An in-memory secret store keyed by key id.</summary>
public sealed class SecretResolver : ISecretResolver
{
    private readonly ConcurrentDictionary<string, SecretJwk> _secrets = new(StringComparer.Ordinal);

    /// <summary>Adds a secret under its own <see cref="SecretJwk.Kid"/>.</summary>
    public SecretResolver Add(SecretJwk secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _secrets[secret.Kid ?? throw new ArgumentException("secret has no kid", nameof(secret))] = secret;
        return this;
    }

    /// <summary>Adds each secret under its own <see cref="SecretJwk.Kid"/>.</summary>
    public SecretResolver AddRange(IEnumerable<SecretJwk> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        foreach (var secret in secrets)
        {
            Add(secret);
        }

        return this;
    }

    /// <inheritdoc/>
    public bool TryGetSecret(string kid, [NotNullWhen(true)] out SecretJwk? secret) => _secrets.TryGetValue(kid, out secret);
}
