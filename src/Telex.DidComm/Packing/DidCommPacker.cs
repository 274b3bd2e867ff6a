using Telex.DidComm.Dids;
using Telex.DidComm.Jose;
using Telex.DidComm.Messages;

namespace Telex.DidComm;

/// <summary>
/// Packs and unpacks DIDComm v2 messages: plaintext, signed (JWS), anoncrypt and authcrypt (JWE), their
/// combinations, and routing forwards. Packing is here; unpacking is <see cref="DidCommUnpacker"/>'s and forwards are
/// <see cref="Forwarding"/>'s, reached through this one entry point. Thread-safe; holds no state but its resolvers.
/// </summary>
public sealed class DidCommPacker
{
    /// <summary>The message type of routing/2.0 forward.</summary>
    public const string ForwardType = "https://didcomm.org/routing/2.0/forward";

    private readonly IDidResolver _dids;
    private readonly ISecretResolver _secrets;
    private readonly DidCommUnpacker _unpacker;

    /// <summary>Creates a packer over a DID resolver and the secrets this party holds.</summary>
    public DidCommPacker(IDidResolver dids, ISecretResolver secrets, DidCommLimits? limits = null)
    {
        _dids = dids ?? throw new ArgumentNullException(nameof(dids));
        _secrets = secrets ?? throw new ArgumentNullException(nameof(secrets));
        Limits = limits ?? DidCommLimits.Default;
        _unpacker = new DidCommUnpacker(_dids, _secrets, Limits);
    }

    /// <summary>The bounds applied to untrusted input.</summary>
    public DidCommLimits Limits { get; }

    /// <summary>Serializes a plaintext message (no protection at all).</summary>
    public static byte[] PackPlaintext(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.ToUtf8Json();
    }

