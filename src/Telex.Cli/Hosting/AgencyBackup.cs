using System.Formats.Tar;
using System.IO.Compression;

using Telex.Core.Protocol;
using Telex.Core.Register;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Hosting;

/// <summary>
/// A backup of an agency on SQLite: one gzip-compressed tar file holding <c>backup.json</c> (what it is: the agency, its
/// DID, when, and the register's length and head at that moment), the database as SQLite's online backup copied it,
/// and the data folder's other files as they are (<c>telex.json</c>, <c>keys.json</c> — sealed keys stay sealed — and
/// any certificate files kept there). Taken while the agency runs; restored into a new folder and verified before it
/// is put in place.
/// </summary>
/// <remarks>
/// The database is copied first and the key file after it: a key rotation writes the key file before it files the
/// rotation in the register, so the copied key file holds at least the identities the copied register names, and a
/// rotation the register does not hold yet is finished at the next start, as after a crash.
/// </remarks>
internal static class AgencyBackup
{
    /// <summary>The description inside every backup.</summary>
    public const string ManifestName = "backup.json";

    /// <summary>What <c>backup.json</c> says a Telex backup is.</summary>
    public const string Format = "telex-backup/1";

    /// <summary>The name the database has inside a backup, whatever its name in the folder.</summary>
    public const string DatabaseName = "telex.db";

    /// <summary>Longest <c>backup.json</c> read: it is a few hundred bytes.</summary>
    private const int MaxManifestBytes = 64 * 1024;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>What a backup holds, as its manifest states it.</summary>
    public sealed record Manifest(string Agency, string Did, DateTimeOffset TakenAt, long Entries, string Head, IReadOnlyList<string> Files);

    /// <summary>
    /// Writes a backup of the SQLite agency in <paramref name="directory"/> to the new file <paramref name="output"/>
    /// (owner-only: it holds the keys). The agency may be serving meanwhile.
    /// </summary>
    public static async Task<Manifest> CreateAsync(string directory, TelexOptions options, string output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        string database = Path.GetFullPath(AgencyFolder.DatabasePath(directory, options));
        string keys = Path.Combine(directory, AgencyFolder.KeyFile);
        if (!File.Exists(keys) || !File.Exists(database))
        {
            throw new CliException(ExitCodes.NotFound, $"no agency in {directory} (it needs {AgencyFolder.KeyFile} and its database {database})");
        }

        if (File.Exists(output))
        {
            throw new CliException(ExitCodes.Conflict, $"{output} exists already; a backup goes to a new file");
        }

        string work = Directory.CreateTempSubdirectory("telex-backup-").FullName;
        string partial = output + ".partial";
        try
        {
            string snapshot = Path.Combine(work, DatabaseName);
            SqliteBackup.Copy(database, snapshot);
            RegisterHead head;
            await using (var copy = new SqliteStore(snapshot, fullSync: false))
            {
                head = await copy.Register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
            }

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            // Then the folder's own files, the key file among them (see the remarks).
            var files = FolderFiles(directory, database, output, partial);
            string did = ReadDid(keys);
            var manifest = new Manifest(options.Name, did, DateTimeOffset.UtcNow, head.Count, head.Head, [DatabaseName, .. files.Select(Path.GetFileName)!]);
            await using (var stream = PrivateFile(partial))
            await using (var gzip = new GZipStream(stream, CompressionLevel.Optimal))
            await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: false))
            {
                byte[] json = JsonSerializer.SerializeToUtf8Bytes(ToJson(manifest), Indented);
                await AddAsync(tar, ManifestName, new MemoryStream(json), ct).ConfigureAwait(false);
                await AddFileAsync(tar, DatabaseName, snapshot, ct).ConfigureAwait(false);
                foreach (string file in files)
                {
                    await AddFileAsync(tar, Path.GetFileName(file), file, ct).ConfigureAwait(false);
                }
            }

