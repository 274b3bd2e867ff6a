using System.CommandLine;
using System.Text.Json.Nodes;

using Microsoft.Extensions.Logging;

using Telex.Cli.Demo;
using Telex.Cli.Hosting;
using Telex.Cli.Output;

namespace Telex.Cli.Commands;

/// <summary><c>telex demo</c>: a small local network of real agencies with ties and delivered telegrams.</summary>
internal static class DemoCommand
{
    public static Command Create(Globals globals)
    {
        var count = new Option<int>("--agencies") { Description = "How many agencies (3 to 12)", DefaultValueFactory = _ => 3 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 3 or > 12)
            {
                r.AddError("--agencies must be between 3 and 12");
            }
        });
        var basePort = new Option<int>("--base-port")
        {
            Description = "The first agency's loopback port; the others follow (0: any free ports)",
            DefaultValueFactory = _ => 7401,
        };
        basePort.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is not 0 and (< 1024 or > 65_500))
            {
                r.AddError("--base-port must be 0 or between 1024 and 65500");
            }
        });
        var data = new Option<string?>("--data", "-d")
        {
            Description = "Folder for the agencies' data (default a new temporary folder, removed on exit)",
            HelpName = "DIR",
        };
        var exitAfterSetup = new Option<bool>("--exit-after-setup") { Description = "Stop once the network is up and the telegrams are delivered" };
        var command = new Command("demo", "Start a local demonstration network: agencies, verified ties and delivered telegrams")
        {
            count, basePort, data, exitAfterSetup,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            string? given = parse.GetValue(data);
            string directory = Path.GetFullPath(given ?? Path.Combine(Path.GetTempPath(), "telex-demo-" + Guid.NewGuid().ToString("N")[..8]));
            if (given is not null && Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
            {
                throw new CliException(ExitCodes.Conflict, $"{directory} is not empty; the demo creates its agencies in an empty or new folder");
            }

            try
            {
                await using var network = new DemoNetwork();
                var results = await terminal.WithStatusAsync("Starting agencies…", async progress =>
                {
                    await network.StartAsync(directory, parse.GetValue(count), parse.GetValue(basePort),
                        ServerLogging.Configure(LogLevel.Warning, "text"), ct).ConfigureAwait(false);
                    progress("Establishing ties…");
                    await network.TieAllAsync(progress, ct).ConfigureAwait(false);
                    return await network.ExchangeAsync(progress, ct).ConfigureAwait(false);
                }).ConfigureAwait(false);

                Print(terminal, directory, network, results);
                if (parse.GetValue(exitAfterSetup))
                {
                    return ExitCodes.Ok;
                }

                if (!terminal.Json)
                {
                    terminal.Line();
                    terminal.Line($"Serving {network.Agencies.Count} agencies; press Ctrl-C to stop.");
                    terminal.Line($"Web console: open {network.Agencies[0].Url}/ in a browser and sign in as {AgencyFolder.FirstOfficer}, password {DemoScript.Password} (every agency serves its own at its URL).");
                    terminal.Line($"Try: telex login --url {network.Agencies[0].Url} --name {AgencyFolder.FirstOfficer} && telex inbox");
                }

                terminal.Stdout.Flush();
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                }

                if (!terminal.Json)
                {
                    terminal.Line("stopping the demonstration network");
                }

                return ExitCodes.Ok;
            }
            finally
            {
                if (given is null)
                {
                    TryDelete(directory);
                }
            }
        });
        return command;
    }

    private static void Print(Terminal terminal, string directory, DemoNetwork network, IReadOnlyList<DemoResult> results)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(new JsonObject
            {
                ["dataDirectory"] = directory,
                ["agencies"] = new JsonArray(network.Agencies.Select(a => (JsonNode)new JsonObject
                {
                    ["name"] = a.Name,
                    ["url"] = a.Url,
                    ["console"] = a.Url + "/",
                    ["did"] = a.Did,
                    ["officer"] = AgencyFolder.FirstOfficer,
                    ["password"] = DemoScript.Password,
                    ["dataDirectory"] = a.Local.Directory,
                }).ToArray()),
                ["telegrams"] = new JsonArray(results.Select(r => (JsonNode)new JsonObject
                {
                    ["id"] = r.Sent.Id.ToString(),
                    ["from"] = r.From.Name,
                    ["to"] = r.To.Name,
                    ["subject"] = r.Sent.Subject,
                    ["issue"] = r.Sent.IssueId,
                    ["precedence"] = r.Sent.Precedence.ToString().ToLowerInvariant(),
                    ["serial"] = r.Sent.Serial,
                    ["registryNumber"] = r.Received?.RegistryNumber,
                    ["status"] = r.Sent.Status.ToString().ToLowerInvariant(),
                    ["deliveredAt"] = r.Sent.DeliveredAt,
                }).ToArray()),
            });
            return;
        }

        // Narrow enough for an 80-column terminal: what is the same on every row goes in the title.
        terminal.Table(["Agency", "URL", "DID"],
            network.Agencies.Select(a => new[] { a.Name, a.Url, Terminal.ShortDid(a.Did) }),
            $"Agencies: every pair tied and verified; sign in as {AgencyFolder.FirstOfficer}, password {DemoScript.Password}", 2);
        terminal.Table(["From", "To", "Precedence", "Issue", "Subject", "Nº there"],
            results.Select(r => new[]
            {
                r.From.Name,
                r.To.Name,
                r.Sent.Precedence.ToString().ToLowerInvariant(),
                r.Sent.IssueId,
                r.Sent.Subject,
                r.Received?.RegistryNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            "Telegrams: each delivered and acknowledged by a signed receipt", 3, 4);
        terminal.Line($"Data: {directory}");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
