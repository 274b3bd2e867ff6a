using Telex.Core.Identity;
using Telex.Core.Register;
using Telex.Core.Security;

namespace Telex.Core.Keys;

/// <summary>The outcome of a key rotation.</summary>
/// <param name="OldDid">The DID given up (kept, with its keys, to verify the register).</param>
/// <param name="NewDid">The DID the agency uses from now on.</param>
/// <param name="At">When the keys were rotated.</param>
/// <param name="TiesTold">How many counterparts (established, suspended or invited ties) the rotation is announced to.</param>
public sealed record KeyRotationResult(string OldDid, string NewDid, DateTimeOffset At, int TiesTold);

/// <summary>
/// The agency's keys: its secrets (current and prior), rotating them and announcing the rotation, counterparts' rotations,
/// and checking what a DID signed, before or after a rotation.
/// </summary>
public sealed class KeyService : AgencyService, IDisposable
{
    /// <summary>How long an announcement of a rotation is retried: a counterpart away for long still learns of it.</summary>
    private static readonly TimeSpan RotationAnnouncementExpiry = TimeSpan.FromDays(365);

    private readonly SemaphoreSlim _rotating = new(1, 1);
    private readonly List<AgencyIdentity> _rotated = [];

    private readonly DirectoryService _directory;
    private readonly Action<string, string> _counterpartRotated;
    private readonly IKeyStore _keys;
    private readonly ITieStore _ties;

    /// <summary>
    /// Creates the keys of the agency <paramref name="context"/> serves and adds its secrets to the packer;
    /// <paramref name="counterpartRotated"/> is told the old and new DID of a counterpart that rotated its keys.
    /// </summary>
    internal KeyService(AgencyContext context, DirectoryService directory, Action<string, string> counterpartRotated)
        : base(context)
    {
        _directory = directory;
        _counterpartRotated = counterpartRotated;
        AddSecrets(context.Identity);
        _keys = context.Store.Keys;
        _ties = context.Store.Ties;
    }

