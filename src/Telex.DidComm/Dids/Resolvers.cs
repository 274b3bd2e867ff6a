using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

using Telex.DidComm.Keys;

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
/// Resolves <c>did:peer:2</c> and <c>did:key</c> by computation and any other DID from documents added to it
/// (tests and the vectors use <c>did:example</c>). Added documents are kept until replaced. Computed documents are
/// kept in a cache bounded in bytes (<see cref="DefaultMaxCachedBytes"/> by default), those not used lately evicted
/// first: resolving them again is pure computation, and any DID a message names lands here, a stranger's too.
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

    private readonly ConcurrentDictionary<string, DidDocument> _added = new(StringComparer.Ordinal);
    private readonly DocumentCache _computed;

    // Agencies add no documents (every DID they meet is computed): skip that lookup, a hash of the whole DID.
    private volatile bool _anyAdded;

    /// <summary>Creates a resolver whose computed documents keep about <paramref name="maxCachedBytes"/> bytes at most (default 4 MiB).</summary>
    public DidResolver(long maxCachedBytes = DefaultMaxCachedBytes)
    {
        _computed = new DocumentCache(maxCachedBytes);
    }

    /// <summary>The estimated bytes held by cached computed documents (never more than the bound given at creation).</summary>
    public long CachedBytes => _computed.Bytes;

    /// <summary>The number of cached computed documents.</summary>
    public int CachedCount => _computed.Count;

    /// <summary>Adds or replaces a document; it is kept for the life of this resolver.</summary>
    public DidResolver Add(DidDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _added[document.Id] = document;
        _anyAdded = true;
        return this;
    }

    /// <inheritdoc/>
    public bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        ArgumentNullException.ThrowIfNull(did);
        if ((_anyAdded && _added.TryGetValue(did, out document)) || _computed.TryGet(did, out document))
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

    /// <inheritdoc/>
    public bool TryGetSecret(string kid, [NotNullWhen(true)] out SecretJwk? secret) => _secrets.TryGetValue(kid, out secret);
}
