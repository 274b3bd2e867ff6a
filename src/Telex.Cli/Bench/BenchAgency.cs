using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Telex.Cli.Bench;

/// <summary>What the operating system says of an agency process at one moment.</summary>
/// <param name="Cpu">User plus system CPU time since the process started.</param>
/// <param name="Rss">Resident set size now, bytes.</param>
/// <param name="PeakRss">Largest resident set size so far, bytes.</param>
internal readonly record struct ProcessSample(TimeSpan Cpu, long Rss, long PeakRss);

/// <summary>
/// One agency of the benchmark: its data folder made in-process (as <c>telex init</c> makes it), then run as its own
/// <c>telex serve</c> process on a loopback port, so that its CPU time and memory are its own.
/// </summary>
internal sealed class BenchAgency : IAsyncDisposable
{
    /// <summary>The first officer's password in the benchmark's throwaway agencies.</summary>
    public const string Password = "telex-bench-1949";

    /// <summary>How long a start may take before the benchmark gives up: only a fault takes more than a second.</summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly IReadOnlyList<string> _settings;
    private readonly Queue<string> _stderr = new();
    private Process? _process;

    private BenchAgency(string name, string directory, int port, string did, IReadOnlyList<string> settings)
    {
        Name = name;
        Directory = directory;
        Url = new Uri($"http://127.0.0.1:{port}");
        Did = did;
        _settings = settings;
    }

    public string Name { get; }

    public string Directory { get; }

    public Uri Url { get; }

    public string Did { get; }

    /// <summary>The process id while it runs.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>Creates the agency's folder under <paramref name="root"/> on a free loopback port.</summary>
    public static async Task<BenchAgency> CreateAsync(string root, string name, IReadOnlyList<string> settings, CancellationToken ct)
    {
        int port = FreePort();
        string directory = Path.Combine(root, name.ToLowerInvariant());
        var options = TelexConfiguration.Load(null, ["Name=" + name, $"Listen=http://127.0.0.1:{port}", .. settings]);
        string? database = null;
        if (StorageProvider.IsPostgres(options))
        {
            // Two agencies cannot share one database: each gets a fresh one on the server the settings name, dropped afterwards.
            (database, string connection) = await CreateDatabaseAsync(StorageProvider.CheckConnectionString(options.Storage.ConnectionString), name, ct)
                .ConfigureAwait(false);
            settings = [.. settings, "Storage:ConnectionString=" + connection];
            options = TelexConfiguration.Load(null, ["Name=" + name, $"Listen=http://127.0.0.1:{port}", .. settings]);
        }

        await using var local = await AgencyFolder.CreateAsync(directory, options, Password, mustChangePassword: false, ct).ConfigureAwait(false);
        return new BenchAgency(name, directory, port, local.Identity.Did, settings) { _database = database, _server = options.Storage.ConnectionString };
    }

    private string? _database;
    private string? _server;

    /// <summary>The settings its <c>telex serve</c> runs with (a PostgreSQL agency's own database among them).</summary>
    public IReadOnlyList<string> Settings => _settings;

    private static async Task<(string Name, string ConnectionString)> CreateDatabaseAsync(string server, string agency, CancellationToken ct)
    {
        string name = $"telex_bench_{agency.ToLowerInvariant()}_{Guid.NewGuid():N}"[..40];
        await using (var connection = new Npgsql.NpgsqlConnection(server))
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }

        return (name, new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    private async Task DropDatabaseAsync()
    {
        if (_database is null || _server is null)
        {
            return;
        }

        Npgsql.NpgsqlConnection.ClearAllPools();
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(_server) { Database = "postgres" };
        await using var connection = new Npgsql.NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().ConfigureAwait(false);
        await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Starts <c>telex serve</c> and returns the time from process start until <c>/health</c> answers.</summary>
    public async Task<TimeSpan> StartAsync(CancellationToken ct)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(psi.FileName).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            // Run on dotnet (not the single-file telex, which is its own process path): telex.dll beside this one.
            psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(BenchAgency).Assembly.GetName().Name + ".dll"));
        }

        foreach (string a in (string[])["serve", "--data", Directory, "--log-level", "Warning", "--exit-with", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            psi.ArgumentList.Add(a);
        }

        foreach (string s in _settings)
        {
            psi.ArgumentList.Add("--set");
            psi.ArgumentList.Add(s);
        }

        var started = Stopwatch.StartNew();
        var process = Process.Start(psi) ?? throw new CliException(ExitCodes.Unexpected, "could not start telex serve");
        _process = process;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var health = new Uri(Url, "/health");
        var delay = TimeSpan.FromMilliseconds(2);
        while (true)
        {
            if (process.HasExited)
            {
                throw new CliException(ExitCodes.Unexpected, $"{Name}'s telex serve exited with {process.ExitCode}: {LastErrors()}");
            }

            try
            {
                using var response = await Health.GetAsync(health, ct).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return started.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
            }

            if (started.Elapsed > StartDeadline)
            {
                throw new CliException(ExitCodes.Unreachable, $"{Name} did not answer /health within {StartDeadline.TotalSeconds:0} s");
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
        }
    }

    /// <summary>CPU time and memory of the running process.</summary>
    public ProcessSample Sample()
    {
        var p = _process ?? throw new InvalidOperationException(Name + " is not running");
        p.Refresh();
        return new ProcessSample(p.TotalProcessorTime, p.WorkingSet64, p.PeakWorkingSet64);
    }

    /// <summary>Stops the process with SIGTERM (a graceful shutdown), killing it if it does not exit in time.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } p)
        {
            return;
        }

        _process = null;
        try
        {
            if (!p.HasExited)
            {
                using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } }))
                {
                    if (kill is not null)
                    {
                        await kill.WaitForExitAsync().ConfigureAwait(false);
                    }
                }

                using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await p.WaitForExitAsync(patience.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    p.Kill(entireProcessTree: true);
                    await p.WaitForExitAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            p.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        await DropDatabaseAsync().ConfigureAwait(false);
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            if (_stderr.Count > 20)
            {
                _stderr.Dequeue();
            }
        }
    }

    private string LastErrors()
    {
        lock (_stderr)
        {
            return _stderr.Count == 0 ? "(nothing on stderr)" : string.Join(" | ", _stderr);
        }
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
