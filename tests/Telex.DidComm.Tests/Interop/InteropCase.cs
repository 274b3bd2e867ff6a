using System.Text.Json.Nodes;

using Telex.DidComm.Crypto;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// One way of packing the message from Alice to Bob, the same arguments for both implementations, and the unpack
/// metadata the DIDComm spec implies for it (named as didcomm-rust names them).
/// </summary>
internal sealed record InteropCase(string Name)
{
    private const string AliceEd25519 = "did:example:alice#key-1";
    private const string AliceP256Signing = "did:example:alice#key-2";
    private const string AliceSecp256k1 = "did:example:alice#key-3";
    private const string AliceX25519 = "did:example:alice#key-x25519-1";
    private const string AliceP256 = "did:example:alice#key-p256-1";
    private const string BobX25519 = "did:example:bob#key-x25519-1";
    private const string BobP256 = "did:example:bob#key-p256-1";
    private const string Mediator1X25519 = "did:example:mediator1#key-x25519-1";
    private const string Mediator2X25519 = "did:example:mediator2#key-x25519-1";

    // Encrypting to a DID uses all its key-agreement keys of the first curve; Bob has three X25519 keys.
    private static readonly string[] AllBobX25519 = [BobX25519, "did:example:bob#key-x25519-2", "did:example:bob#key-x25519-3"];
    private static readonly string[] AllBobP256 = [BobP256, "did:example:bob#key-p256-2"];

    /// <summary>The signer (DID or key id) for a signed layer.</summary>
    public string? SignBy { get; init; }

    /// <summary>The authcrypt sender (DID or key id); null means anoncrypt.</summary>
    public string? From { get; init; }

    /// <summary>The recipient (DID or key id); null means signed only, not encrypted.</summary>
    public string? To { get; init; }

    /// <summary>Content encryption of anoncrypt layers, protect-sender and forward layers included.</summary>
    public ContentEncryption Anon { get; init; } = ContentEncryption.A256CbcHs512;

    public bool ProtectSender { get; init; }

    /// <summary>Bob's service routing keys, first hop first; empty: sent directly.</summary>
    public IReadOnlyList<string> RoutingKeys { get; init; } = [];

    /// <summary>Each Forward carries the message's <c>expires_time</c> (forward headers).</summary>
    public bool ForwardExpiry { get; init; }

    /// <summary>When set, the packed message is wrapped in a forward to this key of Bob's own (re-wrapping).</summary>
    public string? ReWrapTo { get; init; }

    /// <summary>
    /// Metadata fields where didcomm-node 0.4.1 is known to report otherwise, with the values it reports. The
    /// reference's column is checked against these, so a change in either implementation still fails the test.
    /// </summary>
    public JsonObject? ReferenceQuirks { get; init; }

    public string? ExpectedSignFrom { get; init; }

    public string? ExpectedSignAlg { get; init; }

    public string? ExpectedFromKid { get; init; }

    public IReadOnlyList<string>? ExpectedToKids { get; init; }

    public bool Forwarded => RoutingKeys.Count > 0;

    public static IReadOnlyList<InteropCase> All { get; } =
    [
        new("signed EdDSA") { SignBy = AliceEd25519, ExpectedSignFrom = AliceEd25519, ExpectedSignAlg = "EdDSA" },
        new("signed ES256") { SignBy = AliceP256Signing, ExpectedSignFrom = AliceP256Signing, ExpectedSignAlg = "ES256" },
        new("signed ES256K") { SignBy = AliceSecp256k1, ExpectedSignFrom = AliceSecp256k1, ExpectedSignAlg = "ES256K" },
        .. Anoncrypt("X25519", ReferenceKeys.Bob, AllBobX25519),
        .. Anoncrypt("P-256", BobP256, [BobP256]),
        new("authcrypt X25519") { From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519 },
        new("authcrypt P-256") { From = AliceP256, To = ReferenceKeys.Bob, ExpectedFromKid = AliceP256, ExpectedToKids = AllBobP256 },
        new("signed EdDSA then anoncrypt XC20P")
        {
            SignBy = ReferenceKeys.Alice, To = ReferenceKeys.Bob, Anon = ContentEncryption.XC20P,
            ExpectedSignFrom = AliceEd25519, ExpectedSignAlg = "EdDSA", ExpectedToKids = AllBobX25519,
        },
        new("signed ES256 then authcrypt X25519")
        {
            SignBy = AliceP256Signing, From = ReferenceKeys.Alice, To = ReferenceKeys.Bob,
            ExpectedSignFrom = AliceP256Signing, ExpectedSignAlg = "ES256", ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
        },
        new("authcrypt X25519 with protected sender A256GCM")
        {
            From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, ProtectSender = true, Anon = ContentEncryption.A256Gcm,
            ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
        },
        new("authcrypt P-256 with protected sender XC20P")
        {
            From = AliceP256, To = ReferenceKeys.Bob, ProtectSender = true, Anon = ContentEncryption.XC20P,
            ExpectedFromKid = AliceP256, ExpectedToKids = AllBobP256,
        },
        new("authcrypt forwarded through one mediator")
        {
            From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, RoutingKeys = [Mediator1X25519], Anon = ContentEncryption.XC20P,
            ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
        },
        new("signed authcrypt forwarded through two mediators")
        {
            SignBy = AliceEd25519, From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, RoutingKeys = [Mediator1X25519, Mediator2X25519],
            ExpectedSignFrom = AliceEd25519, ExpectedSignAlg = "EdDSA", ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
        },

        // Routing 2.0: "When the internal message expires, it's a good idea to also include an expiration for
        // forward requests. Include the expires_time header with the appropriate value."
        new("forwarded with expires_time on the Forward")
        {
            From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, RoutingKeys = [Mediator1X25519], ForwardExpiry = true,
            ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
        },

        // Re-wrapping (Routing 2.0 "Rewrapping") is a mediator's transport choice, "invisible to senders": the metadata
        // describe the envelope the sender built, as for the same message delivered without re-wrapping.
        new("authcrypt re-wrapped to the recipient")
        {
            From = ReferenceKeys.Alice, To = ReferenceKeys.Bob, ReWrapTo = BobX25519,
            ExpectedFromKid = AliceX25519, ExpectedToKids = AllBobX25519,
            ReferenceQuirks = ReWrapQuirks(encrypted: null),
        },
        new("signed re-wrapped to the recipient")
        {
            SignBy = AliceEd25519, ReWrapTo = BobX25519, ExpectedSignFrom = AliceEd25519, ExpectedSignAlg = "EdDSA",
            ReferenceQuirks = ReWrapQuirks(encrypted: true),
        },
    ];

