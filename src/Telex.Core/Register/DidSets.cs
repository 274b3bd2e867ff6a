namespace Telex.Core.Register;

/// <summary>Disjoint sets of DIDs (union-find): the DIDs one agency has held, linked by its key rotations.</summary>
internal sealed class DidSets
{
    private readonly Dictionary<string, string> _parent = new(StringComparer.Ordinal);

    public void Link(string a, string b)
    {
        string ra = Find(a), rb = Find(b);
        if (!string.Equals(ra, rb, StringComparison.Ordinal))
        {
            _parent[ra] = rb;
        }
    }

    public bool Same(string a, string b) => string.Equals(Find(a), Find(b), StringComparison.Ordinal);

    public string Find(string did)
    {
        while (_parent.TryGetValue(did, out string? up))
        {
            did = up;
        }

        return did;
    }
}

