using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

using Telex.DidComm.Crypto;
using Telex.DidComm.Keys;

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
        var sorted = kids.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        return SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(string.Join('.', sorted)));
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
        foreach (var r in recipients)
        {
            if (r.Curve != curve || r.Kid is null)
            {
                throw new ArgumentException("recipients must share one curve and have key ids", nameof(recipients));
            }
        }

        if (sender is not null && (sender.Curve != curve || sender.Kid is null))
        {
            throw new ArgumentException("the sender key must be on the recipients' curve and have a key id", nameof(sender));
        }

        bool auth = sender is not null;
        string alg = auth ? AuthAlg : AnonAlg;
        byte[] apvBytes = ApvBytes(recipients.Select(r => r.Kid!));
        string apv = Base64Url.EncodeToString(apvBytes);
        string? apu = auth ? Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(sender!.Kid!)) : null;

        using var epk = SecretJwk.Generate(curve);
        using var headerBuffer = new PooledBufferWriter(512);
        using (var hw = new Utf8JsonWriter(headerBuffer, Json.WireWriter))
        {
            hw.WriteStartObject();
            hw.WriteString("typ"u8, EncryptedMediaType);
            hw.WriteString("alg"u8, alg);
            hw.WriteString("enc"u8, enc.JweName());
            if (auth)
            {
                hw.WriteString("skid"u8, sender!.Kid);
                hw.WriteString("apu"u8, apu);
            }

            hw.WriteString("apv"u8, apv);
            hw.WriteStartObject("epk"u8);
            epk.PublicKey.WriteMembers(hw);
            hw.WriteEndObject();
            hw.WriteEndObject();
        }

        int protectedLen = Base64Url.GetEncodedLength(headerBuffer.WrittenCount);
        int ctLen = enc.CiphertextSize(plaintext.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(protectedLen + ctLen + Base64Url.GetEncodedLength(ctLen));
        Span<byte> cek = stackalloc byte[enc.KeySize()];
        Span<byte> iv = stackalloc byte[enc.IvSize()];
        Span<byte> tag = stackalloc byte[enc.TagSize()];
        try
        {
            var protectedB64 = rented.AsSpan(0, protectedLen);
            Base64Url.EncodeToUtf8(headerBuffer.WrittenSpan, protectedB64);
            var ciphertext = rented.AsSpan(protectedLen, ctLen);
            RandomNumberGenerator.Fill(cek);
            RandomNumberGenerator.Fill(iv);
            enc.Encrypt(cek, iv, protectedB64, plaintext, ciphertext, tag);

            byte[] apuBytes = apu is null ? [] : System.Text.Encoding.UTF8.GetBytes(sender!.Kid!);

            using var w = new Utf8JsonWriter(output, Json.WireWriter);
            w.WriteStartObject();
            w.WriteString("protected"u8, protectedB64);
            w.WriteStartArray("recipients"u8);
            int zSize = KeyAgreement.SecretSize(curve);
            Span<byte> z = stackalloc byte[auth ? 2 * zSize : zSize];
            Span<byte> kek = stackalloc byte[32];
            foreach (var recipient in recipients)
            {
                if (!KeyAgreement.TryAgree(epk, recipient, z[..zSize])
                    || (auth && !KeyAgreement.TryAgree(sender!, recipient, z[zSize..])))
                {
                    throw new ArgumentException($"key agreement with recipient key {recipient.Kid} failed");
                }

                ConcatKdf.DeriveKey(z, alg, apuBytes, apvBytes, tag, kek, includeTag: auth);
                byte[] wrapped = AesKeyWrap.Wrap(kek, cek);
                w.WriteStartObject();
                w.WriteStartObject("header"u8);
                w.WriteString("kid"u8, recipient.Kid);
                w.WriteEndObject();
                w.WriteString("encrypted_key"u8, Base64Url.EncodeToString(wrapped));
                w.WriteEndObject();
            }

            CryptographicOperations.ZeroMemory(z);
            CryptographicOperations.ZeroMemory(kek);
            w.WriteEndArray();
            WriteB64(w, "iv"u8, iv);
            var ctB64 = rented.AsSpan(protectedLen + ctLen, Base64Url.GetEncodedLength(ctLen));
            Base64Url.EncodeToUtf8(ciphertext, ctB64);
            w.WriteString("ciphertext"u8, ctB64);
            WriteB64(w, "tag"u8, tag);
            w.WriteEndObject();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
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

        public required string ProtectedB64 { get; init; }

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

    public static bool TryParse(JsonElement root, DidCommLimits limits, out Parsed parsed, out UnpackFailure? failure)
    {
        parsed = null!;
        failure = null;
        string? protectedB64 = Json.GetString(root, "protected"u8);
        if (protectedB64 is null || !B64.TryDecode(protectedB64, out var headerBytes))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'protected' is missing or not base64url", out failure);
        }

        if (!root.TryGetProperty("ciphertext"u8, out var ctElement) || ctElement.ValueKind != JsonValueKind.String
            || !IsBase64Url(JsonMarshal.GetRawUtf8Value(ctElement)))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'ciphertext' is not base64url", out failure);
        }

        if (Json.GetString(root, "iv"u8) is not { } ivB64 || !B64.TryDecode(ivB64, out var iv)
            || Json.GetString(root, "tag"u8) is not { } tagB64 || !B64.TryDecode(tagB64, out var tag))
        {
            return Fail(UnpackFailureKind.Malformed, "JWE 'iv' or 'tag' is missing or not base64url", out failure);
        }

        var recipients = new List<(string, byte[])>();
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

            foreach (var r in recs.EnumerateArray())
            {
                if (!TryParseRecipient(r, out var rec, out failure))
                {
                    return false;
                }

                recipients.Add(rec);
            }
        }
        else if (TryParseRecipient(root, out var single, out failure))
        {
            recipients.Add(single);
        }
        else
        {
            return false;
        }

        try
        {
            using var header = JsonDocument.Parse(headerBytes, new JsonDocumentOptions { MaxDepth = 8 });
            var h = header.RootElement;
            if (h.ValueKind != JsonValueKind.Object)
            {
                return Fail(UnpackFailureKind.Malformed, "JWE protected header is not an object", out failure);
            }

            string? alg = Json.GetString(h, "alg"u8);
            bool auth = alg == AuthAlg;
            if (!auth && alg != AnonAlg)
            {
                return Fail(alg is null ? UnpackFailureKind.Malformed : UnpackFailureKind.Unsupported,
                    $"JWE algorithm '{alg}' is not supported", out failure);
            }

            string? encName = Json.GetString(h, "enc"u8);
            if (!ContentEncryptions.TryParse(encName, out var enc))
            {
                return Fail(encName is null ? UnpackFailureKind.Malformed : UnpackFailureKind.Unsupported,
                    $"JWE content encryption '{encName}' is not supported", out failure);
            }

            if (auth && enc != ContentEncryption.A256CbcHs512)
            {
                return Fail(UnpackFailureKind.Unsupported, "ECDH-1PU key wrapping requires A256CBC-HS512", out failure);
            }

            if (!h.TryGetProperty("epk"u8, out var epkElement) || !PublicJwk.TryParse(epkElement, out var epk, out var epkError)
                || !epk.Curve.CanAgree())
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'epk' is missing or invalid", out failure);
            }

            byte[] apu = [];
            byte[] apv = [];
            if ((Json.GetString(h, "apu"u8) is { } apuB64 && !B64.TryDecode(apuB64, out apu))
                || (Json.GetString(h, "apv"u8) is { } apvB64 && !B64.TryDecode(apvB64, out apv)))
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'apu' or 'apv' is not base64url", out failure);
            }

            string? skid = Json.GetString(h, "skid"u8);
            if (auth)
            {
                string? apuKid = apu.Length > 0 ? System.Text.Encoding.UTF8.GetString(apu) : null;
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

            if (apv.Length > 0 && !apv.AsSpan().SequenceEqual(ApvBytes(recipients.Select(r => r.Item1))))
            {
                return Fail(UnpackFailureKind.Malformed, "JWE 'apv' does not match its recipients", out failure);
            }

            parsed = new Parsed
            {
                Root = root,
                ProtectedB64 = protectedB64,
                Authcrypt = auth,
                Enc = enc,
                Epk = epk,
                Apu = apu,
                Apv = apv,
                Skid = auth ? skid : null,
                Recipients = recipients,
                Iv = iv,
                Tag = tag,
            };
            return true;
        }
        catch (JsonException)
        {
            return Fail(UnpackFailureKind.Malformed, "JWE protected header is not JSON", out failure);
        }
    }

    private static bool TryParseRecipient(JsonElement r, out (string, byte[]) recipient, out UnpackFailure? failure)
    {
        recipient = default;
        failure = null;
        if (r.ValueKind != JsonValueKind.Object || !Json.TryGetObject(r, "header", out var header)
            || Json.GetString(header, "kid"u8) is not { } kid)
        {
            return Fail(UnpackFailureKind.Malformed, "JWE recipient has no 'header.kid'", out failure);
        }

        if (Json.GetString(r, "encrypted_key"u8) is not { } ek || !B64.TryDecode(ek, out var encryptedKey))
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
