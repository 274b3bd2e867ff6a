using Microsoft.Extensions.Logging;

using Telex.Cli.Demo;
using Telex.Core.Model;

namespace Telex.Cli.Commands;

/// <summary><c>telex demo</c>: a small local network of real agencies with ties and delivered telegrams.</summary>
internal static class DemoCommand
{
    public static Command Create(Globals globals)
    {
        var count = new Option<int>("--agencies") { Description = "How many agencies (4 to 12)", DefaultValueFactory = _ => 6 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 4 or > 12)
            {
                r.AddError("--agencies must be between 4 and 12");
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
        var command = new Command("demo", "Start a local demonstration network: agencies, verified ties, a directory, a bureau, a relay and delivered telegrams")
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
                var story = await terminal.WithStatusAsync("Starting agencies…", async progress =>
                {
                    await network.StartAsync(directory, parse.GetValue(count), parse.GetValue(basePort),
                        ServerLogging.Configure(LogLevel.Warning, "text"), ct).ConfigureAwait(false);
                    progress("Establishing ties…");
                    await network.TieFirstThreeAsync(progress, ct).ConfigureAwait(false);
                    var counterparts = await network.FillDirectoryAsync(progress, ct).ConfigureAwait(false);
                    var bureau = await network.BureauAsync(progress, ct).ConfigureAwait(false);
                    var exchanged = await network.ExchangeAsync(progress, ct).ConfigureAwait(false);
                    var relayed = await network.RelayAsync(progress, ct).ConfigureAwait(false);
                    counterparts = await network.Agencies[0].Agency.Directory.ListDirectoryAsync(ct).ConfigureAwait(false);
                    return new DemoStory(counterparts, bureau, exchanged.Telegrams, relayed, exchanged.Issues);
                }).ConfigureAwait(false);

                Print(terminal, directory, network, story);
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

    private static void Print(Terminal terminal, string directory, DemoNetwork network, DemoStory story)
    {
        var founder = network.Agencies[0];
        var results = story.Telegrams.Append(story.Relayed).ToList();
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
                ["directory"] = new JsonObject
                {
                    ["agency"] = founder.Name,
                    ["counterparts"] = new JsonArray(story.Directory.Select(c => (JsonNode)new JsonObject
                    {
                        ["name"] = c.Name,
                        ["did"] = c.Did,
                        ["tie"] = c.TieStatus.ToString().ToLowerInvariant(),
                    }).ToArray()),
                },
                ["bureau"] = new JsonObject
                {
                    ["id"] = story.Bureau.Bureau.Id.ToString(),
                    ["name"] = story.Bureau.Bureau.Name,
                    ["premature"] = story.Bureau.Premature,
                    ["missing"] = new JsonArray(story.Bureau.Missing.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
                    ["refusal"] = story.Bureau.Refusal,
                    ["ready"] = story.Bureau.Ready,
                    ["epoch"] = story.Bureau.Epoch,
                    ["members"] = story.Bureau.Bureau.Members.Count,
                    ["bulletin"] = new JsonArray(story.Bureau.Bulletin.Select(Telegram).ToArray()),
                },
                ["telegrams"] = new JsonArray(results.Select(Telegram).ToArray()),
                ["issues"] = new JsonArray(story.Issues.Select(i => (JsonNode)new JsonObject
                {
                    ["id"] = i.Id,
                    ["number"] = i.Number,
                    ["title"] = i.Title,
                    ["status"] = i.Status.ToString().ToLowerInvariant(),
                    ["outcome"] = i.Named,
                    ["text"] = i.Outcome,
                    ["referredTo"] = i.ReferredTo,
                }).ToArray()),
            });
            return;
        }

        // Narrow enough for an 80-column terminal: what is the same on every row goes in the title.
        terminal.Table(["Agency", "URL"],
            network.Agencies.Select(a => new[] { a.Name, a.Url }),
            $"Agencies: sign in as {AgencyFolder.FirstOfficer}, password {DemoScript.Password}", 2);
        int tied = story.Directory.Count(c => c.TieStatus == TieStatus.Established);
        terminal.Line($"{founder.Name}'s directory: {story.Directory.Count} counterparts, ties with {tied} (each with a dossier note)");
        terminal.Line($"{story.Bureau.Bureau.Name}: {story.Bureau.Premature} (missing {string.Join(", ", story.Bureau.Missing)}) → charter refused");
        terminal.Line($"  ties added → {story.Bureau.Ready} → chartered; epoch {story.Bureau.Epoch} has {story.Bureau.Bureau.Members.Count} members; "
            + $"the bulletin reached {story.Bureau.Bulletin.Count(b => b.Received is not null)} of {story.Bureau.Bulletin.Count}, each with its receipt");
        var names = network.Agencies.ToDictionary(a => a.Did, a => a.Name, StringComparer.Ordinal);
        terminal.Table(["Nº", "Issue", "With", "Outcome"], story.Issues.OrderBy(i => i.Number).Select(i => new[]
        {
            i.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            i.Title,
            names.GetValueOrDefault(i.Counterpart, i.Counterpart),
            i.ReferredTo is { } to ? $"{i.Named} to {to}" : i.Named,
        }), $"{founder.Name}'s issues", 1);
        terminal.Line($"{founder.Name}'s register also holds the 1949 cable as imported history: telex show 54611");
        var issueTitles = story.Issues.ToDictionary(i => i.Id, i => i.Title, StringComparer.Ordinal);
        terminal.Table(["From", "To", "Precedence", "Issue", "Subject", "Nº there"],
            results.Select(r => new[]
            {
                r.From.Name,
                r.Sent.RelayPath.Count > 0 ? $"{r.To.Name} (via {founder.Name})" : r.To.Name,
                r.Sent.Precedence.ToString().ToLowerInvariant(),
                r.Sent.IssueId is { } issue ? issueTitles.GetValueOrDefault(issue, issue) : null,
                r.Sent.Subject,
                r.Received?.RegistryNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }),
            "Telegrams: each delivered and acknowledged by a signed receipt", 3, 4);
        terminal.Line($"Data: {directory}");
    }

    private static JsonNode Telegram(DemoResult r) => new JsonObject
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
        ["relayPath"] = new JsonArray(r.Sent.RelayPath.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
    };

    /// <summary>What the demonstration did, for its report.</summary>
    private sealed record DemoStory(IReadOnlyList<Counterpart> Directory, DemoBureauResult Bureau, IReadOnlyList<DemoResult> Telegrams, DemoResult Relayed,
        IReadOnlyList<Issue> Issues);

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
