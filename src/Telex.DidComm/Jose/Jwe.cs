using System.Runtime.InteropServices;

namespace Telex.DidComm.Jose;

/// <summary>
/// JWE in general JSON serialization (RFC 7516 §7.2) with ECDH-ES+A256KW (anoncrypt) and ECDH-1PU+A256KW
/// (authcrypt, draft-madden-jose-ecdh-1pu-04) key management, as DIDComm v2 uses them.
/// </summary>
internal static class Jwe
{
    public const string EncryptedMediaType = "application/didcomm-encrypted+json";
    public const string AnonAlg = "ECDH-ES+A256KW";
    public const string AuthAlg = "ECDH-1PU+A256KW";

    /// <summary>The reference implementation's name for an (alg, enc) pair, reported in unpack metadata.</summary>
    public static string MetadataName(bool authcrypt, ContentEncryption enc) => (authcrypt, enc) switch
    {
        (true, ContentEncryption.A256CbcHs512) => "A256cbcHs512Ecdh1puA256kw",
        (true, ContentEncryption.A256Gcm) => "A256gcmEcdh1puA256kw",
        (true, _) => "Xc20pEcdh1puA256kw",
        (false, ContentEncryption.A256CbcHs512) => "A256cbcHs512EcdhEsA256kw",
        (false, ContentEncryption.A256Gcm) => "A256gcmEcdhEsA256kw",
        _ => "Xc20pEcdhEsA256kw",
    };

    /// <summary>The bytes apv carries (base64url in the header): SHA-256 of the recipient kids, sorted, joined by '.'.</summary>
    public static byte[] ApvBytes(IEnumerable<string> kids)
    {
        byte[] apv = new byte[32];
        ComputeApv([.. kids], apv);
        return apv;
    }

    /// <summary>Writes the 32 apv bytes for these kids (in any order) into <paramref name="apv"/>.</summary>
    internal static void ComputeApv(string[] kids, Span<byte> apv)
    {
        // One recipient, as nearly every telegram has: hash its kid as it is, without sorting or joining.
        string joined = kids.Length == 1 ? kids[0] : JoinSorted(kids);
        int max = System.Text.Encoding.UTF8.GetMaxByteCount(joined.Length);
        byte[]? rented = max > 1024 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> utf8 = rented ?? stackalloc byte[1024];
        int length = System.Text.Encoding.UTF8.GetBytes(joined, utf8);
        SHA256.HashData(utf8[..length], apv);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        static string JoinSorted(string[] kids)
        {
            var sorted = (string[])kids.Clone();
            Array.Sort(sorted, StringComparer.Ordinal);
            return string.Join('.', sorted);
        }
    }

    /// <summary>Encrypts <paramref name="plaintext"/> to every recipient (all on one curve); authcrypt when a sender is given.</summary>
    public static void Encrypt(ReadOnlySpan<byte> plaintext, IReadOnlyList<PublicJwk> recipients, SecretJwk? sender,
        ContentEncryption enc, IBufferWriter<byte> output)
    {
        if (recipients.Count == 0)
        {
            throw new ArgumentException("at least one recipient is required", nameof(recipients));
        }

        var curve = recipients[0].Curve;
        var kids = new string[recipients.Count];
        for (int i = 0; i < recipients.Count; i++)
        {
            var r = recipients[i];
            if (r.Curve != curve || r.Kid is null)
            {
                throw new ArgumentException("recipients must share one curve and have key ids", nameof(recipients));
            }

            kids[i] = r.Kid;
        }

        if (sender is not null && (sender.Curve != curve || sender.Kid is null))
        {
            throw new ArgumentException("the sender key must be on the recipients' curve and have a key id", nameof(sender));
        }

        bool auth = sender is not null;
        string alg = auth ? AuthAlg : AnonAlg;
        Span<byte> apvBytes = stackalloc byte[32];
        if (recipients.Count == 1)
        {
            recipients[0].ApvAsOnlyRecipient.CopyTo(apvBytes);
        }
        else
        {
            ComputeApv(kids, apvBytes);
        }

        byte[] apuBytes = auth ? System.Text.Encoding.UTF8.GetBytes(sender!.Kid!) : [];

        // X25519 (what DIDComm peers use) takes its ephemeral key straight from NSec; other curves go through SecretJwk.
        NSec.Cryptography.Key? ephemeralX25519 = null;
        SecretJwk? ephemeral = null;
        try
        {
            Span<byte> epkX = stackalloc byte[32];
            if (curve == KeyCurve.X25519)
            {
                ephemeralX25519 = NSec.Cryptography.Key.Create(NSec.Cryptography.KeyAgreementAlgorithm.X25519);
                ephemeralX25519.PublicKey.TryExport(NSec.Cryptography.KeyBlobFormat.RawPublicKey, epkX, out _);
            }
            else
            {
                ephemeral = SecretJwk.Generate(curve);
            }

            using var headerBuffer = new PooledBufferWriter(512);
            var hw = Json.RentWriter(headerBuffer);
            hw.WriteStartObject();
            hw.WriteString("typ"u8, EncryptedMediaType);
            hw.WriteString("alg"u8, alg);
            hw.WriteString("enc"u8, enc.JweName());
            if (auth)
            {
                hw.WriteString("skid"u8, sender!.Kid);
                WriteB64(hw, "apu"u8, apuBytes);
            }

            WriteB64(hw, "apv"u8, apvBytes);
            hw.WriteStartObject("epk"u8);
            if (ephemeral is null)
            {
                hw.WriteString("kty"u8, "OKP"u8);
                hw.WriteString("crv"u8, "X25519"u8);
                WriteB64(hw, "x"u8, epkX);
            }
            else
            {
                ephemeral.PublicKey.WriteMembers(hw);
            }

            hw.WriteEndObject();
            hw.WriteEndObject();
            Json.ReturnWriter(hw);

            EncryptWithHeader(plaintext, recipients, sender, enc, alg, apuBytes, apvBytes, headerBuffer.WrittenSpan,
                ephemeralX25519, ephemeral, output);
        }
        finally
        {
            ephemeralX25519?.Dispose();
            ephemeral?.Dispose();
        }
    }

