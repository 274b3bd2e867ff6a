using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary><c>tools/install-telex</c>, as the README has a new user run it: one command, and <c>telex</c> works.</summary>
public sealed class InstallTests
{
    /// <summary>A Release publish of the CLI and everything it references, on a busy machine.</summary>
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task The_install_script_puts_a_working_telex_command_in_the_prefix_it_is_given()
    {
        using var folder = new TempFolder();
        string prefix = Path.Combine(folder.Path, "prefix with space");
        string script = Path.Combine(RepositoryRoot(), "tools", "install-telex");

        var install = await RunAsync("bash", [script, "--prefix", prefix], folder.Path, InstallTimeout);
        Assert.True(install.ExitCode == 0, install.ToString());
        string telex = Path.Combine(prefix, "bin", "telex");
        Assert.Contains($"Installed: {telex}", install.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(prefix, "lib", "telex", "telex.dll")));

        // The installed command creates an agency and answers as the CLI does, on its own (no dotnet run, no build).
        string data = Path.Combine(folder.Path, "zulu");
        var init = await RunAsync(telex, ["init", "--data", data, "--name", "Zulu", "--listen", $"http://127.0.0.1:{Cli.FreePort()}", "--json"], folder.Path, TimeSpan.FromMinutes(1));
        Assert.True(init.ExitCode == 0, init.ToString());
        using (var created = JsonDocument.Parse(init.Stdout))
        {
            Assert.Equal("Zulu", created.RootElement.GetProperty("name").GetString());
            Assert.StartsWith("did:peer:2.", created.RootElement.GetProperty("did").GetString(), StringComparison.Ordinal);
        }

        var use = await RunAsync(telex, ["use"], folder.Path, TimeSpan.FromMinutes(1));
        Assert.True(use.ExitCode == 0, use.ToString());
        Assert.Contains("not signed in to any agency", use.Stdout, StringComparison.Ordinal);

    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("no Telex.slnx above " + AppContext.BaseDirectory);
    }

    private static async Task<CliResult> RunAsync(string file, string[] args, string home, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TELEX_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        psi.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, "config");
        psi.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
        psi.Environment["XDG_CACHE_HOME"] = Path.Combine(home, "cache");
        psi.Environment["NO_COLOR"] = "1";
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(psi) ?? throw new InvalidOperationException(file + " did not start");
        try
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(deadline.Token);
            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
