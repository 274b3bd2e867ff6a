using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telex.DidComm.Tests.Interop;

/// <summary>
/// The reference implementation, didcomm-node 0.4.1, as one child process for the whole collection:
/// <c>node interop/didcomm.mjs</c> run from the repository root, one JSON request line in and one response line out
/// (interop/README.md). When node or <c>npm ci</c> is missing, every interop test fails with the reason: CI must not
/// turn green without having talked to the reference.
/// </summary>
public sealed class ReferenceHarness : IAsyncLifetime, IDisposable
{
    public const string ExpectedLibrary = "didcomm-node@0.4.1";

    // The first request also instantiates the WASM module, which takes a few seconds on a cold, busy CI machine.
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

    // A request takes milliseconds; the margin absorbs a loaded machine without letting a hung harness stall the run.
    private static readonly TimeSpan RequestDeadline = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(10);

    // Unicode goes to the harness as UTF-8, not as \u escapes, so that both decoders are exercised.
    private static readonly JsonSerializerOptions Wire = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentQueue<string> _stderr = new();
    private Process? _node;
    private long _lastId;
    private string? _broken;

    /// <summary>What the harness reported in answer to <c>ping</c>, e.g. <c>didcomm-node@0.4.1</c>.</summary>
    public string Library { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string root = TestPaths.RepositoryRoot;
        string script = Path.Combine(root, "interop", "didcomm.mjs");
        string library = Path.Combine(root, "interop", "node_modules", "didcomm-node");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"the interop harness {script} is missing");
        }

        if (!Directory.Exists(library))
        {
            throw new InvalidOperationException($"{library} is missing: run `npm ci` in interop/ before the interop tests");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
        };
        start.ArgumentList.Add(Path.Combine("interop", "didcomm.mjs"));
        try
        {
            _node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("cannot run `node`: the interop tests need Node 20+ on PATH", e);
        }

        _node.ErrorDataReceived += OnStderr;
        _node.BeginErrorReadLine();

        var pong = await SendAsync(new JsonObject { ["op"] = "ping" }, StartDeadline);
        if (pong["ok"]?.GetValue<bool>() != true)
        {
            throw new InvalidOperationException($"the harness refused ping: {pong.ToJsonString()}");
        }

        Library = pong["library"]?.GetValue<string>() ?? "";
    }

    /// <summary>Sends one request and returns the whole response, <c>ok</c> or not. Fails the test on timeout or exit.</summary>
    public Task<JsonObject> CallAsync(JsonObject request) => SendAsync(request, RequestDeadline);

    /// <summary>Sends one request that must succeed; a refusal by the reference fails the test with its error.</summary>
    public async Task<JsonObject> RequestAsync(JsonObject request)
    {
        string op = request["op"]?.GetValue<string>() ?? "?";
        var response = await CallAsync(request);
        if (response["ok"]?.GetValue<bool>() != true)
        {
            Assert.Fail($"the reference refused {op}: {response["error"]?.ToJsonString()}");
        }

        return response;
    }

    private async Task<JsonObject> SendAsync(JsonObject request, TimeSpan deadline)
    {
        var node = _node ?? throw new InvalidOperationException("the harness was not started");
        await _gate.WaitAsync();
        try
        {
            if (_broken is not null)
            {
                throw new InvalidOperationException($"the reference harness is no longer usable: {_broken}");
            }

            long id = ++_lastId;
            request["id"] = id;
            string op = request["op"]?.GetValue<string>() ?? "?";
            string? line;
            try
            {
                line = await ExchangeAsync(node, request.ToJsonString(Wire)).WaitAsync(deadline);
            }
            catch (TimeoutException)
            {
                // A late answer would be taken for the next request's: the process cannot be used any more.
                throw Break($"no answer to request {id} ({op}) within {deadline.TotalSeconds:0} s");
            }
            catch (IOException e)
            {
                throw Break($"request {id} ({op}) could not be sent: {e.Message}");
            }

            if (line is null)
            {
                await node.WaitForExitAsync().WaitAsync(ExitDeadline);
                throw Break($"the harness exited with code {node.ExitCode} before answering request {id} ({op})");
            }

            if (JsonNode.Parse(line) is not JsonObject response || response["id"]?.GetValue<long>() != id)
            {
                throw Break($"answer to request {id} ({op}) is not a response with that id: {line}");
            }

            return response;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void OnStderr(object sender, DataReceivedEventArgs e)
    {
        if (e.Data is not null)
        {
            _stderr.Enqueue(e.Data);
            while (_stderr.Count > 50 && _stderr.TryDequeue(out string? _))
            {
            }
        }
    }

    private static async Task<string?> ExchangeAsync(Process node, string line)
    {
        await node.StandardInput.WriteAsync(line + "\n");
        await node.StandardInput.FlushAsync();
        return await node.StandardOutput.ReadLineAsync();
    }

    private InvalidOperationException Break(string reason)
    {
        _broken = reason;
        try
        {
            _node!.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        return new InvalidOperationException($"{reason}\nharness stderr (last lines):\n{string.Join('\n', _stderr)}");
    }

    public async Task DisposeAsync()
    {
        if (_node is { } node)
        {
            try
            {
                // End of stdin: the harness finishes the request in progress and exits with code 0.
                node.StandardInput.Close();
                await node.WaitForExitAsync().WaitAsync(ExitDeadline);
            }
            catch (Exception e) when (e is TimeoutException or IOException)
            {
                node.Kill(entireProcessTree: true);
            }
            finally
            {
                node.Dispose();
            }
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>Every test class that talks to the reference shares one harness process.</summary>
[CollectionDefinition(Name)]
public sealed class ReferenceInterop : ICollectionFixture<ReferenceHarness>
{
    public const string Name = "didcomm-node reference";
}
