using System.Collections.Concurrent;
using System.Text;

namespace Telex.DidComm.Jose;

/// <summary>
/// Key ids and DIDs read from messages, kept as one string instance each. A party exchanges messages with a
/// bounded set of peers, and each of their DIDs is a few hundred characters that every message repeats
/// (recipient kid, signer kid, <c>from</c>, <c>to</c>); looking them up by their UTF-8 bytes avoids a new
/// string per name per message. Names are kept before the message is known to be valid, so strangers fill this
/// too: it is bounded in entries and in length (longer names are never kept), and once full it starts over, so a
/// flood of junk costs allocations while it lasts, never memory beyond the bound nor correctness.
/// </summary>
internal sealed class NameCache
{
    // Longer names are rare (a did:peer:2 with several keys and services) and are simply not cached.
    private const int MaxCachedLength = 1024;

    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte[]> _apvs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;
    private int _count;
    private int _apvCount;

    public NameCache(int capacity)
    {
        _capacity = capacity;
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Names kept now.</summary>
    internal int KeptNames => _names.Count;

    /// <summary>Apvs kept now.</summary>
    internal int KeptApvs => _apvs.Count;

    /// <summary>The string for these UTF-8 bytes (which must be valid UTF-8, as JSON strings are).</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxCachedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        Span<char> chars = stackalloc char[MaxCachedLength];
        int length = Encoding.UTF8.GetChars(utf8, chars);
        return Get(chars[..length]);
    }

    /// <summary>The DID of a key id (the part before '#'), or the DID itself.</summary>
    public string DidOf(string didOrKid)
    {
        int hash = didOrKid.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? didOrKid : Get(didOrKid.AsSpan(0, hash));
    }

    /// <summary>
    /// The JWE apv of a message whose only recipient is <paramref name="kid"/> (SHA-256 of the kid), computed once
    /// per kid while the cache has room.
    /// </summary>
    public ReadOnlySpan<byte> ApvOf(string kid)
    {
        if (_apvs.TryGetValue(kid, out var apv))
        {
            return apv;
        }

        apv = new byte[32];
        Jwe.ComputeApv([kid], apv);

        // Keyed by the kid itself: a long one (a stranger's, up to the message size) is hashed each time instead.
        if (kid.Length <= MaxCachedLength && _apvs.TryAdd(kid, apv))
        {
            StartOverWhenFull(_apvs, ref _apvCount);
        }

        return apv;
    }

    private string Get(ReadOnlySpan<char> chars)
    {
        if (_lookup.TryGetValue(chars, out var name))
        {
            return name;
        }

        name = new string(chars);
        if (chars.Length <= MaxCachedLength && _names.TryAdd(name, name))
        {
            StartOverWhenFull(_names, ref _count);
        }

        return name;
    }

    /// <summary>Counts an added entry; past the capacity, empties the map so the names in use now fill it again.</summary>
    private void StartOverWhenFull<T>(ConcurrentDictionary<string, T> map, ref int count)
    {
        if (Interlocked.Increment(ref count) > _capacity)
        {
            map.Clear();
            Interlocked.Exchange(ref count, 0);
        }
    }
}
