using System.Buffers;
using System.Security.Cryptography;

using Telex.DidComm.Keys;

namespace Telex.Core.Identity;

/// <summary>
/// The agency's DID and secret keys: a did:peer:2 with one X25519 key-agreement key, one Ed25519 authentication key
/// and the agency's service endpoint, plus every identity it held before a key rotation (<see cref="Priors"/>), kept
/// forever so that messages encrypted to an old key still open and old signatures can be shown to be its own.
/// Secrets never leave the agency; the key file is readable by its owner only and may be sealed with a passphrase.
/// </summary>
public sealed class AgencyIdentity : IDisposable
{
    /// <summary>The key file format this version writes and reads (files without a version are read as this one).</summary>
    public const int FormatVersion = 1;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private KeySeal? _seal;

    private AgencyIdentity(string name, string did, string endpoint, SecretJwk signing, SecretJwk agreement, IReadOnlyList<PriorIdentity> priors)
    {
        Name = name;
        Did = did;
        Endpoint = endpoint;
        Signing = signing;
        Agreement = agreement;
        Priors = priors;
        var secrets = new SecretResolver().Add(signing).Add(agreement);
        foreach (var prior in priors)
        {
            secrets.Add(prior.Signing).Add(prior.Agreement);
        }

        Secrets = secrets;
    }

    /// <summary>The display name.</summary>
    public string Name { get; }

    /// <summary>The agency's DID.</summary>
    public string Did { get; }

    /// <summary>The public federation endpoint carried in the DID.</summary>
    public string Endpoint { get; }

    /// <summary>The Ed25519 signing key (<c>#key-2</c>).</summary>
    public SecretJwk Signing { get; }

    /// <summary>The X25519 key-agreement key (<c>#key-1</c>).</summary>
    public SecretJwk Agreement { get; }

    /// <summary>The agency's secrets, current and prior, for its packer.</summary>
    public ISecretResolver Secrets { get; }

    /// <summary>The identities held before, oldest first; empty until the keys are first rotated.</summary>
    public IReadOnlyList<PriorIdentity> Priors { get; }

    /// <summary>The current DID and every prior one.</summary>
    public IEnumerable<string> AllDids => Priors.Select(p => p.Did).Append(Did);

    /// <summary>True when <paramref name="did"/> is this agency's current or a prior DID.</summary>
    public bool IsOwnDid(string did) => did == Did || Priors.Any(p => p.Did == did);

