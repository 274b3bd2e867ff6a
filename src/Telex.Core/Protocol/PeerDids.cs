namespace Telex.Core.Protocol;

/// <summary>What a DID a peer or an officer names must be to name an agency: a did:peer:2 DID.</summary>
internal static class PeerDids
{
    /// <summary>True for a did:peer DID.</summary>
    public static bool Is(string did) => did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal);

    /// <summary>True for a did:peer DID of at most <paramref name="maxLength"/> characters.</summary>
    public static bool Is(string did, int maxLength) => did.Length <= maxLength && Is(did);
}
