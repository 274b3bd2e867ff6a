using System.Runtime.InteropServices;

namespace Telex.DidComm.Jose;

/// <summary>JWS in JSON serialization (RFC 7515 §7.2), as DIDComm signed messages use it.</summary>
internal static class Jws
{
    public const string SignedMediaType = "application/didcomm-signed+json";

    private static readonly Dictionary<SignatureAlgorithm, byte[]> ProtectedHeaders = new()
    {
        [SignatureAlgorithm.EdDsa] = EncodeHeader(SignatureAlgorithm.EdDsa),
        [SignatureAlgorithm.Es256] = EncodeHeader(SignatureAlgorithm.Es256),
        [SignatureAlgorithm.Es256K] = EncodeHeader(SignatureAlgorithm.Es256K),
    };

    private static byte[] EncodeHeader(SignatureAlgorithm alg)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes($"{{\"typ\":\"{SignedMediaType}\",\"alg\":\"{alg.JwsName()}\"}}");
        return System.Text.Encoding.ASCII.GetBytes(Base64Url.EncodeToString(json));
    }

    /// <summary>Signs <paramref name="payload"/> and writes the general JSON serialization.</summary>
    public static void Sign(ReadOnlySpan<byte> payload, SecretJwk key, string kid, IBufferWriter<byte> output)
    {
        var alg = Signatures.ForCurve(key.Curve);
        byte[] header = ProtectedHeaders[alg];
        int payloadLen = Base64Url.GetEncodedLength(payload.Length);
        byte[] rented = ArrayPool<byte>.Shared.Rent(header.Length + 1 + payloadLen);
        try
        {
            var input = rented.AsSpan(0, header.Length + 1 + payloadLen);
            header.CopyTo(input);
            input[header.Length] = (byte)'.';
            Base64Url.EncodeToUtf8(payload, input[(header.Length + 1)..]);
            Span<byte> signature = stackalloc byte[64];
            Signatures.Sign(key, input, signature);
            Span<byte> sigB64 = stackalloc byte[Base64Url.GetEncodedLength(64)];
            Base64Url.EncodeToUtf8(signature, sigB64);

            var w = Json.RentWriter(output);
            w.WriteStartObject();
            w.WriteString("payload"u8, input[(header.Length + 1)..]);
            w.WriteStartArray("signatures"u8);
            w.WriteStartObject();
            w.WriteString("protected"u8, header);
            w.WriteString("signature"u8, sigB64);
            w.WriteStartObject("header"u8);
            w.WriteString("kid"u8, kid);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            Json.ReturnWriter(w);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A parsed, not yet verified, JWS.</summary>
    /// <remarks>The payload stays in the caller's JSON document (raw UTF-8), which must outlive it.</remarks>
    public readonly record struct Parsed(JsonElement Payload, IReadOnlyList<ParsedSignature> Signatures)
    {
        /// <summary>The payload's base64url text as raw UTF-8 (base64url never needs JSON escapes).</summary>
        public ReadOnlySpan<byte> PayloadB64 => JsonMarshal.GetRawUtf8Value(Payload)[1..^1];
    }

    /// <summary>One signature of a parsed JWS; <paramref name="Protected"/> is the header's string element in the caller's document.</summary>
    public readonly record struct ParsedSignature(JsonElement Protected, SignatureAlgorithm Alg, string Kid, byte[] Signature)
    {
        /// <summary>The protected header's base64url text as UTF-8.</summary>
        public ReadOnlySpan<byte> ProtectedB64 => Json.Utf8(Protected);
    }

    /// <summary>True when the object looks like a JWS (general or flattened JSON).</summary>
    public static bool IsJws(JsonElement root) =>
        root.TryGetProperty("payload"u8, out _) && (root.TryGetProperty("signatures"u8, out _) || root.TryGetProperty("signature"u8, out _));

    public static bool TryParse(JsonElement root, DidCommLimits limits, out Parsed parsed, out UnpackFailure? failure,
        NameCache? names = null)
    {
        parsed = default;
        failure = null;
        if (!root.TryGetProperty("payload"u8, out var payload) || payload.ValueKind != JsonValueKind.String)
        {
            failure = new(UnpackFailureKind.Malformed, "JWS 'payload' is not a string");
            return false;
        }

        var list = new List<ParsedSignature>(1);
        if (root.TryGetProperty("signatures"u8, out var sigs))
        {
            if (sigs.ValueKind != JsonValueKind.Array || sigs.GetArrayLength() == 0)
            {
                failure = new(UnpackFailureKind.Malformed, "JWS 'signatures' must be a non-empty array");
                return false;
            }

            if (sigs.GetArrayLength() > limits.MaxRecipients)
            {
                failure = new(UnpackFailureKind.TooLarge, $"more than {limits.MaxRecipients} signatures");
                return false;
            }

            foreach (var s in sigs.EnumerateArray())
            {
                if (!TryParseSignature(s, names, out var sig, out failure))
                {
                    return false;
                }

                list.Add(sig);
            }
        }
        else if (!TryParseSignature(root, names, out var single, out failure))
        {
            return false;
        }
        else
        {
            list.Add(single);
        }

        parsed = new Parsed(payload, list);
        return true;
    }

    private static bool TryParseSignature(JsonElement s, NameCache? names, out ParsedSignature sig, out UnpackFailure? failure)
    {
        sig = default;
        failure = null;
        if (!s.TryGetProperty("protected"u8, out var protectedElement) || protectedElement.ValueKind != JsonValueKind.String
            || !Json.TryGetUtf8(s, "signature"u8, out var signatureB64) || !B64.TryDecode(signatureB64, out byte[] signature))
        {
            failure = new(UnpackFailureKind.Malformed, "JWS signature lacks a decodable 'protected' or 'signature'");
            return false;
        }

        var protectedB64 = Json.Utf8(protectedElement);
        byte[] headerBytes = ArrayPool<byte>.Shared.Rent(Math.Max(Base64Url.GetMaxDecodedLength(protectedB64.Length), 1));
        try
        {
            if (!B64.TryDecode(protectedB64, headerBytes, out int headerLength))
            {
                failure = new(UnpackFailureKind.Malformed, "JWS signature lacks a decodable 'protected' or 'signature'");
                return false;
            }

            using var header = JsonDocument.Parse(headerBytes.AsMemory(0, headerLength), new JsonDocumentOptions { MaxDepth = 8 });
            var h = header.RootElement;
            if (!TryParseAlg(h, out var alg))
            {
                string? algName = Json.GetString(h, "alg"u8);
                failure = algName is null
                    ? new(UnpackFailureKind.Malformed, "JWS protected header has no 'alg'")
                    : new(UnpackFailureKind.Unsupported, $"JWS algorithm '{algName}' is not supported");
                return false;
            }

            string? kid = Json.GetName(h, "kid"u8, names);
            if (s.TryGetProperty("header"u8, out var unprotected) && unprotected.ValueKind == JsonValueKind.Object)
            {
                kid ??= Json.GetName(unprotected, "kid"u8, names);
            }

            if (kid is null)
            {
                failure = new(UnpackFailureKind.Malformed, "JWS signature has no 'kid'");
                return false;
            }

            sig = new ParsedSignature(protectedElement, alg, kid, signature);
            return true;
        }
        catch (JsonException)
        {
            failure = new(UnpackFailureKind.Malformed, "JWS protected header is not JSON");
            return false;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(headerBytes);
        }
    }

    private static bool TryParseAlg(JsonElement header, out SignatureAlgorithm alg)
    {
        if (header.ValueKind == JsonValueKind.Object && header.TryGetProperty("alg"u8, out var e) && e.ValueKind == JsonValueKind.String)
        {
            foreach (var candidate in (ReadOnlySpan<SignatureAlgorithm>)[SignatureAlgorithm.EdDsa, SignatureAlgorithm.Es256, SignatureAlgorithm.Es256K])
            {
                if (e.ValueEquals(candidate.JwsName()))
                {
                    alg = candidate;
                    return true;
                }
            }
        }

        alg = default;
        return false;
    }

    /// <summary>Verifies one signature over protected.payload.</summary>
    public static bool Verify(ParsedSignature sig, ReadOnlySpan<byte> payloadB64, PublicJwk key)
    {
        var protectedB64 = sig.ProtectedB64;
        int len = protectedB64.Length + 1 + payloadB64.Length;
        byte[] rented = ArrayPool<byte>.Shared.Rent(len);
        try
        {
            var input = rented.AsSpan(0, len);
            protectedB64.CopyTo(input);
            input[protectedB64.Length] = (byte)'.';
            payloadB64.CopyTo(input[(protectedB64.Length + 1)..]);
            return Signatures.Verify(key, sig.Alg, input, sig.Signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Creates a compact JWS (for JWTs such as <c>from_prior</c>).</summary>
    public static string SignCompact(ReadOnlySpan<byte> headerJson, ReadOnlySpan<byte> payload, SecretJwk key)
    {
        string input = Base64Url.EncodeToString(headerJson) + "." + Base64Url.EncodeToString(payload);
        Span<byte> signature = stackalloc byte[64];
        Signatures.Sign(key, System.Text.Encoding.ASCII.GetBytes(input), signature);
        return input + "." + Base64Url.EncodeToString(signature);
    }
}
