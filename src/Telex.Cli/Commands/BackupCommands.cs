using Telex.Core.Security;
using Telex.Server.Hosting;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex backup</c> (a consistent copy of an agency on SQLite, taken while it serves) and <c>telex restore</c> (into a
/// new folder, verified before it is put in place). An agency on PostgreSQL is backed up with pg_dump (docs/DEPLOY.md).
/// </summary>
internal static class BackupCommands
{
    public static Command Backup(Globals globals)
    {
        var data = Globals.Data();
        var set = Globals.Set();
        var output = new Option<string>("--out", "-o")
        {
            Description = "The backup file to write (it must not exist; owner-only, as it holds the agency's keys)",
            HelpName = "FILE",
            Required = true,
        };
        var command = new Command("backup",
            "Take a consistent copy of an agency on SQLite — its database, configuration and keys (sealed keys stay sealed) — while it serves")
        {
            data, set, output,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string directory = Path.GetFullPath(parse.GetValue(data)!);
            var options = TelexConfiguration.Load(directory, parse.GetValue(set));
            if (StorageProvider.IsPostgres(options))
            {
                throw new CliException(ExitCodes.Usage,
                    "the agency keeps its register in PostgreSQL: back that up with pg_dump and copy the data folder (docs/DEPLOY.md, Backups)");
            }

            // Held shared, as a serving agency holds it: the keys are not sealed or unsealed under the copy.
            using var held = FolderLock.TryShared(directory)
                ?? throw new CliException(ExitCodes.Conflict, $"the keys in {directory} are being sealed or unsealed; try again when that is done");
            string file = Path.GetFullPath(parse.GetValue(output)!);
            var manifest = await terminal.WithStatusAsync("Backing up the agency…", _ => AgencyBackup.CreateAsync(directory, options, file, ct))
                .ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["file"] = file,
                    ["agency"] = manifest.Agency,
                    ["did"] = manifest.Did,
                    ["entries"] = manifest.Entries,
                    ["head"] = manifest.Head,
                    ["files"] = new JsonArray([.. manifest.Files.Select(f => (JsonNode?)f)]),
                });
            }
            else
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"backed up {manifest.Agency} to {file}: register of {manifest.Entries} entries (head {Short(manifest.Head)}); {string.Join(", ", manifest.Files)}"));
                terminal.Line("the file holds the agency's keys: keep it as safe as the agency's folder");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command Restore(Globals globals)
    {
        var file = new Argument<string>("FILE") { Description = "A backup made by telex backup" };
        var data = Globals.Data();
        data.Description = "The folder to restore the agency into: new or empty";
        var passphrase = Passphrase.FileOption();
        var command = new Command("restore",
            "Restore an agency from a backup into a new folder, verifying its register before it is put in place")
        {
            file, data, passphrase,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string directory = Path.GetFullPath(parse.GetValue(data)!);
            string? passphraseFile = parse.GetValue(passphrase);
            var (manifest, report) = await terminal.WithStatusAsync("Restoring and verifying the agency…",
                _ => AgencyBackup.RestoreAsync(Path.GetFullPath(parse.GetValue(file)!), directory, staging => VerifyAsync(staging, passphraseFile, ct), ct))
                .ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["data"] = directory,
                    ["agency"] = manifest.Agency,
                    ["did"] = manifest.Did,
                    ["takenAt"] = manifest.TakenAt,
                    ["verified"] = true,
                    ["entries"] = report.Entries,
                    ["head"] = report.Head,
                });
            }
            else
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture,
                    $"restored {manifest.Agency} (backed up {manifest.TakenAt:yyyy-MM-dd HH:mm} UTC) into {directory}; register verified: {report.Entries} entries, head {Short(report.Head)}"));
                terminal.Line($"serve it with: telex serve --data {directory}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Opens the restored folder as <c>telex serve</c> would (the passphrase asked only for sealed keys) and verifies its register.</summary>
    private static async Task<Core.Register.VerifyReport> VerifyAsync(string staging, string? passphraseFile, CancellationToken ct)
    {
        await using var local = await AgencyFolder.OpenAsync(staging, [], ct, () => Passphrase.Read(passphraseFile, confirm: false)).ConfigureAwait(false);
        using var transport = new HttpTransport(new PeerEndpointPolicy(local.Identity.Endpoint, local.Options.Delivery.AllowedPeerNetworks));
        using var agency = new Agency(local.Identity, local.Store, transport, local.Options.Delivery);
        return await agency.Register.VerifyRegisterAsync(ct).ConfigureAwait(false);
    }

    private static string Short(string head) => head.Length > 16 ? head[..16] + "…" : head;
}
