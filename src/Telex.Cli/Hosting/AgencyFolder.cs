using Telex.Cli.Commands;
using Telex.Core.Identity;
using Telex.Core.Model;
using Telex.Core.Security;
using Telex.Core.Storage;

namespace Telex.Cli.Hosting;

/// <summary>An agency's identity and store, opened from its data folder; the caller disposes it.</summary>
internal sealed class LocalAgency(string directory, TelexOptions options, AgencyIdentity identity, ITelexStore store, FolderLock? held = null)
    : IAsyncDisposable
{
    public string Directory { get; } = directory;

    public TelexOptions Options { get; } = options;

    public AgencyIdentity Identity { get; } = identity;

    public ITelexStore Store { get; } = store;

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync().ConfigureAwait(false);
        Identity.Dispose();
        held?.Dispose();
    }
}

/// <summary>
/// An agency's data folder: <c>telex.json</c> (configuration), <c>keys.json</c> (the identity, 0600, optionally sealed), <c>agency.lock</c>
/// (held while the agency is open: <see cref="FolderLock"/>) and the SQLite
/// database (or, with <c>Storage:Provider</c> postgres, the PostgreSQL database it names; then several nodes may each hold a
/// copy of the folder's configuration and key file and share that database). <see cref="CreateAsync"/> is <c>telex init</c>; <see cref="OpenAsync"/> is what <c>telex serve</c> runs.
/// </summary>
internal static class AgencyFolder
{
    /// <summary>The identity's key file.</summary>
    public const string KeyFile = "keys.json";

    /// <summary>The first officer's sign-in name.</summary>
    public const string FirstOfficer = "admin";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The files that mark a folder as holding an agency; the first one found, or null.</summary>
    public static string? ExistingAgencyFile(string directory, TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var files = StorageProvider.IsPostgres(options) ? new[] { KeyFile, TelexConfiguration.FileName } : [KeyFile, TelexConfiguration.FileName, options.Storage.Path];
        return files
            .Select(f => Path.Combine(directory, f))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Creates an agency in <paramref name="directory"/>: the configuration, a new identity whose DID carries
    /// <see cref="TelexOptions.EffectiveEndpoint"/>, the migrated database and the first admin officer. Refuses a folder
    /// that already holds an agency; on failure removes what it wrote. With <paramref name="passphrase"/> the key file's
    /// secret keys are sealed with it.
    /// </summary>
    public static async Task<LocalAgency> CreateAsync(string directory, TelexOptions options, string adminPassword,
        bool mustChangePassword, CancellationToken ct, string? passphrase = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        directory = Path.GetFullPath(directory);
        if (ExistingAgencyFile(directory, options) is { } existing)
        {
            throw new CliException(ExitCodes.Conflict, $"{directory} already holds an agency ({Path.GetFileName(existing)}); choose an empty folder");
        }

        CheckEndpoint(options.EffectiveEndpoint);
        StorageProvider.Check(options);
        bool postgres = StorageProvider.IsPostgres(options);
        bool createdDirectory = !Directory.Exists(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string keys = Path.Combine(directory, KeyFile);
        string database = DatabasePath(directory, options);
        string config = Path.Combine(directory, TelexConfiguration.FileName);
        AgencyIdentity? identity = null;
        ITelexStore? store = null;
        try
        {
            identity = AgencyIdentity.Create(options.Name, options.EffectiveEndpoint);
            if (passphrase is not null)
            {
                identity.SealWith(passphrase);
            }

            identity.Save(keys);
            if (!postgres)
            {
                CreatePrivateFile(database);
            }

            store = StorageProvider.Open(directory, options);
            await StorageProvider.MigrateAsync(store, ct).ConfigureAwait(false);
            bool added = await store.Officers.AddOfficerAsync(new Officer(FirstOfficer, Role.Admin, PasswordHasher.Hash(adminPassword),
                CreatedAt: DateTimeOffset.UtcNow, MustChangePassword: mustChangePassword), ct).ConfigureAwait(false);
            if (!added)
            {
                throw new CliException(ExitCodes.Conflict, postgres
                    ? $"the PostgreSQL database already has an officer named {FirstOfficer}: it holds an agency; give another node a copy of that agency's folder instead"
                    : $"the database {database} already has an officer named {FirstOfficer}");
            }

            // Written last: its presence means the folder is complete.
            var json = new JsonObject { ["Name"] = options.Name, ["Listen"] = options.Listen };
            if (options.PublicEndpoint is not null)
            {
                json["PublicEndpoint"] = options.PublicEndpoint;
            }

            // The provider is kept; the connection string is not (it may hold a password): it comes from the environment.
            if (postgres)
            {
                json["Storage"] = new JsonObject { ["Provider"] = StorageProvider.Postgres };
            }

            await File.WriteAllTextAsync(config, json.ToJsonString(Indented) + "\n", ct).ConfigureAwait(false);
            return new LocalAgency(directory, options, identity, store);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            identity?.Dispose();
            foreach (string file in postgres ? new[] { config, keys, keys + ".tmp" } : [config, keys, database, database + "-wal", database + "-shm", keys + ".tmp"])
            {
                File.Delete(file);
            }

            if (createdDirectory && !Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }

            throw;
        }
    }

    /// <summary>
    /// Creates an empty file readable by the owner only. The database holds password hashes and the register's
    /// plaintext; SQLite gives its WAL and shared-memory files the database file's permissions.
    /// </summary>
    private static void CreatePrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        new FileStream(path, options).Dispose();
    }

    /// <summary>
    /// Opens the agency in <paramref name="directory"/> with its configuration; migrates the database. A key file open to
    /// group or others is refused before anything starts; a sealed one is opened with the passphrase
    /// <paramref name="passphrase"/> returns (by default <c>TELEX_PASSPHRASE</c> or a prompt), asked only when sealed.
    /// </summary>
    public static async Task<LocalAgency> OpenAsync(string directory, IEnumerable<string> overrides, CancellationToken ct,
        Func<string>? passphrase = null)
    {
        directory = Path.GetFullPath(directory);
        string keys = Path.Combine(directory, KeyFile);
        if (!File.Exists(keys))
        {
            throw new CliException(ExitCodes.NotFound, $"no agency in {directory} (no {KeyFile}); create one with telex init --data {directory} --name NAME");
        }

        var options = TelexConfiguration.Load(directory, overrides);
        StorageProvider.Check(options);

        // Held from before the key file is read until the agency is closed: the keys cannot be sealed or unsealed
        // under an open agency.
        var held = FolderLock.TryShared(directory)
            ?? throw new CliException(ExitCodes.Conflict, $"the keys in {directory} are being sealed or unsealed ({FolderLock.PathIn(directory)} is held); try again when that is done");
        AgencyIdentity identity;
        try
        {
            string? secret = AgencyIdentity.IsSealedFile(keys) ? ReadPassphrase(keys, passphrase ?? (() => Passphrase.Read(null, confirm: false))) : null;
            identity = AgencyIdentity.Load(keys, secret);
        }
        catch (KeyFileException e)
        {
            held.Dispose();
            throw KeyFileError(keys, e);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            held.Dispose();
            throw new CliException(ExitCodes.Usage, $"{keys}: {e.Message}");
        }
        catch
        {
            held.Dispose();
            throw;
        }

        ITelexStore? store = null;
        try
        {
            store = StorageProvider.Open(directory, options);
            await StorageProvider.MigrateAsync(store, ct).ConfigureAwait(false);
        }
        catch
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            identity.Dispose();
            held.Dispose();
            throw;
        }

        return new LocalAgency(directory, options, identity, store, held);
    }

