using Telex.DidComm.Dids;
using Telex.DidComm.Jose;
using Telex.DidComm.Messages;

namespace Telex.DidComm;

/// <summary>
/// The unpacking half of <see cref="DidCommPacker"/>: reads any DIDComm v2 message layer by layer, verifying every
/// signature and tag and that the senders named inside match the keys used outside. Thread-safe; its only state is a
/// cache of the names read from incoming messages.
/// </summary>
internal sealed class DidCommUnpacker
{
    private readonly IDidResolver _dids;
    private readonly ISecretResolver _secrets;

    // Key ids and DIDs read from incoming messages. Names are kept before they are known to be valid, so a peer
    // sending junk can fill the cache: 2,048 names of at most 1,024 characters bound that to about 4 MB, after
    // which unpack simply allocates its strings again. Legitimate peers of one party rarely come near that.
    private const int NameCacheCapacity = 2_048;

    private readonly NameCache _names = new(NameCacheCapacity);

    public DidCommUnpacker(IDidResolver dids, ISecretResolver secrets, DidCommLimits limits)
    {
        _dids = dids;
        _secrets = secrets;
        Limits = limits;
    }

    /// <summary>The bounds applied to untrusted input.</summary>
    public DidCommLimits Limits { get; }

    /// <summary>Per-unpack state: which layers were seen, and the metadata gathered so far.</summary>
    private sealed class Layers
    {
        public int Count;
        public bool Anon;
        public bool Auth;
        public bool Signed;
        public bool ReWrapped;
        /// <summary>True when the bytes of the current layer belong to this unpack (decrypted or decoded here), not to the caller.</summary>
        public bool Owned;
        public string? RecipientKid;
        public string? FromKid;
        public IReadOnlyList<string>? ToKids;
        public string? SignFrom;
        public string? SignAlg;
        public string? EncAlgAnon;
        public string? EncAlgAuth;
        public ReadOnlyMemory<byte> SignedMessage;
    }

