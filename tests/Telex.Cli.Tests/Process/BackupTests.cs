using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

using Microsoft.Data.Sqlite;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex backup</c> of an agency that serves and writes meanwhile, and <c>telex restore</c> into a new folder: the copy
/// verifies, keeps the agency's identity (sealed keys sealed) and serves; a backup that is not one, was changed, or
/// would write outside its folder is refused and leaves nothing behind.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BackupTests : IDisposable
{
    private const string Passphrase = "a long passphrase for the backup test";

    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public BackupTests() => _cli = new Cli(_folder.File("home"));

    public void Dispose() => _folder.Dispose();

    private async Task<CliResult> OkAsync(Cli cli, params string[] args)
    {
        var result = await cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static JsonElement Json(CliResult result)
    {
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.Clone();
    }

    [Fact]
    public async Task A_backup_taken_while_the_agency_sends_restores_into_a_new_folder_verified_and_serves_as_the_same_agency()
    {
        await using var alpha = await ServedAgency.StartAsync(_cli, _folder.Path, "Alpha");
        await using var bravo = await ServedAgency.StartAsync(_cli, _folder.Path, "Bravo");
        await alpha.SignInAsync(_cli);
        await bravo.SignInAsync(_cli);
        string code = Json(await OkAsync(_cli, "tie", "invite", "--url", alpha.Url, "--json")).GetProperty("code").GetString()!;
        await OkAsync(_cli, "tie", "accept", code, "--url", bravo.Url, "--wait");

        using var api = await SignedInAsync(alpha);
        using var stop = new CancellationTokenSource();
        int sent = 0;
        var sending = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await api.PostAsJsonAsync("/api/telegrams", new { to = bravo.Did, subject = $"Telegram {sent + 1}", body = "Sent during a backup." });
                Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                Interlocked.Increment(ref sent);
            }
        });
        await WaitUntilAsync(() => Volatile.Read(ref sent) >= 5 || sending.IsFaulted, "five telegrams released before the backup");
        Assert.False(sending.IsFaulted, sending.Exception?.ToString());
        int before = Volatile.Read(ref sent);

        string file = _folder.File("alpha.telex-backup");
        var backup = Json(await OkAsync(_cli, "backup", "--data", alpha.Directory, "--out", file, "--json"));
        await WaitUntilAsync(() => Volatile.Read(ref sent) >= before + 5, "five more telegrams released after the backup");
        await stop.CancelAsync();
        await sending;

        // The agency went on releasing throughout; the backup holds at least what was released before it began.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal("Alpha", backup.GetProperty("agency").GetString());
        Assert.Equal(alpha.Did, backup.GetProperty("did").GetString());
        var files = backup.GetProperty("files").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("telex.db", files);
        Assert.Contains("keys.json", files);
        Assert.Contains("telex.json", files);
        Assert.DoesNotContain("agency.lock", files);

        string restoredFolder = _folder.File("restored");
        var restored = Json(await OkAsync(_cli, "restore", file, "--data", restoredFolder, "--json"));
        Assert.True(restored.GetProperty("verified").GetBoolean());
        Assert.Equal(backup.GetProperty("entries").GetInt64(), restored.GetProperty("entries").GetInt64());
        Assert.Equal(backup.GetProperty("head").GetString(), restored.GetProperty("head").GetString());
        Assert.Empty(Directory.GetDirectories(_folder.Path, ".restored.restoring-*", SearchOption.TopDirectoryOnly));

        var verified = Json(await OkAsync(_cli, "register", "verify", "--data", restoredFolder, "--json"));
        Assert.True(verified.GetProperty("ok").GetBoolean());
        Assert.True(verified.GetProperty("telegrams").GetInt64() >= before, $"{verified.GetProperty("telegrams")} telegrams in the copy, {before} released before it");

        // The restored folder serves as the same agency (on another port: the original still serves on its own).
        int port = Cli.FreePort();
        await using var served = _cli.Start("serve", "--data", restoredFolder, "--set", $"Listen=http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var health = await Eventually(async () =>
        {
            try
            {
                return await http.GetFromJsonAsync<JsonElement>($"http://127.0.0.1:{port}/health");
            }
            catch (HttpRequestException)
            {
                Assert.False(served.HasExited, served.Stderr);
                return (JsonElement?)null;
            }
        }, "the restored agency answers /health");
        Assert.Equal(alpha.Did, health.GetProperty("did").GetString());
        Assert.Equal("Alpha", health.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Sealed_keys_stay_sealed_in_the_backup_and_the_restore_opens_them_with_the_passphrase()
    {
        var cli = new Cli(_cli.Home);
        cli.Variables["TELEX_PASSPHRASE"] = Passphrase;
        string data = _folder.File("sealed");
        await OkAsync(cli, "init", "--data", data, "--name", "Sealed", "--listen", $"http://127.0.0.1:{Cli.FreePort()}", "--passphrase", "--json");
        string file = _folder.File("sealed.telex-backup");
        await OkAsync(_cli, "backup", "--data", data, "--out", file);

        using (var keys = JsonDocument.Parse(ReadEntry(file, "keys.json")))
        {
            Assert.True(keys.RootElement.TryGetProperty("sealed", out _), "the key file in the backup is sealed");
            Assert.False(keys.RootElement.TryGetProperty("signing", out _), "no secret key in the clear");
        }

        // Without the passphrase the restore cannot open the keys to verify: refused, nothing left.
        var refused = await _cli.RunAsync("restore", file, "--data", _folder.File("without"));
        Assert.NotEqual(0, refused.ExitCode);
        Assert.False(Directory.Exists(_folder.File("without")) && Directory.EnumerateFileSystemEntries(_folder.File("without")).Any());

        var restored = Json(await OkAsync(cli, "restore", file, "--data", _folder.File("with"), "--json"));
        Assert.True(restored.GetProperty("verified").GetBoolean());
        Assert.Equal(File.ReadAllText(Path.Combine(data, "keys.json")), File.ReadAllText(Path.Combine(_folder.File("with"), "keys.json")));
    }

    [Fact]
    public async Task A_changed_or_hostile_backup_is_refused_and_nothing_is_written()
    {
        string data = _folder.File("alpha");
        await OkAsync(_cli, "init", "--data", data, "--name", "Alpha", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        await OkAsync(_cli, "register", "import-cable", CableImportTests.SeedCable, "--data", data);
        string good = _folder.File("good.telex-backup");
        await OkAsync(_cli, "backup", "--data", data, "--out", good);
        var entries = ReadAll(good);

        // A register changed after the backup was taken: its last entry's kind.
        string changedDb = _folder.File("changed.db");
        await File.WriteAllBytesAsync(changedDb, entries["telex.db"]);
        using (var db = new SqliteConnection($"Data Source={changedDb};Pooling=false"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = "UPDATE register_log SET kind = kind || 'x' WHERE position = (SELECT MAX(position) FROM register_log)";
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        var cases = new Dictionary<string, (byte[] Archive, int Exit)>
        {
            ["a register changed since"] = (Archive(entries.With("telex.db", File.ReadAllBytes(changedDb))), 7),
            ["an entry that climbs out of the folder"] = (Archive(entries, extra: ("../escaped.txt", "x"u8.ToArray())), 2),
            ["an entry in a subfolder"] = (Archive(entries, extra: ("sub/file.txt", "x"u8.ToArray())), 2),
            ["a hidden file"] = (Archive(entries, extra: (".profile", "x"u8.ToArray())), 2),
            ["a symbolic link"] = (Archive(entries, link: ("link", "/etc/passwd")), 2),
            ["no manifest"] = (Archive(entries.Without("backup.json")), 2),
            ["no key file"] = (Archive(entries.Without("keys.json")), 2),
            ["a manifest of something else"] = (Archive(entries.With("backup.json", "{\"format\":\"other/1\"}"u8.ToArray())), 2),
            ["not gzip"] = ("not a backup at all"u8.ToArray(), 2),
            ["cut short"] = (File.ReadAllBytes(good)[..(int)(new FileInfo(good).Length / 2)], 2),
        };
        foreach (var (what, (archive, exit)) in cases)
        {
            string file = _folder.File("hostile.telex-backup");
            await File.WriteAllBytesAsync(file, archive);
            string target = _folder.File("target");
            var result = await _cli.RunAsync("restore", file, "--data", target);
            Assert.True(result.ExitCode == exit, $"{what}: {result}");
            Assert.Contains("nothing was restored", result.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(target), $"{what}: the target folder was left behind");
            Assert.False(File.Exists(_folder.File("escaped.txt")), $"{what}: a file was written outside the folder");
            Assert.Empty(Directory.GetDirectories(_folder.Path, ".target.restoring-*"));
            File.Delete(file);
        }

        // A folder that holds something already is never restored into.
        string occupied = _folder.File("occupied");
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "notes.txt"), "mine");
        var intoOccupied = await _cli.RunAsync("restore", good, "--data", occupied);
        Assert.Equal(5, intoOccupied.ExitCode);
        Assert.Equal(["notes.txt"], Directory.GetFiles(occupied).Select(Path.GetFileName));

        // And a backup is never written over an existing file.
        var overwrite = await _cli.RunAsync("backup", "--data", data, "--out", good);
        Assert.Equal(5, overwrite.ExitCode);
    }

    private static async Task<HttpClient> SignedInAsync(ServedAgency agency)
    {
        var api = new HttpClient { BaseAddress = new Uri(agency.Url), Timeout = TimeSpan.FromSeconds(30) };
        using var signIn = await api.PostAsJsonAsync("/api/session", new { name = "admin", password = agency.Password });
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        string token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, what + " within 60 s");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonElement> Eventually(Func<Task<JsonElement?>> probe, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < until, what + " within 60 s");
            await Task.Delay(100);
        }
    }

    private static byte[] ReadEntry(string file, string name) => ReadAll(file)[name];

    private static Entries ReadAll(string file)
    {
        var entries = new Entries();
        using var gzip = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries = entries.With(entry.Name, data.ToArray());
        }

        return entries;
    }

    private static byte[] Archive(Entries entries, (string Name, byte[] Data)? extra = null, (string Name, string Target)? link = null)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            foreach (var (name, data) in extra is { } e ? entries.Append(new(e.Name, e.Data)) : entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            }

            if (link is { } l)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, l.Name) { LinkName = l.Target });
            }
        }

        return output.ToArray();
    }

    /// <summary>A backup's entries by name, in the order they were read; each change makes a new list.</summary>
    private sealed class Entries : IEnumerable<KeyValuePair<string, byte[]>>
    {
        private readonly List<KeyValuePair<string, byte[]>> _items = [];

        public byte[] this[string name] => _items.First(i => i.Key == name).Value;

        public Entries With(string name, byte[] value)
        {
            var copy = Without(name);
            int at = _items.FindIndex(i => i.Key == name);
            copy._items.Insert(at >= 0 ? at : copy._items.Count, new(name, value));
            return copy;
        }

        public Entries Without(string name)
        {
            var copy = new Entries();
            copy._items.AddRange(_items.Where(i => i.Key != name));
            return copy;
        }

        public IEnumerator<KeyValuePair<string, byte[]>> GetEnumerator() => _items.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