    /// <summary>
    /// The error for a key file that did not load: open permissions as the one line naming the file, mode and fix; a
    /// wrong passphrase refused (exit 3); anything else a usage error naming the file.
    /// </summary>
    public static CliException KeyFileError(string keys, KeyFileException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Problem switch
        {
            KeyFileProblem.Permissions => new CliException(ExitCodes.Usage, e.Message),
            KeyFileProblem.WrongPassphrase => new CliException(ExitCodes.Refused, $"{keys}: {e.Message}; nothing was started or changed"),
            KeyFileProblem.NeedsPassphrase => new CliException(ExitCodes.Usage,
                $"{keys}: {e.Message}: set {Passphrase.EnvironmentVariable} or pass --passphrase-file FILE"),
            _ => new CliException(ExitCodes.Usage, $"{keys}: {e.Message}"),
        };
    }

    private static string ReadPassphrase(string keys, Func<string> passphrase)
    {
        try
        {
            return passphrase();
        }
        catch (CliException e)
        {
            throw new CliException(e.ExitCode, $"{keys}: {e.Message}");
        }
    }

    /// <summary>The options with the files of <see cref="TelexOptions.Tls"/> as absolute paths: they are relative to the data folder.</summary>
    public static TelexOptions WithTlsPaths(string directory, TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string? InFolder(string? path) => string.IsNullOrWhiteSpace(path) ? null : Path.GetFullPath(path, directory);
        return options with
        {
            Tls = options.Tls with
            {
                Certificate = InFolder(options.Tls.Certificate),
                Key = InFolder(options.Tls.Key),
                TrustedCertificates = InFolder(options.Tls.TrustedCertificates),
            },
        };
    }

    /// <summary>The database file; <see cref="StorageOptions.Path"/> is relative to the data folder.</summary>
    public static string DatabasePath(string directory, TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Path.Combine(directory, options.Storage.Path);
    }

    /// <summary>
    /// Refuses a public endpoint other agencies would reach in plain HTTP across a network: telegrams are encrypted,
    /// but the transport would expose who talks to whom and invite tampering. Plain HTTP is for loopback only.
    /// </summary>
    public static void CheckEndpoint(string endpoint)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new CliException(ExitCodes.Usage, $"the public endpoint '{endpoint}' is not an http(s) URL");
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
        {
            throw new CliException(ExitCodes.Usage,
                $"the public endpoint {endpoint} is plain http on a non-loopback address; put TLS in front and give the https URL with --endpoint (PublicEndpoint)");
        }

        if (uri.Port == 0)
        {
            throw new CliException(ExitCodes.Usage, $"the public endpoint {endpoint} names no port; other agencies could not reach it");
        }
    }
}
