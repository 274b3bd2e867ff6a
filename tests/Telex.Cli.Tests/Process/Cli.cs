using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telex.Cli.Tests.Process;

/// <summary>What a finished <c>telex</c> run printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built <c>telex.dll</c> as a real process with <c>dotnet</c>, isolated from the machine: its own
/// <c>XDG_CONFIG_HOME</c> (session store) and no <c>TELEX_*</c> variables from the test's environment.
/// </summary>
public sealed class Cli(string home)
{
    /// <summary>Longest a command that should finish may run before the test fails.</summary>
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The CLI built beside this test assembly (same configuration), never a globally installed tool.</summary>
    public static string DllPath { get; } = FindDll();

    /// <summary>The folder holding this CLI's configuration (session store).</summary>
    public string Home { get; } = home;

    /// <summary>The folder the processes run in; the test's own when null.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>Variables set for every process this CLI runs, after the test's own <c>TELEX_*</c> are removed.</summary>
    public Dictionary<string, string> Variables { get; } = [];

    public Task<CliResult> RunAsync(params string[] args) => RunWithInputAsync(null, args);

    public Task<CliResult> RunWithInputAsync(string? stdin, params string[] args) => RunAsync(RunTimeout, stdin, args);

    /// <summary>Runs a command that may take longer than most (the load benchmark) within <paramref name="timeout"/>.</summary>
    public async Task<CliResult> RunAsync(TimeSpan timeout, string? stdin, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(StartInfo(args)) ?? throw new InvalidOperationException("dotnet did not start");
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (stdin is not null)
            {
                await process.StandardInput.WriteAsync(stdin);
            }

            process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"telex {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
            }

            return new CliResult(process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            // Whatever went wrong, no child outlives the test.
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>Starts a long-running command (serve, demo); dispose to kill it.</summary>
    public CliProcess Start(params string[] args) => new(System.Diagnostics.Process.Start(StartInfo(args))
        ?? throw new InvalidOperationException("dotnet did not start"), string.Join(' ', args));

    /// <summary>A loopback port free right now (the child binds it moments later; a clash fails loudly, never silently).</summary>
    public static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private ProcessStartInfo StartInfo(string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = WorkingDirectory ?? "",
        };
        foreach (string key in psi.Environment.Keys.Where(k => k.StartsWith("TELEX_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            psi.Environment.Remove(key);
        }

        foreach (var (key, value) in Variables)
        {
            psi.Environment[key] = value;
        }

        psi.Environment["XDG_CONFIG_HOME"] = Home;
        psi.Environment["XDG_DATA_HOME"] = Path.Combine(Home, "data");
        psi.Environment["NO_COLOR"] = "1";
        psi.ArgumentList.Add(DllPath);
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }

    private static string FindDll()
    {
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = bin.Parent!.Name;
        string framework = bin.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Telex.slnx")))
        {
            root = root.Parent;
        }

        string path = Path.Combine(root?.FullName ?? "", "src", "Telex.Cli", "bin", configuration, framework, "telex.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("build src/Telex.Cli (the test project references it)", path);
    }
}

/// <summary>A running <c>telex</c> process whose output is collected line by line; killed on dispose if still running.</summary>
public sealed class CliProcess : IAsyncDisposable
{
    private readonly System.Diagnostics.Process _process;
    private readonly string _command;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly SemaphoreSlim _changed = new(0);

    internal CliProcess(System.Diagnostics.Process process, string command)
    {
        _process = process;
        _command = command;
        _process.OutputDataReceived += (_, e) => Add(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Add(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _process.StandardInput.Close();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return string.Join('\n', _stdout);
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Waits until a line of stdout matches, failing at the deadline or if the process exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            lock (_stdout)
            {
                if (_stdout.FirstOrDefault(match) is { } line)
                {
                    return line;
                }
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"telex {_command} exited with {_process.ExitCode} first:\n{Stdout}\n{Stderr}");
            }

            var left = until - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"telex {_command}: no such line within {deadline.TotalSeconds} s:\n{Stdout}\n{Stderr}");
            }

            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Sends SIGINT, as Ctrl-C does.</summary>
    public async Task InterruptAsync()
    {
        using var kill = System.Diagnostics.Process.Start(new ProcessStartInfo("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
        })!;
        await kill.WaitForExitAsync();
    }

    /// <summary>Waits for the process to end by itself; the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        using var timeout = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"telex {_command} did not exit within {deadline.TotalSeconds} s:\n{Stdout}\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _changed.Dispose();
    }

    private void Add(List<string> lines, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (lines)
        {
            lines.Add(line);
        }

        if (_changed.CurrentCount == 0)
        {
            _changed.Release();
        }
    }
}
