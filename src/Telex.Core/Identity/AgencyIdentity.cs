using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;
using Telex.DidComm.Messages;

namespace Telex.Core.Identity;

/// <summary>
/// The agency's DID and secret keys: a did:peer:2 with one X25519 key-agreement key, one Ed25519 authentication key
/// and the agency's service endpoint, plus every identity it held before a key rotation (<see cref="Priors"/>), kept
/// forever so that messages encrypted to an old key still open and old signatures can be shown to be its own.
/// Secrets never leave the agency; the key file is readable by its owner only.
/// </summary>
public sealed class AgencyIdentity : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

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
        return new AgencyIdentity(Name, did, Endpoint, sign.WithKid(did + "#key-2"), agree.WithKid(did + "#key-1"), priors);
    }

    /// <summary>Writes the identity to a key file readable and writable by the owner only (0600).</summary>
    public void Save(string path)
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["did"] = Did,
            ["endpoint"] = Endpoint,
            ["signing"] = JsonNode.Parse(Signing.ExportPrivateJson()),
            ["agreement"] = JsonNode.Parse(Agreement.ExportPrivateJson()),
        };
        if (Priors.Count > 0)
        {
            var priors = new JsonArray();
            foreach (var p in Priors)
            {
                priors.Add(new JsonObject
                {
                    ["did"] = p.Did,
                    ["signing"] = JsonNode.Parse(p.Signing.ExportPrivateJson()),
                    ["agreement"] = JsonNode.Parse(p.Agreement.ExportPrivateJson()),
                    ["rotated_at"] = p.RotatedAt.ToUnixTimeMilliseconds(),
                    ["next_did"] = p.NextDid,
                    ["from_prior"] = p.FromPrior,
                });
            }

            json["priors"] = priors;
        }

        string tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // Written whole to a temporary file and renamed over the old one: a crash leaves either file, never half of one.
        using (var stream = new FileStream(tmp, options))
        {
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(json, Indented));
            stream.Flush(flushToDisk: true);
        }

        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Loads an identity from its key file; throws <see cref="InvalidDataException"/> when invalid.</summary>
    public static AgencyIdentity Load(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                throw new InvalidDataException($"key file {path} is readable by others; it must be 0600");
            }
        }

        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        string name = root.GetProperty("name").GetString() ?? throw new InvalidDataException("key file has no name");
        string did = root.GetProperty("did").GetString() ?? throw new InvalidDataException("key file has no DID");
        string endpoint = root.GetProperty("endpoint").GetString() ?? throw new InvalidDataException("key file has no endpoint");
        var (signing, agreement) = LoadKeys(root, did);
        var priors = new List<PriorIdentity>();
        if (root.TryGetProperty("priors", out var list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException("key file priors must be a list");
            }

            foreach (var p in list.EnumerateArray())
            {
                string priorDid = p.GetProperty("did").GetString() ?? throw new InvalidDataException("a prior identity has no DID");
                var (ps, pa) = LoadKeys(p, priorDid);
                priors.Add(new PriorIdentity(priorDid, ps, pa, DateTimeOffset.FromUnixTimeMilliseconds(p.GetProperty("rotated_at").GetInt64()),
                    p.GetProperty("next_did").GetString() ?? throw new InvalidDataException("a prior identity names no next DID"),
                    p.GetProperty("from_prior").GetString() ?? throw new InvalidDataException("a prior identity has no from_prior")));
            }
        }

        return new AgencyIdentity(name, did, endpoint, signing, agreement, priors);
    }

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

    /// <summary>Zeroes the secret keys.</summary>
    public void Dispose()
    {
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
