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
/// (tests and the vectors use <c>did:example</c>). Resolved documents are cached.
/// </summary>
public sealed class DidResolver : IDidResolver
{
    private readonly ConcurrentDictionary<string, DidDocument> _documents = new(StringComparer.Ordinal);
    private readonly int _maxCached;

    /// <summary>Creates a resolver. <paramref name="maxCached"/> bounds the cache of computed documents (default 10,000).</summary>
    public DidResolver(int maxCached = 10_000)
    {
        _maxCached = maxCached;
    }

    /// <summary>Adds or replaces a document.</summary>
    public DidResolver Add(DidDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        _documents[document.Id] = document;
        return this;
    }

    /// <inheritdoc/>
    public bool TryResolve(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        ArgumentNullException.ThrowIfNull(did);
        if (_documents.TryGetValue(did, out document))
        {
            return true;
        }

        if ((did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal) && DidPeer.TryResolve(did, out document, out _))
            || (did.StartsWith(DidKey.Prefix, StringComparison.Ordinal) && DidKey.TryResolve(did, out document, out _)))
        {
            if (_documents.Count < _maxCached)
            {
                _documents.TryAdd(did, document);
            }

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