    private static void EncryptWithHeader(ReadOnlySpan<byte> plaintext, IReadOnlyList<PublicJwk> recipients, SecretJwk? sender,
        ContentEncryption enc, string alg, ReadOnlySpan<byte> apuBytes, ReadOnlySpan<byte> apvBytes, ReadOnlySpan<byte> header,
        NSec.Cryptography.Key? ephemeralX25519, SecretJwk? ephemeral, IBufferWriter<byte> output)
    {
        bool auth = sender is not null;
        var curve = recipients[0].Curve;
        int protectedLen = Base64Url.GetEncodedLength(header.Length);
        int ctLen = enc.CiphertextSize(plaintext.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(protectedLen + ctLen + Base64Url.GetEncodedLength(ctLen) + 2);
        // One draw from the system's random source for the content key and the IV.
        Span<byte> cekAndIv = stackalloc byte[enc.KeySize() + enc.IvSize()];
        Span<byte> cek = cekAndIv[..enc.KeySize()];
        Span<byte> iv = cekAndIv[enc.KeySize()..];
        Span<byte> tag = stackalloc byte[enc.TagSize()];
        Span<byte> wrapped = stackalloc byte[enc.KeySize() + 8];
        try
        {
            var protectedB64 = rented.AsSpan(0, protectedLen);
            Base64Url.EncodeToUtf8(header, protectedB64);
            var ciphertext = rented.AsSpan(protectedLen, ctLen);
            RandomNumberGenerator.Fill(cekAndIv);
            enc.Encrypt(cek, iv, protectedB64, plaintext, ciphertext, tag);

            var w = Json.RentWriter(output);
            w.WriteStartObject();
            w.WriteString("protected"u8, protectedB64);
            w.WriteStartArray("recipients"u8);
            int zSize = KeyAgreement.SecretSize(curve);
            Span<byte> z = stackalloc byte[auth ? 2 * zSize : zSize];
            Span<byte> kek = stackalloc byte[32];
            foreach (var recipient in recipients)
            {
                bool agreed = ephemeralX25519 is not null
                    ? KeyAgreement.TryAgreeX25519(ephemeralX25519, recipient, z[..zSize])
                    : KeyAgreement.TryAgree(ephemeral!, recipient, z[..zSize]);
                if (!agreed || (auth && !KeyAgreement.TryAgree(sender!, recipient, z[zSize..])))
                {
                    throw new ArgumentException($"key agreement with recipient key {recipient.Kid} failed");
                }

                ConcatKdf.DeriveKey(z, alg, apuBytes, apvBytes, tag, kek, includeTag: auth);
                AesKeyWrap.Wrap(kek, cek, wrapped);
                w.WriteStartObject();
                w.WriteStartObject("header"u8);
                w.WriteString("kid"u8, recipient.Kid);
                w.WriteEndObject();
                WriteB64(w, "encrypted_key"u8, wrapped);
                w.WriteEndObject();
            }

            CryptographicOperations.ZeroMemory(z);
            CryptographicOperations.ZeroMemory(kek);
            w.WriteEndArray();
            WriteB64(w, "iv"u8, iv);
            // The ciphertext's base64url (most of the JWE) is written as a raw JSON string: its alphabet needs no
            // escaping, so the writer's scan for characters to escape is skipped.
            var ctJson = rented.AsSpan(protectedLen + ctLen, Base64Url.GetEncodedLength(ctLen) + 2);
            ctJson[0] = (byte)'"';
            Base64Url.EncodeToUtf8(ciphertext, ctJson[1..^1]);
            ctJson[^1] = (byte)'"';
            w.WritePropertyName("ciphertext"u8);
            w.WriteRawValue(ctJson, skipInputValidation: true);
            WriteB64(w, "tag"u8, tag);
            w.WriteEndObject();
            Json.ReturnWriter(w);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
            CryptographicOperations.ZeroMemory(wrapped);
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private static void WriteB64(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Span<byte> b64 = stackalloc byte[Base64Url.GetEncodedLength(value.Length)];
        Base64Url.EncodeToUtf8(value, b64);
        w.WriteString(name, b64);
    }

    /// <summary>True when the object looks like a JWE.</summary>
    public static bool IsJwe(JsonElement root) => root.TryGetProperty("ciphertext"u8, out _);

    /// <summary>A parsed, not yet decrypted, JWE. Holds spans into the caller's JSON document.</summary>
    public sealed class Parsed
    {
        public required JsonElement Root { get; init; }

        public required bool Authcrypt { get; init; }

        public required ContentEncryption Enc { get; init; }

        public required PublicJwk Epk { get; init; }

        public required byte[] Apu { get; init; }

        public required byte[] Apv { get; init; }

        public string? Skid { get; init; }

        public required IReadOnlyList<(string Kid, byte[] EncryptedKey)> Recipients { get; init; }

        public required byte[] Iv { get; init; }

        public required byte[] Tag { get; init; }
    }

    /// <summary>
    /// Parses and checks a JWE's members and protected header. Members are read as UTF-8 from the document
    /// (no strings but the key ids, which <paramref name="names"/> keeps one instance of when given).
    /// </summary>
    public static bool TryParse(JsonElement root, DidCommLimits limits, out Parsed parsed, out UnpackFailure? failure,
        NameCache? names = null)
    {
        parsed = null!;
        failure = null;
        if (!Json.TryGetUtf8(root, "protected"u8, out var protectedB64) || !B64.IsCanonicalAlphabet(protectedB64))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'protected' is missing or not base64url", out failure);
        }

        if (!root.TryGetProperty("ciphertext"u8, out var ctElement) || ctElement.ValueKind != JsonValueKind.String
            || !IsBase64Url(JsonMarshal.GetRawUtf8Value(ctElement)))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'ciphertext' is not base64url", out failure);
        }

        if (!Json.TryGetUtf8(root, "iv"u8, out var ivB64) || !B64.TryDecode(ivB64, out byte[] iv)
            || !Json.TryGetUtf8(root, "tag"u8, out var tagB64) || !B64.TryDecode(tagB64, out byte[] tag))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'iv' or 'tag' is missing or not base64url", out failure);
        }

        (string, byte[])[] recipients;
        if (root.TryGetProperty("recipients"u8, out var recs))
        {
            if (recs.ValueKind != JsonValueKind.Array || recs.GetArrayLength() == 0)
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'recipients' must be a non-empty array", out failure);
            }

            if (recs.GetArrayLength() > limits.MaxRecipients)
            {
                return Fail(UnpackFailureKind.TooLarge, $"more than {limits.MaxRecipients} recipients", out failure);
            }

            recipients = new (string, byte[])[recs.GetArrayLength()];
            int i = 0;
            foreach (var r in recs.EnumerateArray())
            {
                if (!TryParseRecipient(r, names, out recipients[i++], out failure))
                {
                    return false;
                }
            }
        }
        else if (TryParseRecipient(root, names, out var single, out failure))
        {
            recipients = [single];
        }
        else
        {
            return false;
        }