    /// <summary>Signs a message (JWS) with <paramref name="signBy"/>, a DID or one of its authentication key ids.</summary>
    public PackResult PackSigned(Message message, string signBy)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = FindSigningKey(message, signBy);
        using var plaintext = new PooledBufferWriter(2048);
        MessageJson.Write(message, plaintext);
        using var output = new PooledBufferWriter(plaintext.WrittenCount * 2);
        Jws.Sign(plaintext.WrittenSpan, key, key.Kid!, output);
        return new PackResult(output.ToArray(), null, key.Kid, [], null, null);
    }

    /// <summary>
    /// Encrypts a message to <see cref="PackEncryptedOptions.To"/>: anoncrypt when
    /// <see cref="PackEncryptedOptions.From"/> is null, authcrypt from that DID or key id otherwise; signed first when
    /// <see cref="PackEncryptedOptions.SignBy"/> is given; wrapped in anoncrypt when
    /// <see cref="PackEncryptedOptions.ProtectSender"/>; forwarded through the recipient's mediators when its service
    /// names routing keys. Throws <see cref="DidCommException"/> on misuse.
    /// </summary>
    public PackResult PackEncrypted(Message message, PackEncryptedOptions options)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.To, nameof(options) + "." + nameof(options.To));
        string toDid = DidOf(options.To);
        if (message.To is not null && !message.To.Contains(toDid))
        {
            throw new DidCommException($"message 'to' does not contain {toDid}");
        }

        if (options.From is not null && message.From != DidOf(options.From))
        {
            throw new DidCommException($"message 'from' is not {DidOf(options.From)}");
        }

        SecretJwk? signer = options.SignBy is null ? null : FindSigningKey(message, options.SignBy);
        using var plaintext = new PooledBufferWriter(4096);
        MessageJson.Write(message, plaintext);
        if (signer is null)
        {
            return EncryptCore(plaintext.WrittenSpan, toDid, null, options);
        }

        using var signed = new PooledBufferWriter(plaintext.WrittenCount * 2);
        Jws.Sign(plaintext.WrittenSpan, signer, signer.Kid!, signed);
        return EncryptCore(signed.WrittenSpan, toDid, signer.Kid, options);
    }

    /// <summary>
    /// Encrypts an already packed message — typically a signed message (JWS) kept for the record — as
    /// <see cref="PackEncrypted"/> does after signing. The payload is not inspected;
    /// <see cref="PackEncryptedOptions.SignBy"/> must be null.
    /// </summary>
    public PackResult PackEncryptedPayload(ReadOnlySpan<byte> payload, PackEncryptedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.To, nameof(options) + "." + nameof(options.To));
        if (options.SignBy is not null)
        {
            throw new ArgumentException("a packed payload is not signed again: SignBy must be null", nameof(options));
        }

        return EncryptCore(payload, DidOf(options.To), null, options);
    }

    private PackResult EncryptCore(ReadOnlySpan<byte> payload, string toDid, string? signByKid, PackEncryptedOptions options)
    {
        string to = options.To;
        string? from = options.From;
        var toDoc = Resolve(toDid);
        SecretJwk? sender = null;
        List<PublicJwk> recipients;
        if (from is null)
        {
            recipients = AgreementKeys(toDoc, to, curve: null);
        }
        else
        {
            (sender, recipients) = FindAuthcryptKeys(from, toDoc, to);
        }

        // At most two layers: authcrypt, then anoncrypt when there is no sender or the sender is to be hidden.
        using var first = new PooledBufferWriter(payload.Length * 2 + 1024);
        using var second = new PooledBufferWriter(sender is not null && options.ProtectSender ? payload.Length * 2 + 2048 : 1);
        var layer = first;
        ReadOnlySpan<byte> current = payload;
        if (sender is not null)
        {
            Jwe.Encrypt(current, recipients, sender, ContentEncryption.A256CbcHs512, layer);
            current = layer.WrittenSpan;
            layer = second;
        }

        if (sender is null || options.ProtectSender)
        {
            Jwe.Encrypt(current, recipients, null, options.AnonEncryption, layer);
            current = layer.WrittenSpan;
        }

        var service = FindService(toDoc, options.MessagingService);
        string? endpoint = service?.Uri;
        if (options.Forward && service is not null)
        {
            var routingKeys = new List<string>(service.RoutingKeys);
            if (service.Uri.StartsWith("did:", StringComparison.Ordinal))
            {
                // The endpoint is a mediator's DID: it is the first hop, reached at its own endpoint.
                routingKeys.Insert(0, service.Uri);
                endpoint = FindService(Resolve(DidOf(service.Uri)), null)?.Uri;
            }

            if (routingKeys.Count > 0)
            {
                byte[] wrapped = WrapInForward(current, to, routingKeys, options.AnonEncryption, options.ForwardHeaders);
                return new PackResult(wrapped, sender?.Kid, signByKid, recipients.ConvertAll(r => r.Kid!), service, endpoint);
            }
        }

        return new PackResult(current.ToArray(), sender?.Kid, signByKid, recipients.ConvertAll(r => r.Kid!), service, endpoint);
    }

    /// <summary>
    /// Unpacks any DIDComm v2 message (plaintext, signed, anoncrypt, authcrypt, and their allowed nestings),
    /// verifying every signature and tag and that the senders named inside match the keys used outside.
    /// Never throws on untrusted input: failures come back typed in the result.
    /// </summary>
    public UnpackResult Unpack(ReadOnlyMemory<byte> packed, UnpackOptions? options = null) => _unpacker.Unpack(packed, options);

    /// <summary>
    /// Wraps a packed message for mediators: <paramref name="routingKeys"/>[0] is the first hop (outermost); each
    /// forward names the following hop, the last names <paramref name="to"/>.
    /// </summary>
    public byte[] WrapInForward(ReadOnlySpan<byte> packed, string to, IReadOnlyList<string> routingKeys,
        Crypto.ContentEncryption encryption = Crypto.ContentEncryption.A256CbcHs512,
        IReadOnlyDictionary<string, JsonElement>? headers = null) => Forwarding.Wrap(this, packed, to, routingKeys, encryption, headers);

    /// <summary>
    /// A mediator's step: unpacks a message addressed to it and, if it is a forward, returns the next hop and the
    /// message to pass on. Never throws on untrusted input.
    /// </summary>
    public bool TryUnwrapForward(ReadOnlyMemory<byte> packed, out ForwardResult? result, out UnpackFailure? failure) =>
        Forwarding.TryUnwrap(_unpacker, packed, out result, out failure);

    internal static string DidOf(string didOrKid)
    {
        int hash = didOrKid.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? didOrKid : didOrKid[..hash];
    }

    internal DidDocument Resolve(string did) =>
        _dids.TryResolve(did, out var doc) ? doc : throw new DidCommException($"DID {did} cannot be resolved");

    private SecretJwk FindSigningKey(Message message, string signBy)
    {
        ArgumentNullException.ThrowIfNull(signBy);
        string did = DidOf(signBy);
        if (message.From is not null && message.From != did)
        {
            throw new DidCommException($"message 'from' is not the signer {did}");
        }

        var doc = Resolve(did);
        foreach (string id in doc.Authentication)
        {
            if (doc.FindMethod(id) is not { } m)
            {
                continue;
            }

            if ((signBy == did || m.Id == signBy) && m.Key.Curve.CanSign() && _secrets.TryGetSecret(m.Id, out var secret))
            {
                return secret.Kid == m.Id ? secret : throw new DidCommException($"secret for {m.Id} has another kid");
            }
        }

        throw new DidCommException($"no signing secret held for {signBy}");
    }

    internal static List<PublicJwk> AgreementKeys(DidDocument doc, string to, KeyCurve? curve)
    {
        var keys = new List<PublicJwk>(1);
        foreach (string id in doc.KeyAgreement)
        {
            if (doc.FindMethod(id) is not { } m)
            {
                continue;
            }

            if (to.Contains('#', StringComparison.Ordinal) && m.Id != to)
            {
                continue;
            }

            curve ??= m.Key.Curve;
            if (m.Key.Curve == curve)
            {
                keys.Add(m.Key);
            }
        }

        return keys.Count > 0 ? keys : throw new DidCommException($"{to} has no usable key-agreement key");
    }

    private (SecretJwk Sender, List<PublicJwk> Recipients) FindAuthcryptKeys(string from, DidDocument toDoc, string to)
    {
        var fromDoc = Resolve(DidOf(from));
        foreach (var m in fromDoc.KeyAgreementMethods())
        {
            if (from.Contains('#', StringComparison.Ordinal) && m.Id != from)
            {
                continue;
            }

            if (!_secrets.TryGetSecret(m.Id, out var secret))
            {
                continue;
            }

            var recipients = toDoc.KeyAgreementMethods()
                .Where(r => r.Key.Curve == m.Key.Curve && (!to.Contains('#', StringComparison.Ordinal) || r.Id == to))
                .Select(r => r.Key)
                .ToList();
            if (recipients.Count > 0)
            {
                return (secret, recipients);
            }
        }

        throw new DidCommException($"no key-agreement key of {from} (with its secret) shares a curve with {to}");
    }

    private static DidCommService? FindService(DidDocument doc, string? id)
    {
        foreach (var s in doc.Services)
        {
            if (id is not null ? s.Id == id : s.Accept.Count == 0 || s.Accept.Contains("didcomm/v2"))
            {
                return s;
            }
        }

        return id is null ? null : throw new DidCommException($"{doc.Id} has no service {id}");
    }
}