    /// <summary>
    /// didcomm-rust 0.4.1 keeps the metadata of the mediator's re-wrapping envelope when it unwraps a forward addressed
    /// to the recipient itself (src/message/unpack/mod.rs never resets it; authcrypt.rs keeps the first
    /// encrypted_to_kids), so it reports the mediator's anoncrypt layer as if the sender had built it.
    /// </summary>
    private static JsonObject ReWrapQuirks(bool? encrypted)
    {
        var quirks = new JsonObject
        {
            ["anonymous_sender"] = true,
            ["encrypted_to_kids"] = new JsonArray(BobX25519),
            ["enc_alg_anon"] = AnonAlg(ContentEncryption.A256CbcHs512),
        };
        if (encrypted is { } e)
        {
            quirks["encrypted"] = e;
        }

        return quirks;
    }

    public static InteropCase Named(string name) => All.Single(c => c.Name == name);

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var c in All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    /// <summary>The mediators in the order the message reaches them, with the next hop each one learns.</summary>
    public IEnumerable<(string Mediator, string Key, string Next)> Hops() =>
        RoutingKeys.Select((key, i) => (PackerDid(key), key, i + 1 < RoutingKeys.Count ? RoutingKeys[i + 1] : ReferenceKeys.Bob));

    /// <summary>
    /// What Bob's unpack must report. Anonymous sender: the outermost layer is anoncrypt, i.e. no authcrypt, or
    /// authcrypt wrapped again to hide the sender. Authenticated: authcrypt or a signature.
    /// </summary>
    public JsonObject ExpectedMetadata()
    {
        bool encrypted = To is not null;
        bool anonymous = encrypted && (From is null || ProtectSender);
        return Metadata(
            encrypted: encrypted,
            authenticated: From is not null || SignBy is not null,
            nonRepudiation: SignBy is not null,
            anonymousSender: anonymous,
            reWrapped: ReWrapTo is not null,
            fromKid: ExpectedFromKid,
            toKids: ExpectedToKids,
            signFrom: ExpectedSignFrom,
            encAlgAuth: From is null ? null : "A256cbcHs512Ecdh1puA256kw",
            encAlgAnon: anonymous ? AnonAlg(Anon) : null,
            signAlg: ExpectedSignAlg);
    }

    /// <summary>What a mediator's unwrap of its forward layer must report: anoncrypt to its key, nothing else.</summary>
    public JsonObject ExpectedHopMetadata(string key) => Metadata(
        encrypted: true, authenticated: false, nonRepudiation: false, anonymousSender: true, reWrapped: false,
        fromKid: null, toKids: [key], signFrom: null, encAlgAuth: null, encAlgAnon: AnonAlg(Anon), signAlg: null);

    /// <summary>didcomm-rust's name of the anoncrypt algorithm (<c>AnonCryptAlg</c>).</summary>
    public static string AnonAlg(ContentEncryption enc) => enc switch
    {
        ContentEncryption.A256CbcHs512 => "A256cbcHs512EcdhEsA256kw",
        ContentEncryption.A256Gcm => "A256gcmEcdhEsA256kw",
        ContentEncryption.XC20P => "Xc20pEcdhEsA256kw",
        _ => throw new ArgumentOutOfRangeException(nameof(enc)),
    };

    public override string ToString() => Name;

    private static string PackerDid(string kid) => kid[..kid.IndexOf('#', StringComparison.Ordinal)];

    private static IEnumerable<InteropCase> Anoncrypt(string curve, string to, string[] toKids) =>
        Enum.GetValues<ContentEncryption>().Select(enc => new InteropCase($"anoncrypt {enc.JweName()} {curve}")
        {
            To = to,
            Anon = enc,
            ExpectedToKids = toKids,
        });

    private static JsonObject Metadata(bool encrypted, bool authenticated, bool nonRepudiation, bool anonymousSender, bool reWrapped,
        string? fromKid, IReadOnlyList<string>? toKids, string? signFrom, string? encAlgAuth, string? encAlgAnon, string? signAlg) => new()
        {
            ["encrypted"] = encrypted,
            ["authenticated"] = authenticated,
            ["non_repudiation"] = nonRepudiation,
            ["anonymous_sender"] = anonymousSender,
            ["re_wrapped_in_forward"] = reWrapped,
            ["encrypted_from_kid"] = fromKid,
            ["encrypted_to_kids"] = toKids is null ? null : new JsonArray(toKids.Select(k => (JsonNode?)k).ToArray()),
            ["sign_from"] = signFrom,
            ["from_prior_issuer_kid"] = null,
            ["enc_alg_auth"] = encAlgAuth,
            ["enc_alg_anon"] = encAlgAnon,
            ["sign_alg"] = signAlg,
            ["from_prior"] = null,
        };
}
