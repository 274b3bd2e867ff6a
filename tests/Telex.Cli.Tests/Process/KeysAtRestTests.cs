using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.Core.Identity;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// The key file at rest, through real <c>telex init|serve|keys</c> processes on real files: created owner-only, refused
/// when open to others, and optionally sealed with a passphrase.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class KeysAtRestTests : IAsyncLifetime
{
    private const string Passphrase = "a long passphrase for the keys";

    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(60);

    // A plain path, not a TempFolder: xunit disposes the class through IAsyncLifetime.
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "telex-cli-test-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly Cli _cli;

    public KeysAtRestTests()
    {
        Directory.CreateDirectory(_folder);
        _cli = new Cli(Path.Combine(_folder, "home"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private Cli WithPassphrase(string passphrase)
    {
        var cli = new Cli(_cli.Home);
        cli.Variables["TELEX_PASSPHRASE"] = passphrase;
        return cli;
    }

    private async Task<string> InitAsync(Cli cli, string name, params string[] extra)
    {
        string data = Path.Combine(_folder, name.ToLowerInvariant());
        var init = await cli.RunAsync(["init", "--data", data, "--name", name, "--listen", $"http://127.0.0.1:{Cli.FreePort()}", .. extra]);
        Assert.True(init.ExitCode == 0, init.ToString());
        return data;
    }

    private string PassphraseFile(string name, string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    /// <summary>The key file and the database, byte for byte: what a refused start must leave as it was.</summary>
    private static (byte[] Keys, byte[] Database, UnixFileMode Mode) Snapshot(string data) =>
        (File.ReadAllBytes(Path.Combine(data, "keys.json")), File.ReadAllBytes(Path.Combine(data, "telex.db")), File.GetUnixFileMode(Path.Combine(data, "keys.json")));

    private static void AssertUnchanged((byte[] Keys, byte[] Database, UnixFileMode Mode) before, string data)
    {
        var after = Snapshot(data);
        Assert.Equal(before.Keys, after.Keys);
        Assert.Equal(before.Database, after.Database);
        Assert.Equal(before.Mode, after.Mode);
        Assert.False(File.Exists(Path.Combine(data, "telex.db-wal")), "the refused start opened the database");
    }

    /// <summary>A refused start: ends by itself (a start that goes on serving times out and fails) with one line on stderr.</summary>
    private static void AssertRefused(CliResult result, int exitCode, params string[] contains)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        string error = result.Stderr.Trim();
        Assert.DoesNotContain('\n', error);
        Assert.DoesNotContain(" at Telex.", error, StringComparison.Ordinal);
        foreach (string text in contains)
        {
            Assert.Contains(text, error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("serving", result.Stdout, StringComparison.Ordinal);
    }

    private static async Task AssertServesAsync(Cli cli, string data, params string[] extra)
    {
        await using var serve = cli.Start(["serve", "--data", data, .. extra]);
        await serve.WaitForLineAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), Startup);
    }

    /// <summary>The base64url secret (<c>d</c>) of every key the identity holds, current and prior.</summary>
    private static List<string> SecretsOf(AgencyIdentity identity) =>
        [.. identity.Priors.SelectMany(p => new[] { p.Signing, p.Agreement }).Prepend(identity.Agreement).Prepend(identity.Signing)
            .Select(k => JsonNode.Parse(k.ExportPrivateJson())!["d"]!.GetValue<string>())];

    [Fact]
    public async Task Init_creates_an_owner_only_key_file_that_serve_refuses_at_0644_naming_the_fix_and_accepts_at_0600()
    {
        string data = await InitAsync(_cli, "Alpha");
        string keys = Path.Combine(data, "keys.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));

        File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var before = Snapshot(data);
        var refused = await _cli.RunAsync("serve", "--data", data);
        AssertRefused(refused, 2, keys, "0644", $"chmod 600 {keys}");
        AssertUnchanged(before, data);

        // Writable (not readable) by the group is refused too: the group could put its own keys in.
        File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupWrite);
        AssertRefused(await _cli.RunAsync("serve", "--data", data), 2, "0620", $"chmod 600 {keys}");

        File.SetUnixFileMode(keys, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        await AssertServesAsync(_cli, data);
    }

    [Fact]
    public async Task Serve_refuses_a_data_folder_others_may_write_naming_the_fix()
    {
        string data = await InitAsync(_cli, "Alpha");
        File.SetUnixFileMode(data, (UnixFileMode)Convert.ToInt32("777", 8));
        var before = Snapshot(data);

        var refused = await _cli.RunAsync("serve", "--data", data);

        AssertRefused(refused, 2, data, "0777", $"chmod go-w {data}");
        AssertUnchanged(before, data);
    }

    [Fact]
    public void A_leftover_temporary_key_file_open_to_others_is_replaced_not_reused()
    {
        string keys = Path.Combine(_folder, "keys.json");
        File.WriteAllText(keys + ".tmp", "left by a crash");
        File.SetUnixFileMode(keys + ".tmp", (UnixFileMode)Convert.ToInt32("666", 8));

        using (var identity = AgencyIdentity.Create("Alpha", "http://127.0.0.1:9/didcomm"))
        {
            identity.Save(keys);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        Assert.False(File.Exists(keys + ".tmp"));
        using var loaded = AgencyIdentity.Load(keys);
        Assert.Equal("Alpha", loaded.Name);
    }

    [Fact]
    public void Sealed_keys_moved_into_another_agency_s_file_or_altered_do_not_open_and_an_excessive_seal_is_refused()
    {
        string alpha = Path.Combine(_folder, "alpha.json");
        string bravo = Path.Combine(_folder, "bravo.json");
        foreach (var (path, name) in new[] { (alpha, "Alpha"), (bravo, "Bravo") })
        {
            using var identity = AgencyIdentity.Create(name, "http://127.0.0.1:9/didcomm");
            identity.SealWith(Passphrase);
            identity.Save(path);
        }

        // The seal is bound to the DIDs it holds keys for: Alpha's sealed keys under Bravo's DID do not open, same passphrase.
        var moved = JsonNode.Parse(File.ReadAllText(bravo))!;
        moved["sealed"] = JsonNode.Parse(File.ReadAllText(alpha))!["sealed"]!.DeepClone();
        File.WriteAllText(bravo, moved.ToJsonString());
        Assert.Equal(KeyFileProblem.WrongPassphrase, Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(bravo, Passphrase)).Problem);

        var altered = JsonNode.Parse(File.ReadAllText(alpha))!;
        string ciphertext = altered["sealed"]!["ciphertext"]!.GetValue<string>();
        altered["sealed"]!["ciphertext"] = (ciphertext[0] == 'A' ? "B" : "A") + ciphertext[1..];
        string alteredPath = Path.Combine(_folder, "altered.json");
        File.WriteAllText(alteredPath, altered.ToJsonString());
        File.SetUnixFileMode(alteredPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(alteredPath, Passphrase));

        // A file edited to ask for 4 GiB of memory per guess is refused before any derivation, not obeyed.
        var greedy = JsonNode.Parse(File.ReadAllText(alpha))!;
        greedy["sealed"]!["memory_kib"] = 4L * 1024 * 1024;
        File.WriteAllText(alteredPath, greedy.ToJsonString());
        var refused = Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(alteredPath, Passphrase));
        Assert.Equal(KeyFileProblem.Invalid, refused.Problem);
        Assert.Contains("4194304 KiB", refused.Message, StringComparison.Ordinal);

        using var opened = AgencyIdentity.Load(alpha, Passphrase);
        Assert.Equal("Alpha", opened.Name);
    }

    [Fact]
    public async Task Init_with_a_passphrase_seals_the_secret_keys_and_serve_starts_only_with_the_right_one()
    {
        var result = await WithPassphrase(Passphrase).RunAsync("init", "--data", Path.Combine(_folder, "alpha"), "--name", "Alpha",
            "--listen", $"http://127.0.0.1:{Cli.FreePort()}", "--passphrase", "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var created = JsonDocument.Parse(result.Stdout);
        Assert.True(created.RootElement.GetProperty("sealed").GetBoolean());
        string data = Path.Combine(_folder, "alpha");
        string keys = Path.Combine(data, "keys.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));

        // The public parts and the format version are readable without the passphrase; the secrets are not there.
        string text = File.ReadAllText(keys);
        var file = JsonNode.Parse(text)!;
        Assert.Equal(AgencyIdentity.FormatVersion, file["version"]!.GetValue<int>());
        Assert.Equal(created.RootElement.GetProperty("did").GetString(), file["did"]!.GetValue<string>());
        Assert.Null(file["signing"]);
        Assert.Null(file["agreement"]);
        Assert.Equal("argon2id", file["sealed"]!["kdf"]!.GetValue<string>());
        Assert.True(AgencyIdentity.IsSealedFile(keys));
        using (var opened = AgencyIdentity.Load(keys, Passphrase))
        {
            Assert.True(opened.IsSealed);
            Assert.Equal(file["did"]!.GetValue<string>(), opened.Did);
            foreach (string secret in SecretsOf(opened))
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        Assert.Equal(KeyFileProblem.NeedsPassphrase, Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(keys)).Problem);
        Assert.Equal(KeyFileProblem.WrongPassphrase, Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(keys, "not the passphrase")).Problem);

        var before = Snapshot(data);
        AssertRefused(await _cli.RunAsync("serve", "--data", data), 2, keys, "sealed", "TELEX_PASSPHRASE", "--passphrase-file");
        AssertUnchanged(before, data);
        AssertRefused(await WithPassphrase("not the passphrase").RunAsync("serve", "--data", data), 3, keys, "passphrase does not open");
        AssertUnchanged(before, data);
        AssertRefused(await _cli.RunAsync("serve", "--data", data, "--passphrase-file", PassphraseFile("wrong.txt", "not the passphrase\n")), 3,
            "passphrase does not open");
        AssertUnchanged(before, data);

        await AssertServesAsync(_cli, data, "--passphrase-file", PassphraseFile("right.txt", Passphrase + "\n"));
        await AssertServesAsync(WithPassphrase(Passphrase), data);
    }

    [Fact]
    public async Task A_passphrase_file_open_to_others_is_refused_and_nothing_is_created()
    {
        string open = PassphraseFile("open.txt", Passphrase, (UnixFileMode)Convert.ToInt32("644", 8));
        string data = Path.Combine(_folder, "alpha");

        var result = await _cli.RunAsync("init", "--data", data, "--name", "Alpha", "--passphrase-file", open);

        AssertRefused(result, 2, open, "0644", $"chmod 600 {open}");
        Assert.False(Directory.Exists(data));
    }

    [Fact]
    public async Task Keys_seal_and_unseal_an_existing_agency_keeping_its_keys_and_refusing_a_wrong_passphrase()
    {
        string data = await InitAsync(_cli, "Alpha");
        string keys = Path.Combine(data, "keys.json");
        List<string> secrets;
        string did;
        using (var plain = AgencyIdentity.Load(keys))
        {
            secrets = SecretsOf(plain);
            did = plain.Did;
        }

        string right = PassphraseFile("right.txt", Passphrase + "\n");
        var seal = await _cli.RunAsync("keys", "seal", "--data", data, "--passphrase-file", right);
        Assert.True(seal.ExitCode == 0, seal.ToString());
        string sealedText = File.ReadAllText(keys);
        Assert.All(secrets, s => Assert.DoesNotContain(s, sealedText, StringComparison.Ordinal));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        AssertRefused(await _cli.RunAsync("serve", "--data", data), 2, "sealed");
        Assert.Equal(5, (await _cli.RunAsync("keys", "seal", "--data", data, "--passphrase-file", right)).ExitCode);

        var before = Snapshot(data);
        AssertRefused(await _cli.RunAsync("keys", "unseal", "--data", data, "--passphrase-file", PassphraseFile("wrong.txt", "wrong")), 3,
            "passphrase does not open");
        AssertUnchanged(before, data);

        var unseal = await _cli.RunAsync("keys", "unseal", "--data", data, "--passphrase-file", right, "--json");
        Assert.True(unseal.ExitCode == 0, unseal.ToString());
        Assert.False(JsonDocument.Parse(unseal.Stdout).RootElement.GetProperty("sealed").GetBoolean());
        Assert.False(AgencyIdentity.IsSealedFile(keys));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
        using (var back = AgencyIdentity.Load(keys))
        {
            Assert.Equal(did, back.Did);
            Assert.Equal(secrets, SecretsOf(back));
        }

        Assert.Equal(5, (await _cli.RunAsync("keys", "unseal", "--data", data, "--passphrase-file", right)).ExitCode);
        await AssertServesAsync(_cli, data);
    }

    // A running agency keeps the keys it loaded and would write them back in their old form at its next key rotation,
    // so the key file is not rewritten under it: sealing and unsealing wait for it to stop, and change nothing meanwhile.
    [Fact]
    public async Task Keys_seal_and_unseal_are_refused_while_the_agency_serves_and_change_nothing()
    {
        string data = await InitAsync(_cli, "Alpha");
        string right = PassphraseFile("right.txt", Passphrase + "\n");
        var plain = Snapshot(data);
        await using (var serve = _cli.Start(["serve", "--data", data]))
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), Startup);

            AssertRefused(await _cli.RunAsync("keys", "seal", "--data", data, "--passphrase-file", right), 5,
                "is running", "agency.lock", "stop it, then seal the keys");
            Assert.Equal(plain.Keys, Snapshot(data).Keys);
            Assert.False(AgencyIdentity.IsSealedFile(Path.Combine(data, "keys.json")));
        }

        var seal = await _cli.RunAsync("keys", "seal", "--data", data, "--passphrase-file", right);
        Assert.True(seal.ExitCode == 0, seal.ToString());
        byte[] sealedKeys = File.ReadAllBytes(Path.Combine(data, "keys.json"));
        await using (var serve = _cli.Start(["serve", "--data", data, "--passphrase-file", right]))
        {
            await serve.WaitForLineAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), Startup);

            AssertRefused(await _cli.RunAsync("keys", "unseal", "--data", data, "--passphrase-file", right), 5,
                "is running", "stop it, then unseal the keys");
            Assert.Equal(sealedKeys, File.ReadAllBytes(Path.Combine(data, "keys.json")));
        }

        // A killed agency leaves no lock behind: the kernel drops it with the process.
        var unseal = await _cli.RunAsync("keys", "unseal", "--data", data, "--passphrase-file", right);
        Assert.True(unseal.ExitCode == 0, unseal.ToString());
        Assert.False(AgencyIdentity.IsSealedFile(Path.Combine(data, "keys.json")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "agency.lock")));
        await AssertServesAsync(_cli, data);
    }

    [Fact]
    public async Task A_sealed_agency_exchanges_telegrams_and_its_key_file_stays_sealed_across_a_key_rotation()
    {
        var cli = WithPassphrase(Passphrase);
        var alpha = await ServedAgency.StartAsync(cli, _folder, "Alpha", "--passphrase");
        var bravo = await ServedAgency.StartAsync(cli, _folder, "Bravo");
        try
        {
            await alpha.SignInAsync(cli);
            await bravo.SignInAsync(cli);
            string keys = Path.Combine(alpha.Directory, "keys.json");
            Assert.True(AgencyIdentity.IsSealedFile(keys)); // sealed by init, served with the passphrase from the environment

            string code = JsonDocument.Parse((await OkAsync(cli, "tie", "invite", "--url", alpha.Url, "--json")).Stdout).RootElement.GetProperty("code").GetString()!;
            await OkAsync(cli, "tie", "accept", code, "--url", bravo.Url, "--wait");
            await OkAsync(cli, "tie", "verify", "Bravo", "--yes", "--url", alpha.Url);
            await OkAsync(cli, "tie", "verify", "Alpha", "--yes", "--url", bravo.Url);
            await OkAsync(cli, "send", "--url", alpha.Url, "--to", "Bravo", "--subject", "Sealed", "--body", "Signed by a sealed key.", "--wait");
            await OkAsync(cli, "send", "--url", bravo.Url, "--to", "Alpha", "--subject", "Reply", "--body", "Opened by a sealed key.", "--wait");

            var rotated = JsonDocument.Parse((await OkAsync(cli, "keys", "rotate", "--url", alpha.Url, "--json")).Stdout).RootElement;
            string newDid = rotated.GetProperty("newDid").GetString()!;

            // The rotation wrote the new keys and the prior ones sealed with the same passphrase.
            string text = File.ReadAllText(keys);
            var file = JsonNode.Parse(text)!;
            Assert.Equal(newDid, file["did"]!.GetValue<string>());
            Assert.NotNull(file["sealed"]);
            Assert.Null(file["signing"]);
            Assert.Null(file["priors"]![0]!["signing"]);
            Assert.Equal(alpha.Did, file["priors"]![0]!["did"]!.GetValue<string>());
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keys));
            using (var opened = AgencyIdentity.Load(keys, Passphrase))
            {
                Assert.Equal(newDid, opened.Did);
                Assert.Equal(alpha.Did, Assert.Single(opened.Priors).Did);
                Assert.Equal(4, SecretsOf(opened).Count);
                Assert.All(SecretsOf(opened), s => Assert.DoesNotContain(s, text, StringComparison.Ordinal));
            }

            Assert.Throws<KeyFileException>(() => AgencyIdentity.Load(keys, "not the passphrase"));

            // Bravo switches its tie when the announcement, signed by the prior key, arrives.
            var until = DateTime.UtcNow + Startup;
            while (JsonDocument.Parse((await OkAsync(cli, "tie", "show", "Alpha", "--url", bravo.Url, "--json")).Stdout).RootElement
                .GetProperty("peerDid").GetString() != newDid)
            {
                Assert.True(DateTime.UtcNow < until, "Bravo did not switch to Alpha's new DID in time");
                await Task.Delay(100);
            }

            alpha = await alpha.RestartAsync(cli);
            var list = JsonDocument.Parse((await OkAsync(cli, "keys", "list", "--url", alpha.Url, "--json")).Stdout).RootElement;
            Assert.Equal(newDid, list.GetProperty("did").GetString());
            await OkAsync(cli, "send", "--url", bravo.Url, "--to", "Alpha", "--subject", "After", "--body", "To the rotated, sealed agency.", "--wait");
        }
        finally
        {
            await alpha.DisposeAsync();
            await bravo.DisposeAsync();
        }
    }

    private static async Task<CliResult> OkAsync(Cli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}