    /// <summary>
    /// Unpacks any DIDComm v2 message (plaintext, signed, anoncrypt, authcrypt, and their allowed nestings),
    /// verifying every signature and tag and that the senders named inside match the keys used outside.
    /// Never throws on untrusted input: failures come back typed in the result.
    /// </summary>
    public UnpackResult Unpack(ReadOnlyMemory<byte> packed, UnpackOptions? options = null)
    {
        options ??= UnpackOptions.Default;
        if (packed.Length > Limits.MaxMessageBytes)
        {
            return UnpackResult.Fail(UnpackFailureKind.TooLarge, $"message exceeds {Limits.MaxMessageBytes} bytes");
        }

        try
        {
            return UnpackLayer(packed, new Layers(), options);
        }
        catch (Exception e) when (e is JsonException or CryptographicException or FormatException or ArgumentException
            or InvalidOperationException or OverflowException or IndexOutOfRangeException or DidCommException)
        {
            // Defence in depth: every path above reports typed failures; anything that still escapes is a refusal.
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "message could not be processed");
        }
    }

    private UnpackResult UnpackLayer(ReadOnlyMemory<byte> bytes, Layers s, UnpackOptions options)
    {
        if (++s.Count > Limits.MaxLayers)
        {
            return UnpackResult.Fail(UnpackFailureKind.TooDeep, $"more than {Limits.MaxLayers} envelope layers");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = Limits.MaxJsonDepth });
        }
        catch (JsonException)
        {
            return ExceedsDepth(bytes.Span, Limits.MaxJsonDepth)
                ? UnpackResult.Fail(UnpackFailureKind.TooDeep, $"JSON nested deeper than {Limits.MaxJsonDepth}")
                : UnpackResult.Fail(UnpackFailureKind.Malformed, "Message is not a valid JWE, JWS or JWM: not JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return UnpackResult.Fail(UnpackFailureKind.Malformed, "Message is not a valid JWE, JWS or JWM");
            }

            if (Jwe.IsJwe(root))
            {
                return UnpackJwe(root, s, options);
            }

            if (Jws.IsJws(root))
            {
                return UnpackJws(bytes, root, s, options);
            }

            return UnpackPlaintext(bytes, root, s, options);
        }
    }

    private static bool ExceedsDepth(ReadOnlySpan<byte> json, int limit)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = int.MaxValue / 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= limit)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            return reader.CurrentDepth >= limit;
        }

        return false;
    }

    private UnpackResult UnpackJwe(JsonElement root, Layers s, UnpackOptions options)
    {
        if (!Jwe.TryParse(root, Limits, out var jwe, out var failure, _names))
        {
            return UnpackResult.Fail(failure!.Kind, failure.Reason);
        }

        if (jwe.Authcrypt ? s.Auth || s.Signed : s.Anon || s.Auth || s.Signed)
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "encryption layers are nested in an order DIDComm does not allow");
        }

        int index = -1;
        SecretJwk? secret = null;
        for (int i = 0; i < jwe.Recipients.Count; i++)
        {
            if (_secrets.TryGetSecret(jwe.Recipients[i].Kid, out secret))
            {
                index = i;
                break;
            }
        }

        if (index < 0 || secret is null)
        {
            return UnpackResult.Fail(UnpackFailureKind.WrongKey, "none of the recipient keys is held here");
        }

        PublicJwk? senderKey = null;
        if (jwe.Authcrypt)
        {
            if (!TryFindKey(jwe.Skid!, agreement: true, out senderKey))
            {
                return UnpackResult.Fail(UnpackFailureKind.WrongKey, $"sender key {jwe.Skid} cannot be resolved");
            }
        }

        if (!Jwe.TryDecrypt(jwe, index, secret, senderKey, out byte[] plaintext, out failure))
        {
            return UnpackResult.Fail(failure!.Kind, failure.Reason);
        }

        s.Owned = true;
        s.RecipientKid = jwe.Recipients[index].Kid;
        var toKids = new string[jwe.Recipients.Count];
        for (int i = 0; i < toKids.Length; i++)
        {
            toKids[i] = jwe.Recipients[i].Kid;
        }

        s.ToKids = toKids;
        if (jwe.Authcrypt)
        {
            s.Auth = true;
            s.FromKid = jwe.Skid;
            s.EncAlgAuth = Jwe.MetadataName(true, jwe.Enc);
        }
        else
        {
            s.Anon = true;
            s.EncAlgAnon = Jwe.MetadataName(false, jwe.Enc);
        }

        return UnpackLayer(plaintext, s, options);
    }

    private UnpackResult UnpackJws(ReadOnlyMemory<byte> bytes, JsonElement root, Layers s, UnpackOptions options)
    {
        if (s.Signed)
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "a signed message inside a signed message");
        }

        if (!Jws.TryParse(root, Limits, out var jws, out var failure, _names))
        {
            return UnpackResult.Fail(failure!.Kind, failure.Reason);
        }

        foreach (var sig in jws.Signatures)
        {
            if (!TryFindKey(sig.Kid, agreement: false, out var key))
            {
                return UnpackResult.Fail(UnpackFailureKind.WrongKey, $"signing key {sig.Kid} cannot be resolved");
            }

            if (!Jws.Verify(sig, jws.PayloadB64, key))
            {
                return UnpackResult.Fail(UnpackFailureKind.Tampered, "JWS signature does not verify");
            }
        }

        byte[] payload = new byte[System.Buffers.Text.Base64Url.GetMaxDecodedLength(jws.PayloadB64.Length)];
        if (!B64.TryDecode(jws.PayloadB64, payload, out int payloadLength) || payloadLength != payload.Length)
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "JWS payload is not base64url");
        }

        s.Signed = true;
        s.SignFrom = jws.Signatures[0].Kid;
        s.SignAlg = jws.Signatures[0].Alg.JwsName();
        s.SignedMessage = s.Owned ? bytes : bytes.ToArray();
        s.Owned = true;
        return UnpackLayer(payload, s, options);
    }

    private UnpackResult UnpackPlaintext(ReadOnlyMemory<byte> bytes, JsonElement root, Layers s, UnpackOptions options)
    {
        if (!MessageJson.TryParse(root, Limits, out var message, out string error, _names))
        {
            return UnpackResult.Fail(error.StartsWith("more than", StringComparison.Ordinal) ? UnpackFailureKind.TooLarge : UnpackFailureKind.Malformed,
                "Message is not a valid JWE, JWS or JWM: " + error);
        }

        if (options.UnwrapReWrappingForward && s.Anon && message.Type == DidCommPacker.ForwardType
            && Forwarding.TryParse(message, out string? next, out byte[]? forwarded, out _) && IsOurs(next))
        {
            var inner = new Layers { Count = s.Count, ReWrapped = true, Owned = true };
            return UnpackLayer(forwarded, inner, options);
        }

        if (s.Signed && !IsDidOf(message.From, s.SignFrom!))
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "the signer is not the message's 'from'");
        }

        if (s.Auth && !IsDidOf(message.From, s.FromKid!))
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "the authcrypt sender is not the message's 'from'");
        }

        // After a key rotation a message addressed to the recipient's prior DID may be encrypted to its new key: the
        // 'to' still names the recipient when it names a DID whose key-agreement secrets the recipient holds.
        if (s.RecipientKid is not null && message.To is not null && !NamesDidOf(message.To, s.RecipientKid) && !message.To.Any(IsOurs))
        {
            return UnpackResult.Fail(UnpackFailureKind.Malformed, "the message's 'to' does not name the recipient it was encrypted to");
        }

        string? priorKid = null;
        JsonElement? priorClaims = null;
        if (message.FromPrior is not null)
        {
            var priorFailure = VerifyFromPrior(message, out priorKid, out priorClaims);
            if (priorFailure is not null)
            {
                return UnpackResult.Fail(priorFailure.Kind, priorFailure.Reason);
            }
        }

        var metadata = new UnpackMetadata
        {
            Encrypted = s.Anon || s.Auth,
            Authenticated = s.Auth || s.Signed,
            NonRepudiation = s.Signed,
            AnonymousSender = s.Anon,
            ReWrappedInForward = s.ReWrapped,
            EncryptedFromKid = s.FromKid,
            EncryptedToKids = s.ToKids,
            SignFrom = s.SignFrom,
            SignAlg = s.SignAlg,
            EncAlgAnon = s.EncAlgAnon,
            EncAlgAuth = s.EncAlgAuth,
            SignedMessage = s.SignedMessage,
            FromPriorIssuerKid = priorKid,
            FromPrior = priorClaims,
        };
        return UnpackResult.Ok(message, s.Owned ? bytes : bytes.ToArray(), metadata);
    }

    private bool IsOurs(string next)
    {
        if (next.Contains('#', StringComparison.Ordinal))
        {
            return _secrets.TryGetSecret(next, out _);
        }

        return _dids.TryResolve(next, out var doc) && doc.KeyAgreement.Any(k => _secrets.TryGetSecret(k, out _));
    }

    /// <summary>True when <paramref name="did"/> is the DID of <paramref name="kid"/> (compared in place, no substring).</summary>
    private static bool IsDidOf(string? did, string kid)
    {
        int hash = kid.IndexOf('#', StringComparison.Ordinal);
        return did is not null && did.AsSpan().SequenceEqual(hash < 0 ? kid : kid.AsSpan(0, hash));
    }

    private static bool NamesDidOf(IReadOnlyList<string> dids, string kid)
    {
        foreach (string did in dids)
        {
            if (IsDidOf(did, kid))
            {
                return true;
            }
        }

        return false;
    }

    private bool TryFindKey(string kid, bool agreement, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PublicJwk? key)
    {
        key = null;
        if (!_dids.TryResolve(_names.DidOf(kid), out var doc))
        {
            return false;
        }

        var method = doc.FindMethod(kid);
        if (method is null || !(agreement ? doc.KeyAgreement : doc.Authentication).Contains(method.Id))
        {
            return false;
        }

        key = method.Key;
        return true;
    }

    private UnpackFailure? VerifyFromPrior(Message message, out string? issuerKid, out JsonElement? claims)
    {
        issuerKid = null;
        claims = null;
        string[] parts = message.FromPrior!.Split('.');
        if (parts.Length != 3 || !B64.TryDecode(parts[0], out var headerBytes) || !B64.TryDecode(parts[1], out var claimBytes)
            || !B64.TryDecode(parts[2], out var signature))
        {
            return new(UnpackFailureKind.Malformed, "'from_prior' is not a compact JWS");
        }

        string? kid, algName, iss, sub;
        try
        {
            using var header = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
            using var body = JsonDocument.Parse(claimBytes, new JsonDocumentOptions { MaxDepth = 16 });
            kid = Json.GetString(header.RootElement, "kid");
            algName = Json.GetString(header.RootElement, "alg");
            iss = Json.GetString(body.RootElement, "iss");
            sub = Json.GetString(body.RootElement, "sub");
            claims = body.RootElement.Clone();
        }
        catch (JsonException)
        {
            return new(UnpackFailureKind.Malformed, "'from_prior' header or claims are not JSON");
        }

        if (kid is null || iss is null || sub is null || DidCommPacker.DidOf(kid) != iss || iss == sub
            || (message.From is not null && message.From != sub))
        {
            return new(UnpackFailureKind.Malformed, "'from_prior' must be signed by its 'iss' and name the sender as 'sub'");
        }

        if (!Signatures.TryParse(algName, out var alg))
        {
            return new(UnpackFailureKind.Unsupported, $"'from_prior' algorithm '{algName}' is not supported");
        }

        if (!TryFindKey(kid, agreement: false, out var key))
        {
            return new(UnpackFailureKind.WrongKey, $"'from_prior' key {kid} cannot be resolved");
        }

        byte[] input = System.Text.Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!Signatures.Verify(key, alg, input, signature))
        {
            return new(UnpackFailureKind.Tampered, "'from_prior' signature does not verify");
        }

        issuerKid = kid;
        return null;
    }
}
