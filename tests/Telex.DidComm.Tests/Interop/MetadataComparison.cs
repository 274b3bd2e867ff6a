using System.Text;
using System.Text.Json.Nodes;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// Puts the expected unpack metadata, the reference's and Telex's for the same packed bytes side by side, field by
/// field under didcomm-rust's names, and fails with the whole table when any column differs.
/// </summary>
internal static class MetadataComparison
{
    private static readonly string[] Fields =
    [
        "encrypted", "authenticated", "non_repudiation", "anonymous_sender", "re_wrapped_in_forward", "encrypted_from_kid",
        "encrypted_to_kids", "sign_from", "from_prior_issuer_kid", "enc_alg_auth", "enc_alg_anon", "sign_alg", "from_prior",
    ];

    /// <summary>Telex's metadata in the reference's shape.</summary>
    public static JsonObject FromTelex(UnpackMetadata m) => new()
    {
        ["encrypted"] = m.Encrypted,
        ["authenticated"] = m.Authenticated,
        ["non_repudiation"] = m.NonRepudiation,
        ["anonymous_sender"] = m.AnonymousSender,
        ["re_wrapped_in_forward"] = m.ReWrappedInForward,
        ["encrypted_from_kid"] = m.EncryptedFromKid,
        ["encrypted_to_kids"] = m.EncryptedToKids is null ? null : new JsonArray(m.EncryptedToKids.Select(k => (JsonNode?)k).ToArray()),
        ["sign_from"] = m.SignFrom,
        ["from_prior_issuer_kid"] = m.FromPriorIssuerKid,
        ["enc_alg_auth"] = m.EncAlgAuth,
        ["enc_alg_anon"] = m.EncAlgAnon,
        ["sign_alg"] = m.SignAlg,
        ["from_prior"] = m.FromPrior is { } claims ? JsonNode.Parse(claims.GetRawText()) : null,
        ["signed_message"] = m.SignedMessage.IsEmpty ? null : JsonNode.Parse(m.SignedMessage.Span),
    };

    public static void AssertAgree(string layer, JsonObject expected, JsonNode? reference, UnpackMetadata telex, JsonObject? referenceQuirks = null)
    {
        Assert.NotNull(reference);
        var ours = FromTelex(telex);
        var table = new StringBuilder();
        bool differ = false;
        foreach (string field in Fields)
        {
            var e = expected[field];
            var r = reference[field];
            var t = ours[field];
            var er = referenceQuirks is not null && referenceQuirks.ContainsKey(field) ? referenceQuirks[field] : e;
            bool same = JsonNode.DeepEquals(er, r) && JsonNode.DeepEquals(e, t);
            differ |= !same;
            table.Append(same ? "  " : "≠ ").Append(field.PadRight(22))
                .Append(" expected ").Append(Show(e)).Append(" | reference ").Append(Show(r)).Append(ReferenceEquals(er, e) ? "" : " (known quirk " + Show(er) + ")")
                .Append(" | Telex ").AppendLine(Show(t));
        }

        // The JWS kept for non-repudiation: present exactly when signed, and the same JWS on both sides.
        var referenceJws = reference["signed_message"] is JsonValue v ? JsonNode.Parse(v.GetValue<string>()) : null;
        var telexJws = ours["signed_message"];
        bool signed = expected["non_repudiation"]!.GetValue<bool>();
        bool jwsSame = (referenceJws is not null) == signed && JsonNode.DeepEquals(referenceJws, telexJws);
        differ |= !jwsSame;
        table.Append(jwsSame ? "  " : "≠ ").Append("signed_message".PadRight(22))
            .Append(" expected ").Append(signed ? "the JWS" : "null")
            .Append(" | reference ").Append(ShowJws(referenceJws)).Append(" | Telex ").AppendLine(ShowJws(telexJws));

        Assert.False(differ, $"{layer} metadata differ:\n{table}");
    }

    private static string Show(JsonNode? node) => node is null ? "null" : node.ToJsonString();

    private static string ShowJws(JsonNode? jws) =>
        jws is null ? "null" : $"JWS with payload of {jws["payload"]?.GetValue<string>().Length ?? 0} chars";
}
