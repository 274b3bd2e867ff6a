using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.DidComm.Dids;
using Telex.DidComm.Keys;

namespace Telex.Core.Identity;

/// <summary>
/// The agency's DID and secret keys: a did:peer:2 with one X25519 key-agreement key, one Ed25519 authentication key
/// and the agency's service endpoint. Secrets never leave the agency; the key file is readable by its owner only.
/// </summary>
public sealed class AgencyIdentity : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private AgencyIdentity(string name, string did, string endpoint, SecretJwk signing, SecretJwk agreement)
    {
        Name = name;
        Did = did;
        Endpoint = endpoint;
        Signing = signing;
        Agreement = agreement;
        Secrets = new SecretResolver().Add(signing).Add(agreement);
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

    /// <summary>The agency's secrets, for its packer.</summary>
    public ISecretResolver Secrets { get; }

    /// <summary>Creates a new identity with fresh keys.</summary>
    public static AgencyIdentity Create(string name, string endpoint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        using var sign = SecretJwk.Generate(KeyCurve.Ed25519);
        using var agree = SecretJwk.Generate(KeyCurve.X25519);
        string did = DidPeer.Create([sign.PublicKey], [agree.PublicKey], endpoint);
        return new AgencyIdentity(name, did, endpoint, sign.WithKid(did + "#key-2"), agree.WithKid(did + "#key-1"));
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
        string tmp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

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
        if (!SecretJwk.TryParse(root.GetProperty("signing"), out var signing, out var e1, did + "#key-2")
            || !SecretJwk.TryParse(root.GetProperty("agreement"), out var agreement, out var e2, did + "#key-1"))
        {
            throw new InvalidDataException("key file holds an invalid key");
        }

        if (!DidPeer.TryResolve(did, out var document, out _)
            || !document.FindMethod("#key-2")!.Key.Equals(signing.PublicKey)
            || !document.FindMethod("#key-1")!.Key.Equals(agreement.PublicKey))
        {
            throw new InvalidDataException("key file keys do not match its DID");
        }

        return new AgencyIdentity(name, did, endpoint, signing, agreement);
    }

    /// <summary>Zeroes the secret keys.</summary>
    public void Dispose()
    {
        Signing.Dispose();
        Agreement.Dispose();
    }
}