    /// <summary>
    /// The key file the identity is kept in; a rotation writes the new identity there before anything is announced.
    /// Null keeps a rotated identity in memory only (tests).
    /// </summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// Rotates the agency's keys: makes a new DID (fresh Ed25519 and X25519 keys, same endpoint), writes the key file
    /// with the old identity moved to its priors (atomically, before anything is announced), switches to the new
    /// identity at once, files the rotation in the register and announces it, signed by the old key
    /// (<c>from_prior</c>), to every counterpart with an established, suspended or invited tie through the outbox. Messages
    /// still in flight to the old DID open (its keys are kept); telegrams signed with it before are still delivered.
    /// </summary>
    public async Task<KeyRotationResult> RotateKeysAsync(CancellationToken ct = default)
    {
        await _rotating.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var old = Identity;
            var next = old.Rotate(Now);
            if (KeyFile is not null)
            {
                next.Save(KeyFile);
            }

            // The new secrets join before the new identity is used, so nothing is signed with a key the packer lacks.
            AddSecrets(next);
            lock (_rotated)
            {
                _rotated.Add(next);
            }

            Context.Identity = next;
            var prior = next.Priors[^1];
            Log.KeysRotated(Logger, prior.Did, next.Did);
            int told = await AnnounceRotationAsync(prior, ct).ConfigureAwait(false);
            Publish("keys.rotated");
            return new KeyRotationResult(prior.Did, next.Did, prior.RotatedAt, told);
        }
        finally
        {
            _rotating.Release();
        }
    }

    /// <summary>Every key rotation the register holds (own and counterparts'), oldest first.</summary>
    public Task<IReadOnlyList<KeyRotation>> ListKeyRotationsAsync(CancellationToken ct = default) => _keys.ListKeyRotationsAsync(ct);

    /// <summary>
    /// True when <paramref name="did"/> is a DID a counterpart gave up in a key rotation this agency accepted more than
    /// <see cref="AgencyOptions.RotatedKeyGrace"/> ago: messages it signs are no longer accepted (what it signed before
    /// still verifies in the register).
    /// </summary>
    internal async Task<bool> IsRetiredDidAsync(string did, CancellationToken ct)
    {
        var rotations = await _keys.ListKeyRotationsAsync(ct).ConfigureAwait(false);
        return rotations.FirstOrDefault(r => !r.Own && r.OldDid == did) is { } rotation && Now - rotation.At > Options.RotatedKeyGrace;
    }

    /// <summary>
    /// Files and announces the rotations in the key file that the store does not hold yet: a crash between writing the
    /// key file and filing the rotation is finished here, at the next start. Returns how many were filed.
    /// </summary>
    public async Task<int> ResumeRotationsAsync(CancellationToken ct = default)
    {
        var identity = Identity;
        if (identity.Priors.Count == 0)
        {
            return 0;
        }

        var filed = (await _keys.ListKeyRotationsAsync(ct).ConfigureAwait(false)).Where(r => r.Own).Select(r => r.OldDid).ToHashSet(StringComparer.Ordinal);
        int count = 0;
        foreach (var prior in identity.Priors.Where(p => !filed.Contains(p.Did)))
        {
            await AnnounceRotationAsync(prior, ct).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    /// <summary>Files an own rotation with its announcements in one transaction; returns how many ties are told.</summary>
    private async Task<int> AnnounceRotationAsync(PriorIdentity prior, CancellationToken ct)
    {
        var ties = (await _ties.ListTiesAsync(ct).ConfigureAwait(false))
            .Where(t => t.Status is TieStatus.Established or TieStatus.Suspended or TieStatus.Invited).ToList();
        var now = Now;
        var items = ties.Select(tie =>
        {
            var message = new Message
            {
                Id = Guid.NewGuid().ToString(),
                Type = MessageTypes.KeysRotate,
                From = prior.NextDid,
                To = [tie.PeerDid],
                CreatedTime = now.ToUnixTimeSeconds(),
                FromPrior = prior.FromPrior,
                Body = JsonSerializer.SerializeToElement(new JsonObject { ["name"] = Identity.Name }),
            };
            return new OutboxItem(Guid.NewGuid(), OutboxKind.Message, PeerDid: tie.PeerDid, Endpoint: tie.PeerEndpoint,
                Payload: Packer.PackSigned(message, prior.NextDid).Packed, DueAt: now, ExpiresAt: now + RotationAnnouncementExpiry,
                Precedence: Precedence.Flash);
        }).ToList();
        var rotation = new KeyRotation(OldDid: prior.Did, NewDid: prior.NextDid, FromPrior: prior.FromPrior, At: prior.RotatedAt, Own: true);
        if (!await _keys.FileOwnRotationAsync(rotation, items, ct).ConfigureAwait(false))
        {
            return 0;
        }

        Context.Wake();
        return items.Count;
    }

    /// <summary>
    /// A counterpart announces new keys. The gate let it through only when the unpacker verified its <c>from_prior</c>
    /// (signed by the old DID's authentication key, naming the sender as the new DID) and <paramref name="oldDid"/> is
    /// that of an established or suspended tie; the tie then continues under the new DID. A repeated announcement
    /// changes nothing.
    /// </summary>
    internal async Task HandleKeyRotationAsync(Tie tie, string oldDid, Message message, CancellationToken ct)
    {
        string newDid = message.From!;
        if (tie.PeerDid == newDid)
        {
            return;
        }

        if (!Dids.TryResolve(newDid, out var document) || document.Services.Count == 0)
        {
            throw new InboundRefusal(RefusalKind.Malformed, "e.p.did.no-endpoint", "the new DID names no endpoint");
        }

        if (EndpointPolicy.Refusal(document.Services[0].Uri) is { } refused)
        {
            throw new InboundRefusal(RefusalKind.Forbidden, PeerEndpointPolicy.RefusedCode, $"the new DID's endpoint is refused: {refused}");
        }

        var rotation = new KeyRotation(OldDid: oldDid, NewDid: newDid, FromPrior: message.FromPrior!, At: Now, Own: false);
        try
        {
            if (!await _keys.RotateCounterpartAsync(rotation, document.Services[0].Uri, ct).ConfigureAwait(false))
            {
                return;
            }
        }
        catch (TelexException e) when (e.Kind is TelexErrorKind.NotFound or TelexErrorKind.Conflict)
        {
            throw new InboundRefusal(RefusalKind.Conflict, "e.p.keys.conflict", e.Message);
        }

        _counterpartRotated(oldDid, newDid);
        Log.CounterpartRotated(Logger, await _directory.CounterpartNameAsync(newDid, ct).ConfigureAwait(false), newDid);
        Publish("tie.rotated", newDid);
    }

    /// <summary>The DID whose key signed <paramref name="signed"/> (a JWS), or null when it does not verify.</summary>
    internal string? SignerOf(byte[] signed)
    {
        var unpacked = Packer.Unpack(signed);
        if (!unpacked.Success || unpacked.Metadata is not { NonRepudiation: true, Encrypted: false, SignFrom: { } kid })
        {
            return null;
        }

        int hash = kid.IndexOf('#', StringComparison.Ordinal);
        return hash < 0 ? kid : kid[..hash];
    }

    /// <summary>The claims of a from_prior JWT whose signature verifies against its issuer's authentication key, or null.</summary>
    internal FromPriorClaims? OpenFromPrior(string fromPrior)
    {
        // The packer verifies from_prior on unpack: a plaintext message from its subject carrying it is enough.
        string[] parts = fromPrior.Split('.');
        if (parts.Length != 3 || !TryDecodeClaims(parts[1], out string? sub) || sub is null)
        {
            return null;
        }

        var probe = new Message { Id = "from-prior", Type = MessageTypes.KeysRotate, From = sub, FromPrior = fromPrior, Body = Message.EmptyBody };
        var unpacked = Packer.Unpack(DidCommPacker.PackPlaintext(probe));
        return unpacked.Success && unpacked.Metadata?.FromPrior is { } claims && claims.TryGetProperty("iss", out var iss) && iss.GetString() is { } issuer
            ? new FromPriorClaims(issuer, sub)
            : null;
    }

    private static bool TryDecodeClaims(string part, out string? sub)
    {
        sub = null;
        try
        {
            using var doc = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(part));
            sub = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sub", out var s) && s.ValueKind == JsonValueKind.String
                ? s.GetString() : null;
            return true;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return false;
        }
    }

    internal void AddSecrets(AgencyIdentity identity)
    {
        Context.Secrets.Add(identity.Signing).Add(identity.Agreement);
        foreach (var prior in identity.Priors)
        {
            Context.Secrets.Add(prior.Signing).Add(prior.Agreement);
        }
    }

    /// <summary>Releases the identities made by rotations here; the one the agency was created with belongs to its caller.</summary>
    public void Dispose()
    {
        _rotating.Dispose();
        lock (_rotated)
        {
            foreach (var identity in _rotated)
            {
                identity.Dispose();
            }

            _rotated.Clear();
        }
    }
}
