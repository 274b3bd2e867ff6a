namespace Telex.Storage.Relational;

/// <summary>Key rotations: this agency's own, and its counterparts', under which a tie is known by every DID it has held.</summary>
public abstract partial class RelationalStore
{
    /// <summary>SQL for the tie's current DID given any DID it has held (an alias resolves; any other DID is itself).</summary>
    protected static string CurrentDid(string p) => $"COALESCE((SELECT tie_did FROM key_rotations WHERE old_did={p} AND NOT own), {p})";

    /// <summary>SQL for the set of every DID the tie named by <paramref name="p"/> (current or an alias) has held.</summary>
    protected static string DidsOfTie(string p) =>
        $"(SELECT {CurrentDid(p)} UNION SELECT old_did FROM key_rotations WHERE NOT own AND tie_did={CurrentDid(p)})";
}