    /// <summary>Creates a new identity with fresh keys.</summary>
    public static AgencyIdentity Create(string name, string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], endpoint);
        return new AgencyIdentity(name, did, endpoint, sign.WithKid(did + "#key-2"), agree.WithKid(did + "#key-1"), []);
    }

    /// <summary>
    /// Makes the next identity: fresh Ed25519 and X25519 keys, a new did:peer:2 with the same endpoint and name, and
    /// this identity moved to the end of <see cref="Priors"/> with a <c>from_prior</c> signed by its authentication key
    /// (<c>iss</c> the old DID, <c>sub</c> the new one, <c>iat</c> <paramref name="at"/>). This identity is unchanged and
    /// stays usable; the new one holds copies of its keys.
    /// </summary>
    public AgencyIdentity Rotate(DateTimeOffset at)
    {
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], Endpoint);
        string fromPrior = FromPrior.Issue(Did, did, Signing, at.ToUnixTimeSeconds());
        var priors = Priors.Select(p => p.Copy()).ToList();
        priors.Add(new PriorIdentity(Did, Signing.WithKid(Signing.Kid), Agreement.WithKid(Agreement.Kid), at, did, fromPrior));
        return new AgencyIdentity(Name, did, Endpoint, sign.WithKid(did + "#key-2"), agree.WithKid(did + "#key-1"), priors) { _seal = _seal?.Copy() };
    }

    /// <summary>True when the key file is written sealed with a passphrase (<see cref="SealWith"/>).</summary>
    public bool IsSealed => _seal is not null;

    /// <summary>
    /// Seals the secret keys with <paramref name="passphrase"/> from the next <see cref="Save"/> on (and in every identity
    /// <see cref="Rotate"/> makes from this one): a key derived with Argon2id under a fresh salt encrypts them with
    /// XChaCha20-Poly1305. The passphrase itself is not kept.
    /// </summary>
    public void SealWith(string passphrase)
    {
        ArgumentException.ThrowIfNullOrEmpty(passphrase);
        var seal = KeySeal.Create(passphrase);
        _seal?.Dispose();
        _seal = seal;
    }

    /// <summary>Writes the secret keys in the clear (in a file still readable by its owner only) from the next <see cref="Save"/> on.</summary>
    public void Unseal()
    {
        _seal?.Dispose();
        _seal = null;
    }

    /// <summary>
    /// Writes the identity to a key file readable and writable by the owner only (0600): <c>version</c>, name, DID,
    /// endpoint and the priors' public parts in the clear; the secret keys in the clear, or, when sealed, only inside
    /// <c>sealed</c>.
    /// </summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["version"] = FormatVersion,
            ["name"] = Name,
            ["did"] = Did,
            ["endpoint"] = Endpoint,
        };
        var secrets = new JsonObject
        {
            ["signing"] = JsonNode.Parse(Signing.ExportPrivateJson()),
            ["agreement"] = JsonNode.Parse(Agreement.ExportPrivateJson()),
        };
        var priorSecrets = new JsonArray();
        JsonArray? priors = null;
        if (Priors.Count > 0)
        {
            priors = [];
            foreach (var p in Priors)
            {
                var prior = new JsonObject { ["did"] = p.Did };
                var secret = new JsonObject
                {
                    ["signing"] = JsonNode.Parse(p.Signing.ExportPrivateJson()),
                    ["agreement"] = JsonNode.Parse(p.Agreement.ExportPrivateJson()),
                };
                if (_seal is null)
                {
                    prior["signing"] = secret["signing"]!.DeepClone();
                    prior["agreement"] = secret["agreement"]!.DeepClone();
                }

                prior["rotated_at"] = p.RotatedAt.ToUnixTimeMilliseconds();
                prior["next_did"] = p.NextDid;
                prior["from_prior"] = p.FromPrior;
                priors.Add(prior);
                priorSecrets.Add(secret);
            }
        }

        if (_seal is null)
        {
            json["signing"] = secrets["signing"]!.DeepClone();
            json["agreement"] = secrets["agreement"]!.DeepClone();
        }

        if (priors is not null)
        {
            json["priors"] = priors;
        }

        if (_seal is not null)
        {
            secrets["priors"] = priorSecrets;
            var plaintext = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(plaintext))
            {
                secrets.WriteTo(writer);
            }

            json["sealed"] = _seal.Seal(plaintext.WrittenSpan, SealBinding(Did, Priors.Select(p => p.Did)));
            plaintext.Clear(); // zeroes what it wrote
        }

        string tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // A temporary file left by a crash (or planted) is removed, not reused: reused, it would keep its own mode.
        File.Delete(tmp);

        // Written whole to a temporary file and renamed over the old one: a crash leaves either file, never half of one.
        using (var stream = new FileStream(tmp, options))
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(json, Indented));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>
    /// True when the key file at <paramref name="path"/> is sealed with a passphrase. Throws a <see cref="KeyFileException"/>
    /// as <see cref="Load"/> does when the file or its folder is open to group or others.
    /// </summary>
    public static bool IsSealedFile(string path)
    {
        PrivateFile.Check(path, "key file");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("sealed", out _);
    }

    /// <summary>
    /// Loads an identity from its key file; throws <see cref="InvalidDataException"/> or <see cref="JsonException"/> when invalid, and a
    /// <see cref="KeyFileException"/> when the file or its folder is open to group or others, when the file is sealed and
    /// <paramref name="passphrase"/> is null, or when the passphrase does not open it. A sealed identity stays sealed: its
    /// <see cref="Save"/> and rotations write sealed files with the same passphrase.
    /// </summary>
    public static AgencyIdentity Load(string path, string? passphrase = null)
    {
        PrivateFile.Check(path, "key file");
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (root.TryGetProperty("version", out var version) && (!version.TryInteger(out long v) || v != FormatVersion))
        {
            throw new KeyFileException(KeyFileProblem.Invalid, $"key file format version {version} is not one this version of Telex reads ({FormatVersion})");
        }

        string name = root.GetProperty("name").GetString() ?? throw new InvalidDataException("key file has no name");
        string did = root.GetProperty("did").GetString() ?? throw new InvalidDataException("key file has no DID");
        string endpoint = root.GetProperty("endpoint").GetString() ?? throw new InvalidDataException("key file has no endpoint");
        var list = root.TryGetProperty("priors", out var p) ? p : default;
        if (list.ValueKind is not (JsonValueKind.Array or JsonValueKind.Undefined))
        {
            throw new InvalidDataException("key file priors must be a list");
        }

        var priorDids = list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(e => e.GetProperty("did").GetString() ?? throw new InvalidDataException("a prior identity has no DID")).ToList()
            : [];
        if (!root.TryGetProperty("sealed", out var sealedMember))
        {
            return Read(root, list);
        }

        if (passphrase is null)
        {
            throw new KeyFileException(KeyFileProblem.NeedsPassphrase, "the key file is sealed with a passphrase and none was given");
        }

        var (plaintext, seal) = KeySeal.Open(sealedMember, passphrase, SealBinding(did, priorDids));
        try
        {
            using var secrets = JsonDocument.Parse(plaintext.AsMemory());
            var secretPriors = secrets.RootElement.TryGetProperty("priors", out var sp) ? sp : default;
            var identity = Read(secrets.RootElement, secretPriors);
            identity._seal = seal;
            return identity;
        }
        catch
        {
            seal.Dispose();
            throw;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }

        // Public parts come from the file's root; secret keys from `keys` (the root itself, or the opened seal).
        AgencyIdentity Read(JsonElement keys, JsonElement keyPriors)
        {
            var (signing, agreement) = LoadKeys(keys, did);
            var priors = new List<PriorIdentity>();
            for (int i = 0; i < priorDids.Count; i++)
            {
                var pub = list[i];
                if (keyPriors.ValueKind != JsonValueKind.Array || keyPriors.GetArrayLength() != priorDids.Count)
                {
                    throw new InvalidDataException("key file priors and their keys do not match");
                }

                var (ps, pa) = LoadKeys(keyPriors[i], priorDids[i]);
                priors.Add(new PriorIdentity(priorDids[i], ps, pa, DateTimeOffset.FromUnixTimeMilliseconds(pub.GetProperty("rotated_at").GetInt64()),
                    pub.GetProperty("next_did").GetString() ?? throw new InvalidDataException("a prior identity names no next DID"),
                    pub.GetProperty("from_prior").GetString() ?? throw new InvalidDataException("a prior identity has no from_prior")));
            }

            return new AgencyIdentity(name, did, endpoint, signing, agreement, priors);
        }
    }

    /// <summary>
    /// The associated data a seal is bound to: the DIDs whose keys it holds, in order, so that sealed keys moved into
    /// another file, or priors reordered, do not open.
    /// </summary>
    private static byte[] SealBinding(string did, IEnumerable<string> priorDids) =>
        System.Text.Encoding.UTF8.GetBytes(string.Join('\n', priorDids.Prepend(did).Prepend("telex-keys/1")));

    private static (SecretJwk Signing, SecretJwk Agreement) LoadKeys(JsonElement root, string did)
    {
        if (!SecretJwk.TryParse(root.GetProperty("signing"), out var signing, out _, did + "#key-2")
            || !SecretJwk.TryParse(root.GetProperty("agreement"), out var agreement, out _, did + "#key-1"))
        {
            throw new InvalidDataException("key file holds an invalid key");
        }

        if (!DidPeer.TryResolve(did, out var document, out _)
            || !document.FindMethod("#key-2")!.Key.Equals(signing.PublicKey)
            || !document.FindMethod("#key-1")!.Key.Equals(agreement.PublicKey))
        {
            throw new InvalidDataException("key file keys do not match its DID");
        }

        return (signing, agreement);
    }

    /// <summary>Zeroes the secret keys and the key that seals them.</summary>
    public void Dispose()
    {
        _seal?.Dispose();
        Signing.Dispose();
        Agreement.Dispose();
        foreach (var prior in Priors)
        {
            prior.Signing.Dispose();
            prior.Agreement.Dispose();
        }
    }
}

/// <summary>An identity the agency held before a key rotation, kept forever with its secret keys.</summary>
/// <param name="Did">The prior DID.</param>
/// <param name="Signing">Its Ed25519 signing key (<c>#key-2</c>).</param>
/// <param name="Agreement">Its X25519 key-agreement key (<c>#key-1</c>): messages still in flight to it open.</param>
/// <param name="RotatedAt">When it was replaced.</param>
/// <param name="NextDid">The DID that replaced it.</param>
/// <param name="FromPrior">The <c>from_prior</c> JWT it signed announcing <paramref name="NextDid"/>.</param>
public sealed record PriorIdentity(string Did, SecretJwk Signing, SecretJwk Agreement, DateTimeOffset RotatedAt, string NextDid, string FromPrior)
{
    internal PriorIdentity Copy() => this with { Signing = Signing.WithKid(Signing.Kid), Agreement = Agreement.WithKid(Agreement.Kid) };
}
