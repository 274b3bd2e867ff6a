using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Telex.DidComm.Dids;

/// <summary>
/// Computed DID documents, bounded by an estimate of the memory they hold. Anyone may name any DID in a message, so
/// what lands here is chosen by strangers too: the bound is in bytes, not in documents, because one <c>did:peer:2</c>
/// of a few kilobytes can carry dozens of keys, each with its own key id that repeats the whole DID. Eviction is
/// second chance (CLOCK): a document used since the last sweep is kept for another round, so the counterparts in use
/// stay while a flood of DIDs named once goes first; a hit costs one lookup and no lock.
/// </summary>
internal sealed class DocumentCache
{
    // What the runtime adds to each object and string beyond its fields and characters (64-bit).
    private const int ObjectOverhead = 24;
    private const int ReferenceSize = 8;

    private readonly ConcurrentDictionary<string, Entry> _byDid = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    // Every cached entry in the order the clock hand visits them; guarded by _gate, as is _bytes.
    private readonly Queue<Entry> _clock = new();
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
    public int Count => _byDid.Count;

    /// <summary>Finds a cached document and marks it as used since the last sweep.</summary>
    public bool TryGet(string did, [NotNullWhen(true)] out DidDocument? document)
    {
        if (_byDid.TryGetValue(did, out var entry))
        {
            if (!entry.Used)
            {
                entry.Used = true;
            }

            document = entry.Document;
            return true;
        }

        document = null;
        return false;
    }

    /// <summary>Keeps <paramref name="document"/> (unless it is too big to keep), evicting what was not used lately to make room.</summary>
    public void Add(DidDocument document)
    {
        long bytes = EstimateBytes(document);
        if (bytes > _maxDocumentBytes)
        {
            return;
        }

        lock (_gate)
        {
            var entry = new Entry(document, bytes);
            if (!_byDid.TryAdd(document.Id, entry))
            {
                return;
            }

            _clock.Enqueue(entry);
            _bytes += bytes;

            // Each entry used since the last sweep is spared once; readers may mark entries meanwhile, so the
            // sparing is capped at one round of the clock and then the oldest goes regardless.
            int spare = _clock.Count;
            while (_bytes > _maxBytes && _clock.TryDequeue(out var oldest))
            {
                if (oldest.Used && spare-- > 0)
                {
                    oldest.Used = false;
                    _clock.Enqueue(oldest);
                    continue;
                }

                _byDid.TryRemove(oldest.Document.Id, out _);
                _bytes -= oldest.Bytes;
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

    private sealed class Entry(DidDocument document, long bytes)
    {
        public DidDocument Document { get; } = document;

        public long Bytes { get; } = bytes;

        /// <summary>Set on each hit, cleared when the clock hand spares the entry.</summary>
        public volatile bool Used;
    }
}
