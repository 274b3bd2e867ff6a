using Telex.Core.Model;

namespace Telex.Core.Relay;

/// <summary>How the relay service finds the counterparts a person names, and what the directory knows of them.</summary>
internal interface ICounterparts
{
    /// <summary>A tie by its counterpart's DID, else by its counterpart's name (ignoring case); null when none.</summary>
    Task<Tie?> FindTieAsync(string didOrName, CancellationToken ct);

    /// <summary>The DID of a counterpart named by DID or by the name of a tie or directory entry; throws when none.</summary>
    Task<string> ResolveCounterpartDidAsync(string didOrName, CancellationToken ct);

    /// <summary>Why an agency of the directory cannot be written to (it has no DID this agency can encrypt to).</summary>
    Task<TelexException> UnaddressableAsync(string recipient, CancellationToken ct);

    /// <summary>Whether the relay policy names the pair, following counterparts' key rotations.</summary>
    Task<bool> RelayPolicyNamesAsync(RelayPolicy policy, string a, string b, CancellationToken ct);
}
