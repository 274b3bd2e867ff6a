namespace Telex.Core.Bureaus;

/// <summary>A bureau's charter and epochs as they travel between members, and how a bureau names its members.</summary>
internal static class BureauWire
{

    /// <summary>Longest member name accepted from a peer.</summary>
    public const int MaxMemberNameLength = 200;

    /// <summary>Reads a charter's or epoch's member list: at most <see cref="BureauService.MaxBureauMembers"/> + 1 agency DIDs with names.</summary>
    public static List<BureauMember>? ParseMembers(JsonElement body)
    {
        if (!body.TryGetProperty("members", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() is 0 or > BureauService.MaxBureauMembers + 1)
        {
            return null;
        }

        var members = new List<BureauMember>();
        foreach (var m in list.EnumerateArray())
        {
            string? did = m.StringMember("did"), name = m.StringMember("name"), endpoint = m.StringMember("endpoint");
            if (did is null || did.Length > 8192 || !IsPeerDid(did) || !PeerText.IsName(name, MaxMemberNameLength)
                || endpoint is { Length: > 2048 } || members.Any(x => x.Did == did))
            {
                return null;
            }

            members.Add(new BureauMember { Did = did, Name = name, Endpoint = endpoint });
        }

        return members;
    }

    public static JsonObject CharterJson(Bureau bureau, DateTimeOffset at) => new()
    {
        ["bureau"] = bureau.Id.ToString(),
        ["name"] = bureau.Name,
        ["purpose"] = bureau.Purpose,
        ["founder"] = bureau.Founder,
        ["secretariat"] = bureau.Secretariat,
        ["rule"] = bureau.Rule.ToString(),
        ["members"] = MembersJson(bureau.Members),
        ["time"] = at.ToUnixTimeMilliseconds(),
    };

    public static JsonObject EpochJson(Bureau bureau, BureauEpoch epoch) => new()
    {
        ["bureau"] = bureau.Id.ToString(),
        ["name"] = bureau.Name,
        ["epoch"] = epoch.Number,
        ["members"] = MembersJson(epoch.Members),
        ["time"] = epoch.OpenedAt.ToUnixTimeMilliseconds(),
    };

    public static JsonArray MembersJson(IEnumerable<BureauMember> members) =>
        new(members.Select(m =>
        {
            var o = new JsonObject { ["did"] = m.Did, ["name"] = m.Name.Length > MaxMemberNameLength ? m.Name[..MaxMemberNameLength] : m.Name };
            if (m.Endpoint is not null)
            {
                o["endpoint"] = m.Endpoint;
            }

            return (JsonNode?)o;
        }).ToArray());

    public static Bureau WithState(Bureau bureau, string did, MemberState state, DateTimeOffset now) => bureau with
    {
        ChangedAt = now,
        Members = bureau.Members.Select(m => m.Did == did ? m with { State = state } : m).ToList(),
    };

    public static string NameIn(Bureau bureau, string did) => bureau.Member(did)?.Name ?? Shorten(did);

    public static string Shorten(string did) => did.Length > 40 ? did[..40] + "…" : did;

    /// <summary>Whether <paramref name="did"/> is a did:peer DID.</summary>
    public static bool IsPeerDid(string did) => did.StartsWith(DidPeer.Prefix, StringComparison.Ordinal);
}
