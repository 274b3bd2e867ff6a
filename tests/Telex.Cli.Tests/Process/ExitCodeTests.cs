using System.Text.Json;

namespace Telex.Cli.Tests.Process;

[Collection(ServedAgenciesDefinition.Name)]
public sealed class ExitCodeTests(ServedAgencies agencies)
{
    private readonly Cli _cli = agencies.Cli;
    private readonly ServedAgency _alpha = agencies.Alpha;

    private static void AssertOneErrorLine(CliResult result, int exitCode, string contains)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string[] lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        Assert.StartsWith("telex: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(contains, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain(" at Telex.", result.Stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task A_mistyped_flag_exits_2_suggesting_the_flag_meant()
    {
        var result = await _cli.RunAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "s", "--bdy", "text");

        AssertOneErrorLine(result, 2, "did you mean '--body'?");
    }

    [Fact]
    public async Task A_value_outside_the_allowed_ones_exits_2()
    {
        var result = await _cli.RunAsync("send", "--url", _alpha.Url, "--to", "Bravo", "--subject", "s", "--body", "b", "--precedence", "urgent");

        AssertOneErrorLine(result, 2, "urgent");
    }

    [Fact]
    public async Task A_wrong_password_exits_3()
    {
        var result = await _cli.RunWithInputAsync("not-the-password\n", "login", "--url", _alpha.Url, "--name", "nobody", "--password-stdin");

        AssertOneErrorLine(result, 3, "wrong name or password");
    }

    [Fact]
    public async Task A_client_command_without_a_session_exits_3()
    {
        using var home = new TempFolder();
        var result = await new Cli(home.Path).RunAsync("inbox", "--url", _alpha.Url);

        AssertOneErrorLine(result, 3, "not signed in");
    }

    [Fact]
    public async Task An_unknown_telegram_exits_4()
    {
        AssertOneErrorLine(await _cli.RunAsync("show", "424242", "--url", _alpha.Url), 4, "424242");
        AssertOneErrorLine(await _cli.RunAsync("show", Guid.NewGuid().ToString(), "--url", _alpha.Url), 4, "no telegram");
    }

    [Fact]
    public async Task Sending_without_an_established_tie_exits_5()
    {
        var result = await _cli.RunAsync("send", "--url", _alpha.Url, "--to", "did:peer:2.Ez6LSnotatie", "--subject", "s", "--body", "b");

        AssertOneErrorLine(result, 5, "no established tie");
    }

    [Fact]
    public async Task An_unreachable_agency_exits_6()
    {
        string nowhere = $"http://127.0.0.1:{Cli.FreePort()}";

        AssertOneErrorLine(await _cli.RunAsync("inbox", "--url", nowhere, "--token", "tlx_x"), 6, "cannot reach the agency");
        AssertOneErrorLine(await _cli.RunWithInputAsync("pw\n", "login", "--url", nowhere, "--name", "admin", "--password-stdin"), 6, "cannot reach");
    }

    [Fact]
    public async Task Serve_with_an_unknown_configuration_key_exits_2_with_a_suggestion()
    {
        var result = await _cli.RunAsync("serve", "--data", _alpha.Directory, "--set", "Delivery:ReceiptWiat=5s");

        AssertOneErrorLine(result, 2, "did you mean 'Delivery:ReceiptWait'?");
    }

    [Fact]
    public async Task With_json_an_error_is_one_json_line_with_the_exit_code()
    {
        var result = await _cli.RunAsync("show", "424242", "--url", _alpha.Url, "--json");

        Assert.Equal(4, result.ExitCode);
        using var error = JsonDocument.Parse(result.Stderr.Trim());
        Assert.Equal(4, error.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Contains("424242", error.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
