using Telex.Core.Register;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Server.Hosting;
using Telex.Storage.Postgres;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex migrate</c> (create or upgrade the store's schema; <c>telex serve</c> does it too at start) and
/// <c>telex migrate-storage</c> (copy an agency from SQLite to PostgreSQL or back, then verify the copy).
/// </summary>
internal static class StorageCommands
{
    /// <summary>The node name under which the outbox is read for the copy (its claims are released afterwards).</summary>
    private const string CopyNode = "telex-migrate-storage";

    public static Command Migrate(Globals globals)
    {
        var data = Globals.Data();
        var set = Globals.Set();
        var command = new Command("migrate", "Create or upgrade the agency's database schema (safe to run again, and from several nodes at once)")
        {
            data, set,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string directory = Path.GetFullPath(parse.GetValue(data)!);
            var options = TelexConfiguration.Load(directory, parse.GetValue(set));
            await using var store = StorageProvider.Open(directory, options);
            await StorageProvider.MigrateAsync(store, ct).ConfigureAwait(false);
            string provider = StorageProvider.IsPostgres(options) ? StorageProvider.Postgres : StorageProvider.Sqlite;
            var head = await store.Register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject { ["provider"] = provider, ["migrated"] = true, ["entries"] = head.Count });
            }
            else
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture, $"{provider} schema up to date; register of {head.Count} entries"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command MigrateStorage(Globals globals)
    {
        var data = Globals.Data();
        var set = Globals.Set();
        var to = new Option<string>("--to")
        {
            Description = "The backend to copy the agency to: postgres or sqlite (the agency's configuration names the one it is on)",
            HelpName = "BACKEND",
            Required = true,
        };
        to.AcceptOnlyFromAmong(StorageProvider.Postgres, StorageProvider.Sqlite);
        var connection = new Option<string?>("--connection")
        {
            Description = "With --to postgres: the target database's connection string (default $TELEX_MIGRATE_CONNECTION); the database must hold no agency",
            HelpName = "CONNECTION",
        };
        var path = new Option<string?>("--path")
        {
            Description = "With --to sqlite: the new database file (default the data folder's Storage:Path); it must not exist",
            HelpName = "FILE",
        };
        var command = new Command("migrate-storage",
            "Copy a stopped agency to another storage backend (register with its bureaus, officers, ties, settings, outbox, coordination requests, directory), then verify the copy")
        {
            data, set, to, connection, path,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string directory = Path.GetFullPath(parse.GetValue(data)!);
            string target = parse.GetValue(to)!;
            await using var local = await AgencyFolder.OpenAsync(directory, parse.GetValue(set)!, ct).ConfigureAwait(false);
            string source = StorageProvider.IsPostgres(local.Options) ? StorageProvider.Postgres : StorageProvider.Sqlite;
            if (source == target)
            {
                throw new CliException(ExitCodes.Usage, $"the agency is on {source} already (Storage:Provider); --to names the other backend");
            }

            // The rotations table (and with it the aliases of a rotated counterpart's tie) has no way through the storage
            // interface that would not file the rotations' register entries a second time: refused before anything is written.
            if ((await local.Store.Keys.ListKeyRotationsAsync(ct).ConfigureAwait(false)).Count > 0)
            {
                throw new CliException(ExitCodes.Conflict, "the agency has key rotations on file, which migrate-storage cannot copy yet; nothing was copied");
            }

            await using var destination = await OpenTargetAsync(directory, local.Options, target, parse.GetValue(connection), parse.GetValue(path), ct)
                .ConfigureAwait(false);
            using var transport = new HttpTransport(new PeerEndpointPolicy(local.Identity.Endpoint, local.Options.Delivery.AllowedPeerNetworks));
            using var agency = new Agency(local.Identity, local.Store, transport, local.Options.Delivery);
            var copied = await terminal.WithStatusAsync("Copying the agency…", status => CopyAsync(local.Store, destination.Store, agency, status, ct))
                .ConfigureAwait(false);
            destination.Succeeded = true;
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["from"] = source,
                    ["to"] = target,
                    ["verified"] = true,
                    ["entries"] = copied.Head.Count,
                    ["head"] = copied.Head.Head,
                    ["telegrams"] = copied.Telegrams,
                    ["officers"] = copied.Officers,
                    ["ties"] = copied.Ties,
                    ["outbox"] = copied.Outbox,
                });
            }
            else
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"copied from {source} to {target} and verified: {copied.Head.Count} entries (head {copied.Head.Head}), {copied.Telegrams} telegrams, {copied.Officers} officers, {copied.Ties} ties, {copied.Outbox} outbox items"));
                terminal.Line(target == StorageProvider.Postgres
                    ? "to run on it: set Storage:Provider to postgres in telex.json and TELEX__Storage__ConnectionString in the environment of every node"
                    : "to run on it: set Storage:Provider to sqlite in telex.json (and Storage:Path if you gave --path)");
                terminal.Line("officers sign in again: sessions and unused invitations are not copied");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private sealed class Target(ITelexStore store, string? createdFile) : IAsyncDisposable
    {
        public ITelexStore Store { get; } = store;

        public bool Succeeded { get; set; }

        public async ValueTask DisposeAsync()
        {
            await Store.DisposeAsync().ConfigureAwait(false);
            if (!Succeeded && createdFile is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
                {
                    File.Delete(createdFile + suffix);
                }
            }
        }
    }

    private static async Task<Target> OpenTargetAsync(string directory, TelexOptions options, string target, string? connection, string? path,
        CancellationToken ct)
    {
        ITelexStore store;
        string? created = null;
        if (target == StorageProvider.Postgres)
        {
            connection ??= Environment.GetEnvironmentVariable("TELEX_MIGRATE_CONNECTION");
            store = new PostgresStore(StorageProvider.CheckConnectionString(connection));
        }
        else
        {
            string file = Path.GetFullPath(path ?? Path.Combine(directory, options.Storage.Path));
            if (File.Exists(file))
            {
                throw new CliException(ExitCodes.Conflict, $"{file} exists already; the copy goes to a new file (give --path)");
            }

            created = file;
            store = new SqliteStore(file, fullSync: options.Storage.FullSync);
        }

        var opened = new Target(store, created);
        try
        {
            await StorageProvider.MigrateAsync(store, ct).ConfigureAwait(false);
            if ((await store.Register.GetRegisterHeadAsync(ct).ConfigureAwait(false)).Count > 0 || (await store.Officers.ListOfficersAsync(ct).ConfigureAwait(false)).Count > 0
                || (await store.Ties.ListTiesAsync(ct).ConfigureAwait(false)).Count > 0)
            {
                throw new CliException(ExitCodes.Conflict, "the target database holds an agency already; the copy goes to an empty one");
            }

            return opened;
        }
        catch
        {
            await opened.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed record Copied(RegisterHead Head, long Telegrams, int Officers, int Ties, int Outbox);

    /// <summary>
    /// Copies everything an agency needs to carry on, register first (verified before and after), then checks that the
    /// copy holds what the source holds. The outbox is read by claiming it under a node name of its own and released
    /// afterwards, so the source is left as it was.
    /// </summary>
    private static async Task<Copied> CopyAsync(ITelexStore from, ITelexStore to, Agency agency, Action<string> status, CancellationToken ct)
    {
        status("Reading and verifying the register…");
        var register = await from.Register.ReadRegisterAsync(ct).ConfigureAwait(false);
        string chainOf = register.OriginDid ?? agency.Identity.Did;
        var before = RegisterVerifier.Verify(register, chainOf, agency.Register.OpenCheckpoint);
        if (!before.Ok)
        {
            throw new CliException(ExitCodes.Tampered, "the register does not verify, nothing was copied: " + before.First);
        }

        status($"Copying {register.Entries.Count:N0} entries…");
        await to.Register.ImportRegisterAsync(register, ct).ConfigureAwait(false);
        // Every setting: the clearance rules, the relay policy, the console's key ring, and whatever is added later.
        var settings = await from.Settings.ListSettingsAsync("", ct).ConfigureAwait(false);
        foreach (var (key, value) in settings)
        {
            await to.Settings.SetSettingAsync(key, value, ct).ConfigureAwait(false);
        }

        var officers = await from.Officers.ListOfficersAsync(ct).ConfigureAwait(false);
        foreach (var officer in officers)
        {
            await to.Officers.AddOfficerAsync(officer, ct).ConfigureAwait(false);
        }

        var ties = await from.Ties.ListTiesAsync(ct).ConfigureAwait(false);
        foreach (var tie in ties)
        {
            await to.Ties.SaveTieAsync(tie, ct).ConfigureAwait(false);
        }

        foreach (var request in await from.Clearance.ListCoordinationRequestsAsync(null, ct).ConfigureAwait(false))
        {
            await to.Clearance.RecordCoordinationRequestAsync(request, ct).ConfigureAwait(false);
        }

        var directory = await from.Directory.ListDirectoryAsync(ct).ConfigureAwait(false);
        foreach (var entry in directory)
        {
            if (!await to.Directory.AddDirectoryEntryAsync(entry, ct).ConfigureAwait(false))
            {
                throw new CliException(ExitCodes.Tampered, $"the directory entry {entry.Name} could not be copied; do not switch to the copy");
            }

            foreach (var note in entry.Notes)
            {
                await to.Directory.AddDossierNoteAsync(entry.Id, note, ct).ConfigureAwait(false);
            }
        }

        status("Copying the outbox…");
        int outbox = 0;
        try
        {
            var far = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
            while (true)
            {
                var items = await from.Outbox.ClaimDueAsync(far, 500, TimeSpan.Zero, CopyNode, ct).ConfigureAwait(false);
                if (items.Count == 0)
                {
                    break;
                }

                foreach (var item in items)
                {
                    await to.Outbox.EnqueueAsync(item, ct).ConfigureAwait(false);
                }

                outbox += items.Count;
            }
        }
        finally
        {
            await from.Outbox.ReleaseClaimsAsync(CopyNode, CancellationToken.None).ConfigureAwait(false);
        }

        status("Verifying the copy…");
        var copy = await to.Register.ReadRegisterAsync(ct).ConfigureAwait(false);
        var after = RegisterVerifier.Verify(copy, chainOf, agency.Register.OpenCheckpoint);
        var head = await from.Register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
        var copiedHead = await to.Register.GetRegisterHeadAsync(ct).ConfigureAwait(false);
        var depth = await to.Outbox.OutboxDepthAsync(ct).ConfigureAwait(false);
        string? mismatch = !after.Ok ? "the copy does not verify: " + after.First
            : copiedHead != head ? $"the copy's head {copiedHead.Head} at {copiedHead.Count} differs from the source's {head.Head} at {head.Count}"
            : copy.Telegrams.Count != register.Telegrams.Count ? "telegram counts differ"
            : (await to.Officers.ListOfficersAsync(ct).ConfigureAwait(false)).Count != officers.Count ? "officer counts differ"
            : (await to.Ties.ListTiesAsync(ct).ConfigureAwait(false)).Count != ties.Count ? "tie counts differ"
            : (await to.Directory.ListDirectoryAsync(ct).ConfigureAwait(false)).Sum(e => 1 + e.Notes.Count) != directory.Sum(e => 1 + e.Notes.Count)
                ? "directory entry or note counts differ"
            : depth.Values.Sum() != outbox ? "outbox counts differ"
            : settings.Except(await to.Settings.ListSettingsAsync("", ct).ConfigureAwait(false)).Any() ? "settings differ"
            : null;
        if (mismatch is not null)
        {
            throw new CliException(ExitCodes.Tampered, "the copy was made but does not match the source; do not switch to it: " + mismatch);
        }

        foreach (var tie in ties)
        {
            if ((await to.Ties.GetTieAsync(tie.PeerDid, ct).ConfigureAwait(false))?.LastSentSerial != tie.LastSentSerial)
            {
                throw new CliException(ExitCodes.Tampered, $"the copy's serial counter for {tie.PeerDid} differs from the source's; do not switch to it");
            }
        }

        return new Copied(head, copy.Telegrams.Count, officers.Count, ties.Count, outbox);
    }
}