        int headerMax = Base64Url.GetMaxDecodedLength(protectedB64.Length);
        byte[] headerBytes = ArrayPool<byte>.Shared.Rent(Math.Max(headerMax, 1));
        try
        {
            if (!B64.TryDecode(protectedB64, headerBytes, out int headerLength))
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'protected' is missing or not base64url", out failure);
            }

            using var header = JsonDocument.Parse(headerBytes.AsMemory(0, headerLength), new JsonDocumentOptions { MaxDepth = 8 });
            return TryParseHeader(header.RootElement, root, recipients, iv, tag, out parsed, out failure, names);
        }
        catch (JsonException)
        {
            return Fail(UnpackFailureKind.Malformed, "JWE protected header is not JSON", out failure);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(headerBytes);
        }
    }

    private static bool TryParseHeader(JsonElement h, JsonElement root, (string Kid, byte[] EncryptedKey)[] recipients, byte[] iv,
        byte[] tag, out Parsed parsed, out UnpackFailure? failure, NameCache? names)
    {
        parsed = null!;
        failure = null;
        if (h.ValueKind != JsonValueKind.Object)
        {
            return Fail(UnpackFailureKind.Malformed, "JWE protected header is not an object", out failure);
        }

        bool auth = HasString(h, "alg"u8, AuthAlg);
        if (!auth && !HasString(h, "alg"u8, AnonAlg))
        {
            string? alg = Json.GetString(h, "alg"u8);
            return Fail(alg is null ? UnpackFailureKind.Malformed : UnpackFailureKind.Unsupported,
                $"JWE algorithm '{alg}' is not supported", out failure);
        }

        if (!TryParseEnc(h, out var enc))
        {
            string? encName = Json.GetString(h, "enc"u8);
            return Fail(encName is null ? UnpackFailureKind.Malformed : UnpackFailureKind.Unsupported,
                $"JWE content encryption '{encName}' is not supported", out failure);
        }

        if (auth && enc != ContentEncryption.A256CbcHs512)
        {
            return Fail(UnpackFailureKind.Unsupported, "ECDH-1PU key wrapping requires A256CBC-HS512", out failure);
        }

        if (!h.TryGetProperty("epk"u8, out var epkElement) || !PublicJwk.TryParse(epkElement, out var epk, out _)
            || !epk.Curve.CanAgree())
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'epk' is missing or invalid", out failure);
        }

        byte[] apu = [];
        byte[] apv = [];
        if ((Json.TryGetUtf8(h, "apu"u8, out var apuB64) && !B64.TryDecode(apuB64, out apu))
            || (Json.TryGetUtf8(h, "apv"u8, out var apvB64) && !B64.TryDecode(apvB64, out apv)))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'apu' or 'apv' is not base64url", out failure);
        }

        string? skid = null;
        if (auth)
        {
            skid = Json.GetName(h, "skid"u8, names);
            string? apuKid = apu.Length > 0 ? (names?.Get(apu) ?? System.Text.Encoding.UTF8.GetString(apu)) : null;
            if (skid is not null && apuKid is not null && skid != apuKid)
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'skid' and 'apu' name different senders", out failure);
            }

            skid ??= apuKid;
            if (skid is null)
            {
                return Fail(UnpackFailureKind.Malformed, "authcrypt JWE names no sender ('skid' or 'apu')", out failure);
            }
        }

        if (apv.Length > 0)
        {
            Span<byte> expected = stackalloc byte[32];
            if (recipients.Length == 1 && names is not null)
            {
                names.ApvOf(recipients[0].Kid).CopyTo(expected);
            }
            else
            {
                var kids = new string[recipients.Length];
                for (int i = 0; i < kids.Length; i++)
                {
                    kids[i] = recipients[i].Kid;
                }

                ComputeApv(kids, expected);
            }

            if (!apv.AsSpan().SequenceEqual(expected))
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'apv' does not match its recipients", out failure);
            }
        }

        parsed = new Parsed
        {
            Root = root,
            Authcrypt = auth,
            Enc = enc,
            Epk = epk,
            Apu = apu,
            Apv = apv,
            Skid = skid,
            Recipients = recipients,
            Iv = iv,
            Tag = tag,
        };
        return true;
    }

    private static bool HasString(JsonElement obj, ReadOnlySpan<byte> name, string value) =>
        obj.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String && e.ValueEquals(value);

    private static bool TryParseEnc(JsonElement h, out ContentEncryption enc)
    {
        foreach (var candidate in (ReadOnlySpan<ContentEncryption>)[ContentEncryption.A256CbcHs512, ContentEncryption.A256Gcm, ContentEncryption.XC20P])
        {
            if (HasString(h, "enc"u8, candidate.JweName()))
            {
                enc = candidate;
                return true;
            }
        }

        enc = default;
        return false;
    }

    private static bool TryParseRecipient(JsonElement r, NameCache? names, out (string, byte[]) recipient, out UnpackFailure? failure)
    {
        recipient = default;
        failure = null;
        if (r.ValueKind != JsonValueKind.Object || !Json.TryGetObject(r, "header", out var header)
            || Json.GetName(header, "kid"u8, names) is not { } kid)
        {
            return Fail(UnpackFailureKind.Malformed, "JWE recipient has no 'header.kid'", out failure);
        }

        if (!Json.TryGetUtf8(r, "encrypted_key"u8, out var ek) || !B64.TryDecode(ek, out byte[] encryptedKey))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE recipient 'encrypted_key' is missing or not base64url", out failure);
        }

        recipient = (kid, encryptedKey);
        return true;
    }

    // The raw value includes its quotes; base64url never needs JSON escapes.
    private static bool IsBase64Url(ReadOnlySpan<byte> raw) => raw.Length >= 2 && B64.IsCanonicalAlphabet(raw[1..^1]);

    /// <summary>
    /// Unwraps the content key for one recipient and decrypts. Returns the plaintext (a new array), or a failure:
    /// Malformed when the keys do not agree (wrong curve, invalid point), Tampered when unwrap or the tag fails.
    /// </summary>
    public static bool TryDecrypt(Parsed jwe, int recipientIndex, SecretJwk recipientKey, PublicJwk? senderKey,
        out byte[] plaintext, out UnpackFailure? failure)
    {
        plaintext = [];
        var (_, encryptedKey) = jwe.Recipients[recipientIndex];
        var curve = recipientKey.Curve;
        if (jwe.Epk.Curve != curve || (senderKey is not null && senderKey.Curve != curve))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE key curves do not match the recipient key", out failure);
        }

        int zSize = KeyAgreement.SecretSize(curve);
        Span<byte> z = stackalloc byte[senderKey is null ? zSize : 2 * zSize];
        if (!KeyAgreement.TryAgree(recipientKey, jwe.Epk, z[..zSize])
            || (senderKey is not null && !KeyAgreement.TryAgree(recipientKey, senderKey, z[zSize..])))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'epk' or sender key is not a valid point for the recipient key", out failure);
        }

        Span<byte> kek = stackalloc byte[32];
        ConcatKdf.DeriveKey(z, jwe.Authcrypt ? AuthAlg : AnonAlg, jwe.Apu, jwe.Apv, jwe.Tag, kek, includeTag: jwe.Authcrypt);
        CryptographicOperations.ZeroMemory(z);
        Span<byte> cek = stackalloc byte[jwe.Enc.KeySize()];
        bool unwrapped = encryptedKey.Length == cek.Length + 8 && AesKeyWrap.TryUnwrap(kek, encryptedKey, cek);
        CryptographicOperations.ZeroMemory(kek);
        if (!unwrapped)
        {
            return Fail(UnpackFailureKind.Tampered, "JWE content key does not unwrap (changed or not for this key)", out failure);
        }

        var ctRaw = JsonMarshal.GetRawUtf8Value(jwe.Root.GetProperty("ciphertext"u8));
        ctRaw = ctRaw[1..^1];
        int maxCt = Base64Url.GetMaxDecodedLength(ctRaw.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(maxCt * 2);
        try
        {
            // TryParse checked the alphabet and length already; this only decodes.
            if (Base64Url.DecodeFromUtf8(ctRaw, rented.AsSpan(0, maxCt), out _, out int ctLen) != OperationStatus.Done)
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'ciphertext' is not base64url", out failure);
            }

            var aad = JsonMarshal.GetRawUtf8Value(jwe.Root.GetProperty("protected"u8))[1..^1];
            int ptLen = jwe.Enc.Decrypt(cek, jwe.Iv, aad, rented.AsSpan(0, ctLen), jwe.Tag, rented.AsSpan(maxCt, maxCt));
            CryptographicOperations.ZeroMemory(cek);
            if (ptLen < 0)
            {
                return Fail(UnpackFailureKind.Tampered, "JWE authentication tag does not verify", out failure);
            }

            plaintext = rented.AsSpan(maxCt, ptLen).ToArray();
            failure = null;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
        }
    }

    private static bool Fail(UnpackFailureKind kind, string reason, out UnpackFailure failure)
    {
        failure = new UnpackFailure(kind, reason);
        return false;
    }
}
