using Telex.Core.Register;
using Telex.Core.Security;
using Telex.Server.Hosting;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex register verify | checkpoint | export | import | import-cable</c>: the tamper-evident register. Verify,
/// checkpoint and export talk to a running agency over the API, or, given <c>--data DIR</c>, open the agency's folder
/// directly (the agency may be stopped); import and import-cable always work on the folder.
/// </summary>
internal static class RegisterChainCommands
{
    /// <summary>Export formats.</summary>
    public static readonly string[] Formats = ["jsonl", "cable", "html"];

    /// <summary>Most a zip of printable pages from the agency may unpack to: 1 GiB.</summary>
    private const long MaxPagesBytes = 1L << 30;

    public static Command Create(Globals globals) =>
        Globals.Group("register", "The tamper-evident register: verify, checkpoint, export and import",
            Verify(globals), CheckpointCommand(globals), Export(globals), Import(globals), ImportCable(globals));

    private static Command Verify(Globals globals)
    {
        var data = LocalData();
        var set = Globals.Set();
        var command = new Command("verify",
            "Recompute the register's hash chain, check every entry against its telegram and every checkpoint; exit 7 if anything was changed")
        {
            data, set,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            VerifyView report;
            if (IsLocal(run.Parse, data))
            {
                await using var local = await OpenLocalAsync(run.Parse, data, set, run.Ct).ConfigureAwait(false);
                report = View(await local.Agency.Register.VerifyRegisterAsync(run.Ct).ConfigureAwait(false));
            }
            else
            {
                report = await run.Call((api, ct) => api.VerifyRegisterAsync(ct)).ConfigureAwait(false);
            }

            run.Print(report, r => PrintReport(run.Terminal, r));
            return report.Ok ? ExitCodes.Ok : ExitCodes.Tampered;
        }, connectFirst: false);
    }

    private static void PrintReport(Terminal terminal, VerifyView report)
    {
        string counts = string.Create(CultureInfo.InvariantCulture,
            $"{report.Entries} entries, {report.Telegrams} telegrams, {report.Cables} imported cables, {report.Checkpoints} checkpoints, {report.IssueEvents} issue events, {report.ClearanceSteps} clearance steps, {report.OfficerEvents} officer events");
        if (report.Ok)
        {
            terminal.Line($"register verified: {counts}; head {report.Head}");
            return;
        }

        var problems = report.Problems;
        terminal.Line($"register NOT verified ({counts}): {problems.Count} problem(s)");
        terminal.Line("first: " + problems[0].Summary);
        foreach (var p in problems.Skip(1).Take(50))
        {
            terminal.Line("  " + p.Summary);
        }

        if (problems.Count > 51)
        {
            terminal.Line($"  … and {problems.Count - 51} more (--json lists all)");
        }
    }

    /// <summary>A report made here, on the agency's folder, as the API would answer it.</summary>
    private static VerifyView View(VerifyReport r) => new(r.Ok, r.Entries, r.Telegrams, r.Cables, r.Checkpoints, r.IssueEvents, r.ClearanceSteps,
        r.OfficerEvents, r.Head,
        [.. r.Problems.Select(p => new ProblemView(p.Position, p.Reference, p.RegistryNumber, p.TelegramId, p.Problem, p.Detail, p.ToString()))]);

    private static Command CheckpointCommand(Globals globals)
    {
        var data = LocalData();
        var set = Globals.Set();
        var command = new Command("checkpoint", "Sign a checkpoint of the register now and send it to every established tie")
        {
            data, set,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            var terminal = run.Terminal;
            long count;
            string head;
            if (IsLocal(run.Parse, data))
            {
                await using var local = await OpenLocalAsync(run.Parse, data, set, run.Ct).ConfigureAwait(false);
                var cp = await local.Agency.Register.CheckpointAsync(run.Ct).ConfigureAwait(false);
                (count, head) = (cp.Count, cp.Head);
            }
            else
            {
                var cp = await run.Call((api, ct) => api.CreateCheckpointAsync(ct)).ConfigureAwait(false);
                (count, head) = (cp.Count, cp.Head);
            }

            return terminal.Report(new JsonObject { ["count"] = count, ["head"] = head },
                string.Create(CultureInfo.InvariantCulture, $"checkpoint signed over {count} entries, head {head}"));
        }, connectFirst: false);
    }

    private static Command Export(Globals globals)
    {
        var data = LocalData();
        var set = Globals.Set();
        var format = new Option<string>("--format", "-f")
        {
            Description = "jsonl: complete and re-importable; cable: classic cable text; html: a printable page per telegram (into --out DIR)",
            DefaultValueFactory = _ => "jsonl",
        };
        format.AcceptOnlyFromAmong(Formats);
        var output = new Option<string?>("--out", "-o") { Description = "Where to write (a file; a folder for html); default standard output", HelpName = "PATH" };
        var command = new Command("export", "Export the register: JSON Lines (complete), cable text or printable pages") { data, set, format, output };
        return ClientCommand.Create(globals, command, async run =>
        {
            var (parse, terminal, ct) = (run.Parse, run.Terminal, run.Ct);
            string fmt = parse.GetValue(format)!;
            string? path = parse.GetValue(output);
            if (fmt == "html" && path is null)
            {
                throw new CliException(ExitCodes.Usage, "--format html writes one page per telegram: give the folder with --out DIR");
            }

            if (!IsLocal(parse, data))
            {
                if (fmt == "html")
                {
                    byte[] zip = await run.Call((api, c) => api.ExportRegisterPagesAsync(c)).ConfigureAwait(false);
                    int written = await ExtractPagesAsync(zip, path!, ct).ConfigureAwait(false);
                    if (!terminal.Json)
                    {
                        terminal.Line($"{written} pages written to {path}");
                    }

                    return ExitCodes.Ok;
                }

                string text = await run.Call((api, c) => api.ExportRegisterAsync(fmt, c)).ConfigureAwait(false);
                await WriteAsync(terminal, path, text, ct).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            await using var local = await OpenLocalAsync(parse, data, set, ct).ConfigureAwait(false);
            switch (fmt)
            {
                case "jsonl":
                    if (path is null)
                    {
                        var stdout = Console.OpenStandardOutput();
                        await using (stdout.ConfigureAwait(false))
                        {
                            await local.Agency.Register.ExportRegisterAsync(stdout, ct).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        var file = new FileStream(path, FileMode.Create, FileAccess.Write);
                        await using (file.ConfigureAwait(false))
                        {
                            await local.Agency.Register.ExportRegisterAsync(file, ct).ConfigureAwait(false);
                        }
                    }

                    break;
                case "cable":
                    await WriteAsync(terminal, path, await local.Agency.Register.ExportCablesAsync(ct).ConfigureAwait(false), ct).ConfigureAwait(false);
                    break;
                default:
                    Directory.CreateDirectory(path!);
                    var pages = await local.Agency.Register.ExportPagesAsync(ct).ConfigureAwait(false);
                    foreach (var (name, content) in pages)
                    {
                        await File.WriteAllTextAsync(Path.Combine(path!, name + ".html"), content, new UTF8Encoding(false), ct).ConfigureAwait(false);
                    }

                    if (!terminal.Json)
                    {
                        terminal.Line($"{pages.Count} pages written to {path}");
                    }

                    break;
            }

            return ExitCodes.Ok;
        }, connectFirst: false);
    }

    /// <summary>
    /// Writes the agency's zip of printable pages into <paramref name="folder"/>: only plain <c>NAME.html</c> entries, each
    /// by its own name in that folder, at most <see cref="MaxPagesBytes"/> in all. Returns the number of pages.
    /// </summary>
    private static async Task<int> ExtractPagesAsync(byte[] zip, string folder, CancellationToken ct)
    {
        using var archive = OpenZip(zip);
        var pages = archive.Entries.Where(e => e.Name.Length > 0).ToList();
        foreach (var entry in pages)
        {
            if (entry.FullName != entry.Name || !entry.Name.EndsWith(".html", StringComparison.Ordinal)
                || Telex.Core.Protocol.AttachmentName.Problem(entry.Name) is not null)
            {
                throw new CliException(ExitCodes.Unexpected, $"the agency's export holds '{entry.FullName}', which is not a page; nothing was written");
            }
        }

        if (pages.Sum(e => e.Length) > MaxPagesBytes)
        {
            throw new CliException(ExitCodes.Unexpected, $"the agency's export unpacks to more than {MaxPagesBytes / (1024 * 1024)} MiB; nothing was written");
        }

        Directory.CreateDirectory(folder);
        foreach (var entry in pages)
        {
            var source = await entry.OpenAsync(ct).ConfigureAwait(false);
            await using (source.ConfigureAwait(false))
            {
                var target = new FileStream(Path.Combine(folder, entry.Name), FileMode.Create, FileAccess.Write);
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, ct).ConfigureAwait(false);
                }
            }
        }

        return pages.Count;
    }

    private static System.IO.Compression.ZipArchive OpenZip(byte[] zip)
    {
        try
        {
            return new System.IO.Compression.ZipArchive(new MemoryStream(zip), System.IO.Compression.ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new CliException(ExitCodes.Unexpected, $"the agency's export of pages is not a zip archive: {e.Message}");
        }
    }

    private static async Task WriteAsync(Terminal terminal, string? path, string text, CancellationToken ct)
    {
        if (path is null)
        {
            Invocation.DataOnStdout();
            terminal.Stdout.Write(text);
            await terminal.Stdout.FlushAsync(ct).ConfigureAwait(false);
        }
        else
        {
            await File.WriteAllTextAsync(path, text, new UTF8Encoding(false), ct).ConfigureAwait(false);
        }
    }

    private static Command Import(Globals globals) =>
        ImportInto(globals, "import", "Import another agency's register export into this fresh agency's register; it is verified first",
            "A JSON Lines export (telex register export)", async (terminal, path, open, ct) =>
            {
                await using var local = await open().ConfigureAwait(false);
                var input = OpenInput(path);
                VerifyReport report;
                await using (input.ConfigureAwait(false))
                {
                    report = await local.Agency.Register.ImportRegisterAsync(input, ct).ConfigureAwait(false);
                }

                return terminal.Report(ApiClient.AsJson(View(report)), string.Create(CultureInfo.InvariantCulture,
                    $"imported and verified: {report.Entries} entries, {report.Telegrams} telegrams, {report.Cables} imported cables, {report.Checkpoints} checkpoints, {report.IssueEvents} issue events, {report.ClearanceSteps} clearance steps"));
            });

    /// <summary>A command that imports its <c>FILE</c> into the agency's folder, which <c>open</c> opens (after the file is read, if it must be first).</summary>
    private static Command ImportInto(Globals globals, string name, string description, string fileDescription,
        Func<Terminal, string, Func<Task<OpenedAgency>>, CancellationToken, Task<int>> import)
    {
        var data = Globals.Data();
        var set = Globals.Set();
        var file = new Argument<string>("FILE") { Description = fileDescription };
        var command = new Command(name, description) { file, data, set };
        command.SetAction((parse, ct) => import(globals.Terminal(parse), parse.GetValue(file)!, () => OpenAsync(parse, data, set, ct), ct));
        return command;
    }

    private static Command ImportCable(Globals globals) =>
        ImportInto(globals, "import-cable", "Import a historical cable into the register, marked imported (never traffic)",
            "A historical cable in the classic layout (Nº, date and time, text, signature line)", async (terminal, path, open, ct) =>
            {
                string text;
                try
                {
                    if (new FileInfo(path).Length > CableText.MaxBytes)
                    {
                        throw new CliException(ExitCodes.Usage, $"{path}: larger than {CableText.MaxBytes / 1024} KiB; not a cable");
                    }

                    text = await File.ReadAllTextAsync(path, new UTF8Encoding(false, throwOnInvalidBytes: true), ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
                {
                    throw new CliException(e is FileNotFoundException or DirectoryNotFoundException ? ExitCodes.NotFound : ExitCodes.Usage, $"{path}: {e.Message}");
                }

                await using var local = await open().ConfigureAwait(false);
                var (cable, entry) = await local.Agency.Register.ImportCableAsync(text, Path.GetFileName(path), ct).ConfigureAwait(false);
                var points = CableText.Points(cable.Text);
                return terminal.Report(new JsonObject
                {
                    ["id"] = cable.Id.ToString(),
                    ["position"] = entry.Position,
                    ["registryNumber"] = cable.RegistryNumber,
                    ["receivedAt"] = cable.ReceivedAt.ToString("O", CultureInfo.InvariantCulture),
                    ["senderSerial"] = cable.SenderSerial,
                    ["signer"] = cable.Signer,
                    ["signedOn"] = cable.SignedOn,
                    ["points"] = new JsonArray(points.Select(p => (JsonNode?)p.Number).ToArray()),
                    ["editorialMarks"] = new JsonArray(CableText.EditorialMarks(cable.Text + "\n" + cable.Trailer).Select(m => (JsonNode?)m).ToArray()),
                }, string.Create(CultureInfo.InvariantCulture,
                    $"imported cable Nº {cable.RegistryNumber} of {cable.ReceivedAt.UtcDateTime:d MMMM yyyy HH:mm} (No. {cable.SenderSerial} - {cable.Signer}, {cable.SignedOn}; {points.Count} numbered points) as register entry {entry.Position}"));
            });

    private static FileStream OpenInput(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(e is FileNotFoundException or DirectoryNotFoundException ? ExitCodes.NotFound : ExitCodes.Usage, $"{path}: {e.Message}");
        }
    }

    /// <summary><c>--data DIR</c> without a default: given, the command opens the folder instead of calling the API.</summary>
    private static Option<string?> LocalData() => new("--data", "-d")
    {
        Description = "Work on the agency's data folder directly instead of over the API (the agency may be stopped)",
        HelpName = "DIR",
    };

    private static bool IsLocal(ParseResult parse, Option<string?> data) => parse.GetValue(data) is { Length: > 0 };

    private static Task<OpenedAgency> OpenAsync(ParseResult parse, Option<string> data, Option<string[]> set, CancellationToken ct) =>
        OpenedAgency.OpenAsync(parse.GetValue(data)!, parse.GetValue(set)!, ct);

    private static Task<OpenedAgency> OpenLocalAsync(ParseResult parse, Option<string?> data, Option<string[]> set, CancellationToken ct) =>
        OpenedAgency.OpenAsync(parse.GetValue(data)!, parse.GetValue(set)!, ct);

    /// <summary>An agency opened from its folder for one command; nothing is delivered from here (the outbox waits for serve).</summary>
    private sealed class OpenedAgency(LocalAgency local, HttpTransport transport, Agency agency) : IAsyncDisposable
    {
        public Agency Agency { get; } = agency;

        public static async Task<OpenedAgency> OpenAsync(string directory, string[] overrides, CancellationToken ct)
        {
            var local = await AgencyFolder.OpenAsync(directory, overrides, ct).ConfigureAwait(false);
            var transport = new HttpTransport(new PeerEndpointPolicy(local.Identity.Endpoint, local.Options.Delivery.AllowedPeerNetworks));
            return new OpenedAgency(local, transport, new Agency(local.Identity, local.Store, transport, local.Options.Delivery));
        }

        public async ValueTask DisposeAsync()
        {
            Agency.Dispose();
            transport.Dispose();
            await local.DisposeAsync().ConfigureAwait(false);
        }
    }
}
