using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Telex.Core.Identity;
using Telex.Storage.Sqlite;

namespace Telex.TestKit;

/// <summary>
/// An agency run as a separate <c>telex serve</c> process, so that it can be killed (SIGKILL) and started again
/// with the same data folder and port.
/// </summary>
public sealed class AgencyProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly string[] _settings;
    private readonly System.Text.StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    private AgencyProcess(string directory, int port, string[] settings, IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory = directory;
        Port = port;
        _settings = settings;
        _environment = environment ?? new Dictionary<string, string>();
    }

    /// <summary>The data folder.</summary>
    public string Directory { get; }

    /// <summary>The loopback port.</summary>
    public int Port { get; }

    /// <summary>The agency's DID, read from its key file.</summary>
    public string Did { get; private set; } = "";

    /// <summary>Further arguments for <c>telex serve</c> (e.g. <c>--log-level Trace</c>).</summary>
    public IReadOnlyList<string> ServeArguments { get; set; } = [];

    /// <summary>Everything the process wrote to stdout and stderr (its logs), over all its runs.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>True while its process runs.</summary>
    public bool IsRunning => _process is not null;

    /// <summary>How many times it was killed.</summary>
    public int Kills { get; private set; }

    /// <summary>The path of the built <c>telex.dll</c>, beside this test's own build output.</summary>
    public static string CliPath
    {
        get
        {
            var bin = new DirectoryInfo(AppContext.BaseDirectory);
            string configuration = bin.Parent!.Name;
            var root = bin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "Telex.slnx")))
            {
                root = root.Parent;
            }

            string path = Path.Combine(root!.FullName, "src", "Telex.Cli", "bin", configuration, "net10.0", "telex.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Telex.Cli first", path);
        }
    }

    /// <summary>
    /// Settings for agencies that are killed and restarted under load: every commit synced, and waits short enough for
    /// lost receipts and gaps to be retried within a test's time.
    /// </summary>
    public static string[] CrashSettings =>
    [
        "Storage:FullSync=true",
        "Delivery:ReceiptWait=00:00:02",
        "Delivery:GapGrace=00:00:01",
        "Delivery:InitialRetryDelay=00:00:00.050",
        "Delivery:MaxConcurrentSendsPerPeer=16",
    ];

    /// <summary>
    /// Creates an agency with <c>telex init</c> on a free loopback port. <paramref name="settings"/> are passed to
    /// <c>telex serve</c> as <c>--set</c> pairs.
    /// </summary>
    public static Task<AgencyProcess> InitAsync(string name, params string[] settings) =>
        InitInAsync(Path.Combine(Path.GetTempPath(), "telex-proc-" + Guid.NewGuid().ToString("N")[..12]), name, settings);

    /// <summary>As <see cref="InitAsync"/>, with the data folder at <paramref name="directory"/> (e.g. a file system the test mounted).</summary>
    public static async Task<AgencyProcess> InitInAsync(string directory, string name, params string[] settings)
    {
        int port = FreePort();
        var (code, output) = await RunCliAsync(["init", "--data", directory, "--name", name, "--listen", $"http://127.0.0.1:{port}"]).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"telex init failed ({code}): {output}");
        }

        var agency = new AgencyProcess(directory, port, settings);
        using var identity = AgencyIdentity.Load(Path.Combine(directory, "keys.json"));
        agency.Did = identity.Did;
        return agency;
    }

    /// <summary>
    /// Creates an agency whose DID carries <paramref name="endpoint"/> (a load balancer in front of its nodes), with
    /// <paramref name="environment"/> given to every <c>telex</c> it runs (e.g. the PostgreSQL connection); the first node
    /// listens on a free loopback port. Start more nodes of it with <see cref="AnotherNode"/>.
    /// </summary>
    public static async Task<AgencyProcess> InitNodeAsync(string name, string endpoint, IReadOnlyDictionary<string, string> environment,
        params string[] settings)
    {
        string directory = Path.Combine(Path.GetTempPath(), "telex-proc-" + Guid.NewGuid().ToString("N")[..12]);
        int port = FreePort();
        var (code, output) = await RunCliAsync(["init", "--data", directory, "--name", name, "--listen", $"http://127.0.0.1:{port}", "--endpoint", endpoint],
            environment).ConfigureAwait(false);
        if (code != 0)
        {
            throw new InvalidOperationException($"telex init failed ({code}): {output}");
        }

        var agency = new AgencyProcess(directory, port, [.. settings, $"PublicEndpoint={endpoint}"], environment);
        using var identity = AgencyIdentity.Load(Path.Combine(directory, "keys.json"));
        agency.Did = identity.Did;
        return agency;
    }

    /// <summary>
    /// The agency of <paramref name="stopped"/> (same folder and port) run again with <paramref name="environment"/> and
    /// <paramref name="settings"/>, e.g. on another storage backend after <c>telex migrate-storage</c>.
    /// </summary>
    public static AgencyProcess Reopen(AgencyProcess stopped, IReadOnlyDictionary<string, string> environment, params string[] settings)
    {
        ArgumentNullException.ThrowIfNull(stopped);
        return new AgencyProcess(stopped.Directory, stopped.Port, settings, environment) { Did = stopped.Did };
    }

    /// <summary>Another node of the same agency (same folder, keys and database) on its own port, with <paramref name="settings"/> added.</summary>
    public AgencyProcess AnotherNode(params string[] settings)
    {
        int port = FreePort();
        // This node's own settings replace the first node's for the same keys (its node name above all).
        var keys = settings.Append("Listen=").Select(s => s.Split('=')[0]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] inherited = [.. _settings.Where(s => !keys.Contains(s.Split('=')[0]))];
        return new AgencyProcess(Directory, port, [.. inherited, .. settings, $"Listen=http://127.0.0.1:{port}"], _environment) { Did = Did };
    }

    /// <summary>This process (not started yet) with <paramref name="name"/> set to <paramref name="value"/> in its environment as well.</summary>
    public AgencyProcess WithEnvironment(string name, string value) =>
        new(Directory, Port, _settings, new Dictionary<string, string>(_environment) { [name] = value }) { Did = Did };

    /// <summary>Opens the agency's database from this process (SQLite in WAL mode allows it while the agency runs).</summary>
    public SqliteStore OpenStore() => new(Path.Combine(Directory, "telex.db"), fullSync: false);

    /// <summary>Loads the agency's identity (for building messages in its name in test setup).</summary>
    public AgencyIdentity LoadIdentity() => AgencyIdentity.Load(Path.Combine(Directory, "keys.json"));

    /// <summary>Starts <c>telex serve</c> and waits until /health answers.</summary>
    public async Task StartAsync()
    {
        var args = new List<string> { CliPath, "serve", "--data", Directory };
        foreach (string s in _settings)
        {
            args.Add("--set");
            args.Add(s);
        }

        args.AddRange(ServeArguments);

        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in _environment)
        {
            psi.Environment[key] = value;
        }

        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start telex serve");
        _process.OutputDataReceived += (_, e) => Capture(e.Data);
        _process.ErrorDataReceived += (_, e) => Capture(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await Eventually.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"telex serve exited with {_process.ExitCode}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}/health")).ConfigureAwait(false);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
            catch (TaskCanceledException)
            {
                // A process still starting on a busy machine may take longer than one probe's timeout: probe again.
                return false;
            }
        }, ok => ok, TimeSpan.FromSeconds(60), $"telex serve on port {Port} answers /health").ConfigureAwait(false);
    }

    private void Capture(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>Kills the process with SIGKILL: no shutdown, no flushing.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        _process = null;
        Kills++;
    }

    /// <summary>Runs the CLI to completion and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunCliAsync(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        return (process.ExitCode, await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false));
    }

    private static int FreePort()
    {
        // The port is taken by the child only when it starts; nothing else on this machine binds ephemeral
        // loopback ports for listening in the meantime, and a clash shows as a failed start, not a wrong result.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Kills the process if running and deletes the data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
