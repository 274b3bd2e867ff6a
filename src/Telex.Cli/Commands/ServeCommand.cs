using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

using Telex.Server;

namespace Telex.Cli.Commands;

/// <summary><c>telex serve</c>: runs an agency until SIGINT or SIGTERM.</summary>
internal static class ServeCommand
{
    /// <summary>How long after it starts serving an agency compacts its heap (see <see cref="CompactAfterStartAsync"/>).</summary>
    private static readonly TimeSpan CompactionDelay = TimeSpan.FromSeconds(1);

    public static Command Create(Globals globals)
    {
        var data = Globals.Data();
        var set = Globals.Set();
        var level = new Option<LogLevel>("--log-level")
        {
            Description = "Least severe log level written to stderr",
            DefaultValueFactory = _ => LogLevel.Information,
        };
        var format = new Option<string>("--log-format") { Description = "Log line format", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong(ServerLogging.Formats);
        var parent = new Option<int?>("--exit-with")
        {
            Description = "Stop when the process with this id ends (used by telex bench for the agencies it starts)",
            HelpName = "PID",
            Hidden = true,
        };
        var passphraseFile = Passphrase.FileOption();
        var command = new Command("serve", "Run the agency: federation endpoint, client API and delivery, until Ctrl-C or SIGTERM")
        {
            data, set, level, format, parent, passphraseFile,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            await using var agency = await AgencyFolder.OpenAsync(parse.GetValue(data)!, parse.GetValue(set)!, ct,
                () => Passphrase.Read(parse.GetValue(passphraseFile), confirm: false)).ConfigureAwait(false);
            var options = AgencyFolder.WithTlsPaths(agency.Directory, agency.Options);
            AgencyFolder.CheckEndpoint(agency.Identity.Endpoint);
            if (!string.Equals(agency.Identity.Endpoint, options.EffectiveEndpoint, StringComparison.Ordinal))
            {
                terminal.Warn($"the configured endpoint {options.EffectiveEndpoint} differs from the one in the agency's DID, {agency.Identity.Endpoint}; other agencies will post to the DID's");
            }

            if (!string.Equals(agency.Identity.Name, options.Name, StringComparison.Ordinal))
            {
                terminal.Warn($"the configured name '{options.Name}' differs from the identity's; the agency signs as '{agency.Identity.Name}'");
            }

            await using var app = AgencyServer.Build(options, agency.Identity, agency.Store,
                logging: ServerLogging.Configure(parse.GetValue(level), parse.GetValue(format)!),
                keyFile: Path.Combine(agency.Directory, AgencyFolder.KeyFile));
            try
            {
                await app.StartAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new CliException(ExitCodes.Conflict, $"cannot listen on {options.Listen}: {e.Message}");
            }

            string url = app.Urls.FirstOrDefault() ?? options.Listen;
            if (terminal.Json)
            {
                terminal.Stdout.WriteLine(new JsonObject
                {
                    ["event"] = "serving",
                    ["name"] = agency.Identity.Name,
                    ["url"] = url,
                    ["did"] = agency.Identity.Did,
                    ["endpoint"] = agency.Identity.Endpoint,
                }.ToJsonString());
            }
            else
            {
                terminal.Line($"serving {agency.Identity.Name} at {url}");
            }

            terminal.Stdout.Flush();
            using var orphaned = CancellationTokenSource.CreateLinkedTokenSource(ct);
            _ = CompactAfterStartAsync(orphaned.Token);
            if (parse.GetValue(parent) is { } pid)
            {
                _ = WatchParentAsync(pid, orphaned);
            }

            try
            {
                await app.WaitForShutdownAsync(orphaned.Token).ConfigureAwait(false);
            }
            finally
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            if (!terminal.Json)
            {
                terminal.Line($"stopped {agency.Identity.Name}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// Starting leaves megabytes of garbage (configuration, migrations, the DI graph, JIT-time allocations) in a heap no
    /// later GC may shrink while the agency idles; one aggressive collection returns it to the system. It stops every
    /// thread while it runs, so it waits until the agency has served for a moment rather than holding up the first
    /// requests (a client or peer waiting for the agency to come up).
    /// </summary>
    private static async Task CompactAfterStartAsync(CancellationToken stop)
    {
        try
        {
            await Task.Delay(CompactionDelay, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    /// <summary>Cancels <paramref name="stop"/> once process <paramref name="pid"/> is gone, checking every second.</summary>
    private static async Task WatchParentAsync(int pid, CancellationTokenSource stop)
    {
        try
        {
            using var parent = System.Diagnostics.Process.GetProcessById(pid);
            await parent.WaitForExitAsync(stop.Token).ConfigureAwait(false);
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
    }
}
