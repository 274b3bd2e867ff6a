namespace Telex.DidComm.Dids;

/// <summary>
/// Computed DID documents, least recently used evicted first, bounded by an estimate of the memory they hold.
/// Anyone may name any DID in a message, so what lands here is chosen by strangers too: the bound is in bytes, not
/// in documents, because one <c>did:peer:2</c> of a few kilobytes can carry dozens of keys, each with its own key
/// id that repeats the whole DID.
/// </summary>
internal sealed class DocumentCache
{
    // What the runtime adds to each object and string beyond its fields and characters (64-bit).
    private const int ObjectOverhead = 24;
    private const int ReferenceSize = 8;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<Entry>> _byDid = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();
    private readonly long _maxBytes;
    private readonly long _maxDocumentBytes;
    private long _bytes;

    /// <summary>Creates a cache holding about <paramref name="maxBytes"/> bytes of documents at most.</summary>
    public DocumentCache(long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _maxBytes = maxBytes;

        // A document bigger than this is resolved again each time rather than kept: a handful of them would
        // otherwise push every ordinary peer's document out.
        _maxDocumentBytes = maxBytes / 16;
    }

    /// <summary>The estimated bytes the cached documents hold.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>The number of cached documents.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byDid.Count;
            }
        }
    }

    /// <summary>Finds a cached document and marks it as the most recently used.</summary>
    public bool TryGet(string did, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out DidDocument? document)
    {
        lock (_gate)
        {
            if (_byDid.TryGetValue(did, out var node))
            {
                if (node != _recency.First)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                }

                document = node.Value.Document;
                return true;
            }
        }

        document = null;
        return false;
    }

    /// <summary>Keeps <paramref name="document"/> (unless it is too big to keep), evicting the least recently used to make room.</summary>
    public void Add(DidDocument document)
    {
        long bytes = EstimateBytes(document);
        if (bytes > _maxDocumentBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (_byDid.ContainsKey(document.Id))
            {
                return;
            }

            _byDid.Add(document.Id, _recency.AddFirst(new Entry(document, bytes)));
            _bytes += bytes;
            while (_bytes > _maxBytes && _recency.Last is { } oldest)
            {
                _recency.RemoveLast();
                _byDid.Remove(oldest.Value.Document.Id);
                _bytes -= oldest.Value.Bytes;
            }
        }
    }

    /// <summary>
    /// An estimate, on the high side, of the managed memory a document keeps alive: its strings (UTF-16), keys and
    /// the objects around them, and its place in this cache.
    /// </summary>
    internal static long EstimateBytes(DidDocument document)
    {
        // The entry, its list node, the dictionary slot and the document object with its three lists.
        long bytes = 6 * ObjectOverhead + 16 * ReferenceSize + StringBytes(document.Id);
        foreach (var method in document.VerificationMethods)
        {
            // The method record, the key (with room for the key objects it creates on first use) and their ids;
            // the controller and type are shared strings.
            bytes += 4 * ObjectOverhead + 256 + 2 * method.Key.X.Length + 2 * method.Key.Y.Length + StringBytes(method.Id);
            if (method.Key.Kid is { } kid && !ReferenceEquals(kid, method.Id))
            {
                bytes += StringBytes(kid);
            }
        }

        bytes += ReferenceSize * (document.Authentication.Count + document.KeyAgreement.Count + document.VerificationMethods.Count);
        foreach (var service in document.Services)
        {
            bytes += 3 * ObjectOverhead + StringBytes(service.Id) + StringBytes(service.Uri);
            foreach (string accept in service.Accept)
            {
                bytes += ReferenceSize + StringBytes(accept);
            }

            foreach (string key in service.RoutingKeys)
            {
                bytes += ReferenceSize + StringBytes(key);
            }
        }

        return bytes;
    }

    private static long StringBytes(string s) => ObjectOverhead + (2L * s.Length);

    private sealed record Entry(DidDocument Document, long Bytes);
}
