using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Telex.Cli.Tests.Process;

/// <summary>Two served agencies of their own for named contexts and the CLI's desk commands.</summary>
[CollectionDefinition(Name)]
public sealed class ContextAgenciesDefinition : ICollectionFixture<ServedAgencies>
{
    public const string Name = "Served agencies for contexts";
}

/// <summary>
/// <c>telex login</c> names a context after the agency, <c>telex use</c> chooses one, <c>--agency</c> and
/// <c>TELEX_AGENCY</c> override it for one command, and every human output names the agency it acted on. Each test
/// signs in from a configuration folder of its own, so the contexts it sees are its own.
/// </summary>
[Collection(ContextAgenciesDefinition.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContextTests(ServedAgencies agencies)
{
    private readonly ServedAgency _alpha = agencies.Alpha;
    private readonly ServedAgency _bravo = agencies.Bravo;

    private static async Task<CliResult> OkAsync(Cli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];

    private async Task<Cli> SignedInToBothAsync(string home)
    {
        var cli = new Cli(home);
        foreach (var agency in new[] { _alpha, _bravo })
        {
            var login = await cli.RunWithInputAsync(agency.Password + "\n", "login", "--url", agency.Url, "--name", "admin", "--password-stdin");
            Assert.True(login.ExitCode == 0, login.ToString());
            Assert.Contains($"signed in to {agency.Name} as admin", login.Stdout, StringComparison.Ordinal);
            Assert.Equal($"{agency.Name} · {agency.Url}", LastLine(login.Stdout));
        }

        return cli;
    }

    [Fact]
    public async Task Two_agencies_signed_in_are_two_named_contexts_and_telex_use_switches_between_them()
    {
        using var home = new TempFolder();
        var cli = await SignedInToBothAsync(home.Path);

        // The last sign-in is current; the list marks it and names both agencies.
        var list = await OkAsync(cli, "use");
        string[] rows = list.Stdout.Split('\n');
        Assert.Contains(rows, r => r.Contains("* ", StringComparison.Ordinal) && r.Contains("Bravo", StringComparison.Ordinal) && r.Contains(_bravo.Url, StringComparison.Ordinal));
        Assert.Contains(rows, r => !r.Contains('*', StringComparison.Ordinal) && r.Contains("Alpha", StringComparison.Ordinal) && r.Contains(_alpha.Url, StringComparison.Ordinal));
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "tie", "list")).Stdout));

        // telex use chooses by name (any case) or by URL, and later commands act there.
        Assert.Contains($"now acting on Alpha · {_alpha.Url}", (await OkAsync(cli, "use", "alpha")).Stdout, StringComparison.Ordinal);
        Assert.Equal($"Alpha · {_alpha.Url}", LastLine((await OkAsync(cli, "inbox")).Stdout));
        await OkAsync(cli, "use", _bravo.Url + "/");
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "inbox")).Stdout));

        using var json = JsonDocument.Parse((await OkAsync(cli, "use", "--json")).Stdout);
        var current = Assert.Single(json.RootElement.EnumerateArray(), c => c.GetProperty("current").GetBoolean());
        Assert.Equal("Bravo", current.GetProperty("name").GetString());
        Assert.Equal(_bravo.Did, current.GetProperty("did").GetString());

        // An agency never signed in to is refused, naming the known ones; the current one stays.
        var unknown = await cli.RunAsync("use", "Charlie");
        Assert.Equal(4, unknown.ExitCode);
        Assert.Contains("known: Alpha, Bravo", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "inbox")).Stdout));
    }

    [Fact]
    public async Task Agency_and_TELEX_AGENCY_override_the_current_agency_for_one_command_only()
    {
        using var home = new TempFolder();
        var cli = await SignedInToBothAsync(home.Path);

        // Bravo is current; --agency Alpha acts on Alpha with Alpha's session, once.
        var there = await OkAsync(cli, "officer", "list", "--agency", "Alpha");
        Assert.Equal($"Alpha · {_alpha.Url}", LastLine(there.Stdout));
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "officer", "list")).Stdout));

        cli.Variables["TELEX_AGENCY"] = "Alpha";
        Assert.Equal($"Alpha · {_alpha.Url}", LastLine((await OkAsync(cli, "tie", "list")).Stdout));
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "tie", "list", "--agency", "Bravo")).Stdout));
        cli.Variables.Remove("TELEX_AGENCY");

        var both = await cli.RunAsync("inbox", "--agency", "Alpha", "--url", _bravo.Url);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("not both", both.Stderr, StringComparison.Ordinal);
        var unknown = await cli.RunAsync("inbox", "--agency", "Zulu");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("no agency 'Zulu'", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Human_output_and_errors_name_the_agency_and_json_output_does_not()
    {
        using var home = new TempFolder();
        var cli = await SignedInToBothAsync(home.Path);

        // JSON is JSON only: the whole of standard output parses, and no line names the agency.
        var json = await OkAsync(cli, "tie", "list", "--agency", "Alpha", "--json");
        using (JsonDocument.Parse(json.Stdout))
        {
        }

        Assert.DoesNotContain(" · ", json.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(" · ", json.Stderr, StringComparison.Ordinal);

        // An error says where it happened, still on one line.
        var missing = await cli.RunAsync("show", "424242", "--agency", "Alpha");
        Assert.Equal(4, missing.ExitCode);
        string line = Assert.Single(missing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith($"(Alpha · {_alpha.Url})", line, StringComparison.Ordinal);

        // A URL with no context (signed in by token) still gets the agency's own name.
        string token = Token(home.Path, "Bravo");
        var byToken = await new Cli(Path.Combine(home.Path, "other")).RunAsync("inbox", "--url", _bravo.Url, "--token", token);
        Assert.True(byToken.ExitCode == 0, byToken.ToString());
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine(byToken.Stdout));
    }

    [Fact]
    public async Task Sessions_are_kept_per_agency_readable_by_the_owner_only_and_never_sent_to_another()
    {
        using var home = new TempFolder();
        var cli = await SignedInToBothAsync(home.Path);
        string file = Path.Combine(home.Path, "telex", "session.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        string alphaToken = Token(home.Path, "Alpha"), bravoToken = Token(home.Path, "Bravo");
        Assert.NotEqual(alphaToken, bravoToken);

        // Each agency accepts the command with the session it issued: --url of a context takes that context's session.
        Assert.Equal($"Alpha · {_alpha.Url}", LastLine((await OkAsync(cli, "inbox", "--url", _alpha.Url)).Stdout));
        Assert.Equal($"Bravo · {_bravo.Url}", LastLine((await OkAsync(cli, "inbox", "--url", _bravo.Url)).Stdout));

        // Another URL, named on the command line or in TELEX_URL, gets no session at all: the CLI refuses before sending.
        using var elsewhere = new RecordingListener();
        var refused = await cli.RunAsync("inbox", "--url", elsewhere.Url);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains($"not signed in to {elsewhere.Url}", refused.Stderr, StringComparison.Ordinal);
        cli.Variables["TELEX_URL"] = elsewhere.Url;
        Assert.Equal(3, (await cli.RunAsync("tie", "list")).ExitCode);
        cli.Variables.Remove("TELEX_URL");

        // Signing in there sends a name and password, never a stored token.
        await cli.RunWithInputAsync("whatever\n", "login", "--url", elsewhere.Url, "--name", "admin", "--password-stdin");
        string seen = elsewhere.Received;
        Assert.DoesNotContain(alphaToken, seen, StringComparison.Ordinal);
        Assert.DoesNotContain(bravoToken, seen, StringComparison.Ordinal);
        Assert.DoesNotContain("Authorization", seen, StringComparison.OrdinalIgnoreCase);
    }

    private static string Token(string home, string context)
    {
        using var file = JsonDocument.Parse(File.ReadAllText(Path.Combine(home, "telex", "session.json")));
        return file.RootElement.GetProperty("contexts").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == context).GetProperty("token").GetString()!;
    }

    /// <summary>A loopback HTTP listener that records every request it receives and refuses each with 401.</summary>
    private sealed class RecordingListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly StringBuilder _received = new();
        private readonly CancellationTokenSource _stop = new();

        public RecordingListener()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
            _ = AcceptAsync();
        }

        public string Url { get; }

        public string Received
        {
            get
            {
                lock (_received)
                {
                    return _received.ToString();
                }
            }
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    using var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    var stream = client.GetStream();
                    byte[] buffer = new byte[64 * 1024];
                    int length = 0;
                    while (length < buffer.Length)
                    {
                        int read = await stream.ReadAsync(buffer.AsMemory(length), _stop.Token);
                        if (read == 0)
                        {
                            break;
                        }

                        length += read;
                        string text = Encoding.UTF8.GetString(buffer, 0, length);
                        int head = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                        if (head >= 0 && (!text.Contains("Content-Length:", StringComparison.OrdinalIgnoreCase) || length > head + 4))
                        {
                            break;
                        }
                    }

                    lock (_received)
                    {
                        _received.Append(Encoding.UTF8.GetString(buffer, 0, length));
                    }

                    const string Body = """{"title":"Unauthorized","detail":"who are you"}""";
                    byte[] answer = Encoding.ASCII.GetBytes(
                        $"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}");
                    await stream.WriteAsync(answer, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException)
            {
            }
        }
    }
}