            File.Move(partial, output);
            return manifest;
        }
        finally
        {
            File.Delete(partial);
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// Unpacks the backup <paramref name="file"/> into <paramref name="directory"/>, which must be new or empty: into a
    /// folder beside it first, checked (only plain files with plain names, the manifest, the database, the configuration
    /// and the key file), opened and its register verified against the manifest's head; put in place only then. A
    /// backup that fails any of this leaves nothing behind. Returns the manifest and the verification.
    /// </summary>
    public static async Task<(Manifest Manifest, VerifyReport Report)> RestoreAsync(string file, string directory, Func<string, Task<VerifyReport>> verify,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(verify);
        directory = Path.GetFullPath(directory.TrimEnd(Path.DirectorySeparatorChar));
        if (!File.Exists(file))
        {
            throw new CliException(ExitCodes.NotFound, $"no backup at {file}");
        }

        if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new CliException(ExitCodes.Conflict, $"{directory} is not empty; a backup is restored into a new or empty folder");
        }

        string parent = Path.GetDirectoryName(directory) ?? throw new CliException(ExitCodes.Usage, $"{directory} cannot hold an agency");
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{Path.GetFileName(directory)}.restoring-{Guid.NewGuid():N}");
        CreatePrivateDirectory(staging);
        try
        {
            var manifest = await UnpackAsync(file, staging, ct).ConfigureAwait(false);
            PlaceDatabase(staging);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            var report = await verify(staging).ConfigureAwait(false);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (!report.Ok)
            {
                throw new CliException(ExitCodes.Tampered, $"the backup's register does not verify ({report.First}); nothing was restored");
            }

            // The manifest was written with the copy: its register is the one restored (a migration of an older backup may
            // only add entries), or the backup was changed since.
            if (report.Entries < manifest.Entries || (report.Entries == manifest.Entries && report.Head != manifest.Head))
            {
                throw new CliException(ExitCodes.Tampered,
                    $"the backup's register has {report.Entries} entries, its manifest says {manifest.Entries}; nothing was restored");
            }

            if (Directory.Exists(directory))
            {
                Directory.Delete(directory);
            }

            Directory.Move(staging, directory);
            return (manifest, report);
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(staging, recursive: true);
            }
        }
    }

    /// <summary>The folder's regular files that go into a backup: all but the database and its companions, the lock and temporary files.</summary>
    private static List<string> FolderFiles(string directory, string database, string output, string partial)
    {
        var skip = new HashSet<string>(StringComparer.Ordinal)
        {
            database, database + "-wal", database + "-shm", database + "-journal", FolderLock.PathIn(directory),
            Path.GetFullPath(output), Path.GetFullPath(partial),
        };
        return Directory.EnumerateFiles(directory)
            .Select(Path.GetFullPath)
            .Where(f => !skip.Contains(f) && !f.EndsWith(".tmp", StringComparison.Ordinal) && Path.GetFileName(f) != ManifestName
                && Path.GetFileName(f) != DatabaseName && !File.GetAttributes(f).HasFlag(FileAttributes.ReparsePoint))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static async Task<Manifest> UnpackAsync(string file, string staging, CancellationToken ct)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Manifest? manifest = null;
        try
        {
            await using var stream = File.OpenRead(file);
            await using var gzip = new GZipStream(stream, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false) is { } entry)
            {
                string name = entry.Name;
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !IsPlainName(name))
                {
                    throw Refused($"it holds '{Shown(name)}', which is not a plain file in the agency's folder");
                }

                if (!seen.Add(name))
                {
                    throw Refused($"it holds '{name}' twice");
                }

                if (name == ManifestName)
                {
                    manifest = await ReadManifestAsync(entry, ct).ConfigureAwait(false);
                    continue;
                }

                await using var target = PrivateFile(Path.Combine(staging, name));
                if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(target, ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Refused("it is not a complete gzip-compressed tar file");
        }

        if (manifest is null)
        {
            throw Refused($"it has no {ManifestName}");
        }

        foreach (string required in new[] { DatabaseName, AgencyFolder.KeyFile, TelexConfiguration.FileName })
        {
            if (!seen.Contains(required))
            {
                throw Refused($"it has no {required}");
            }
        }

        return manifest;
    }

    /// <summary>
    /// Moves the database to where the restored configuration keeps it: its <c>Storage:Path</c> when that is a plain
    /// name in the folder. A configuration that keeps it elsewhere (an absolute path) is pointed at the folder's
    /// <c>telex.db</c> instead, so a restore never writes outside the folder it was given.
    /// </summary>
    private static void PlaceDatabase(string staging)
    {
        TelexOptions options;
        try
        {
            options = TelexConfiguration.Load(staging, environment: new Dictionary<string, string>());
        }
        catch (TelexConfigurationException e)
        {
            throw Refused("its configuration does not load: " + e.Message);
        }

        if (StorageProvider.IsPostgres(options))
        {
            throw Refused("it is of an agency on PostgreSQL, which telex backup does not take");
        }

        string path = options.Storage.Path;
        if (path == DatabaseName)
        {
            return;
        }

        if (IsPlainName(path) && !File.Exists(Path.Combine(staging, path)))
        {
            File.Move(Path.Combine(staging, DatabaseName), Path.Combine(staging, path));
            return;
        }

        string config = Path.Combine(staging, TelexConfiguration.FileName);
        var json = JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        if (json["Storage"] is not JsonObject storage)
        {
            json["Storage"] = storage = new JsonObject();
        }

        storage["Path"] = DatabaseName;
        File.WriteAllText(config, json.ToJsonString(Indented) + "\n");
    }

    private static async Task<Manifest> ReadManifestAsync(TarEntry entry, CancellationToken ct)
    {
        if (entry.Length > MaxManifestBytes || entry.DataStream is null)
        {
            throw Refused($"its {ManifestName} is not a manifest");
        }

        try
        {
            using var doc = await JsonDocument.ParseAsync(entry.DataStream, cancellationToken: ct).ConfigureAwait(false);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.StringMember("format") != Format)
            {
                throw Refused($"its {ManifestName} does not say it is a {Format}");
            }

            return new Manifest(root.StringMember("agency") ?? "", root.StringMember("did") ?? "",
                root.TryGetProperty("takenAt", out var at) && at.TryGetDateTimeOffset(out var taken) ? taken : default,
                root.TryGetProperty("entries", out var n) && n.TryGetInt64(out long entries) ? entries : -1,
                root.StringMember("head") ?? "",
                root.TryGetProperty("files", out var f) && f.ValueKind == JsonValueKind.Array
                    ? f.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString()! : "").ToList()
                    : []);
        }
        catch (JsonException)
        {
            throw Refused($"its {ManifestName} is not JSON");
        }
    }

    private static JsonObject ToJson(Manifest m) => new()
    {
        ["format"] = Format,
        ["agency"] = m.Agency,
        ["did"] = m.Did,
        ["takenAt"] = m.TakenAt,
        ["entries"] = m.Entries,
        ["head"] = m.Head,
        ["files"] = new JsonArray([.. m.Files.Select(f => (JsonNode?)f)]),
    };

    /// <summary>The DID a key file states (in plain text, sealed or not).</summary>
    private static string ReadDid(string keys)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(keys));
            return doc.RootElement.StringMember("did") ?? throw new CliException(ExitCodes.Usage, $"{keys} states no DID");
        }
        catch (JsonException)
        {
            throw new CliException(ExitCodes.Usage, $"{keys} is not a key file");
        }
    }

    /// <summary>A name that stays in the folder it is unpacked into: no separators, no dot names, no hidden characters.</summary>
    private static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 255 && name is not ("." or "..") && name.IndexOfAny(['/', '\\', '\0']) < 0 && !name.StartsWith('.')
        && !name.Any(char.IsControl);

    private static string Shown(string name) => name.Length > 80 ? name[..80] + "…" : new string([.. name.Select(c => char.IsControl(c) ? '?' : c)]);

    private static CliException Refused(string why) => new(ExitCodes.Usage, $"not a Telex backup that can be restored: {why}; nothing was restored");

    private static async Task AddFileAsync(TarWriter tar, string name, string path, CancellationToken ct)
    {
        await using var data = File.OpenRead(path);
        await AddAsync(tar, name, data, ct).ConfigureAwait(false);
    }

    private static async Task AddAsync(TarWriter tar, string name, Stream data, CancellationToken ct)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            DataStream = data,
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            ModificationTime = DateTimeOffset.UtcNow,
        };
        await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
    }

    private static FileStream PrivateFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return new FileStream(path, options);
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
