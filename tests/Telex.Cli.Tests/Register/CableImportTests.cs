using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Tests.Process;

/// <summary><c>telex register import-cable</c> with the seed cable of 18 May 1949, and with malformed cables.</summary>
public sealed class CableImportTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public CableImportTests() => _cli = new Cli(_folder.File("home"));

    /// <summary>The seed cable, beside the repository (never written to).</summary>
    internal static string SeedCable { get; } = FindSeed();

    private static string FindSeed()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
        {
            dir = dir.Parent;
        }

        string path = Path.GetFullPath(Path.Combine(dir?.FullName ?? "", "..", "shared", "seed", "cable-1949-05-18.txt"));
        return File.Exists(path) ? path : throw new FileNotFoundException("the seed cable is read from ../shared/seed/ beside the repository", path);
    }

    public void Dispose() => _folder.Dispose();

    private async Task<string> NewAgencyAsync()
    {
        string data = _folder.File("agency-" + Guid.NewGuid().ToString("N")[..6]);
        var init = await _cli.RunAsync("init", "--data", data, "--name", "Archive", "--listen", $"http://127.0.0.1:{Cli.FreePort()}");
        Assert.True(init.ExitCode == 0, init.ToString());
        return data;
    }

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static async Task<long> EntriesAsync(string data)
    {
        await using var store = new SqliteStore(Path.Combine(data, "telex.db"));
        return (await store.Register.GetRegisterHeadAsync()).Count;
    }

    [Fact]
    public async Task The_seed_cable_imports_with_its_number_time_serial_signature_points_and_editorial_marks_and_exports_in_the_same_layout()
    {
        string data = await NewAgencyAsync();
        using var imported = JsonDocument.Parse((await OkAsync("register", "import-cable", SeedCable, "--data", data, "--json")).Stdout);
        var c = imported.RootElement;
        Assert.Equal(54611, c.GetProperty("registryNumber").GetInt64());
        Assert.Equal(new DateTimeOffset(1949, 5, 18, 17, 18, 0, TimeSpan.Zero), DateTimeOffset.Parse(c.GetProperty("receivedAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(477, c.GetProperty("senderSerial").GetInt64());
        Assert.Equal("Kovalev", c.GetProperty("signer").GetString());
        Assert.Equal("18 May", c.GetProperty("signedOn").GetString());
        Assert.Equal([1, 2, 3], c.GetProperty("points").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(
            ["[informbyuro]", "[ne sozrel]", "[SIC, Kominformbyuro]", "[North Korea]", "[SIC, vzaimnye]",
             "[dogovorit'sya, which can also mean \"negotiate]", "[...]"],
            c.GetProperty("editorialMarks").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(1, c.GetProperty("position").GetInt64());

        // The cable text kept verbatim in the register, the three numbered points found in it.
        await using (var store = new SqliteStore(Path.Combine(data, "telex.db")))
        {
            var cable = Assert.Single((await store.Register.ReadRegisterAsync()).Cables);
            Assert.Contains("Eastern Communist [SIC, Kominformbyuro] Information Bureau", cable.Text, StringComparison.Ordinal);
            Assert.Equal("[...]", cable.Trailer);
            var points = CableText.Points(cable.Text);
            Assert.Equal([1, 2, 3], points.Select(p => p.Number));
            Assert.StartsWith("- 1. Kim II, the Chief of the Political Directorate", points[0].Text, StringComparison.Ordinal);
            Assert.Contains(" - 3. Aid to North Korea with officer personnel and weapons.", points[0].Text, StringComparison.Ordinal);
            Assert.StartsWith("2. As regards helping North Korea", points[1].Text, StringComparison.Ordinal);
            Assert.StartsWith("3. With regard to the establishment of trade relations", points[2].Text, StringComparison.Ordinal);
        }

        // It is in the chain, marked imported, and the register verifies.
        var verify = await OkAsync("register", "verify", "--data", data);
        Assert.StartsWith("register verified: 1 entries, 0 telegrams, 1 imported cables", verify.Stdout, StringComparison.Ordinal);
        var inbox = await _cli.RunAsync("register", "export", "--data", data, "--json");
        Assert.Contains("\"kind\":\"cable.imported\"", inbox.Stdout, StringComparison.Ordinal);

        // Exported as cable text, it is the seed cable again, line for line.
        var exported = await OkAsync("register", "export", "--data", data, "--format", "cable");
        string seed = (await File.ReadAllTextAsync(SeedCable)).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
        Assert.Equal(seed, exported.Stdout);
    }

    [Fact]
    public async Task The_same_cable_is_not_imported_twice()
    {
        string data = await NewAgencyAsync();
        await OkAsync("register", "import-cable", SeedCable, "--data", data);
        var again = await _cli.RunAsync("register", "import-cable", SeedCable, "--data", data);
        Assert.Equal(ExitCodes.Conflict, again.ExitCode);
        Assert.Contains("imported before", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, await EntriesAsync(data));
    }

    public static TheoryData<string, int, string> Malformed => new()
    {
        { "54611\n\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 1, "registry number" },
        { "Nº 54611\nextra\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 2, "blank line" },
        { "Nº 54611\n\n18 Mai 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 3, "date and time" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\nMore text.\n\nSigned Kovalev\n", 8, "signature line" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\nAn [unclosed mark.\n\nNo. 477 - Kovalev, 18 May\n", 6, "not closed" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\nNo. 477 - Kovalev, 18 May\n", 5, "blank line before the signature" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText \u0001.\n\nNo. 477 - Kovalev, 18 May\n", 5, "control character" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n[...]\n", 8, "blank line, then editorial" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_cable_is_refused_with_its_line_and_nothing_is_imported(string text, int line, string reason)
    {
        string data = await NewAgencyAsync();
        await OkAsync("register", "import-cable", SeedCable, "--data", data);
        string file = _folder.File("bad-" + Guid.NewGuid().ToString("N")[..6] + ".txt");
        await File.WriteAllTextAsync(file, text);

        var refused = await _cli.RunAsync("register", "import-cable", file, "--data", data);
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        Assert.Contains($"line {line}: ", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains(reason, refused.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, await EntriesAsync(data));
    }

    [Fact]
    public void The_cable_parser_reports_the_line_for_every_malformed_case_without_importing()
    {
        foreach (var row in Malformed)
        {
            var cable = CableText.TryParse((string)row[0], Guid.NewGuid(), DateTimeOffset.UtcNow, null, out var error);
            Assert.Null(cable);
            Assert.Equal((int)row[1], error!.Line);
        }
    }

    [Fact]
    public void A_printable_page_escapes_everything_it_shows()
    {
        var t = new TelegramRecord
        {
            Id = Guid.NewGuid(),
            Direction = Direction.Inbound,
            Counterpart = "did:example:x",
            Serial = 1,
            RegistryNumber = 7,
            Status = TelegramStatus.Registered,
            CreatedAt = DateTimeOffset.UnixEpoch,
            ReleasedAt = DateTimeOffset.UnixEpoch,
            RegisteredAt = DateTimeOffset.UnixEpoch,
            Subject = "<script>alert(1)</script>",
            Body = "a & b <img src=x onerror=alert(2)>",
            Precedence = Precedence.Flash,
            ContentHash = "00",
            Plaintext = [],
            SignedOriginal = [],
        };
        string page = HtmlPage.Render(t, "Alpha", "Bravo \"&\" Co");
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page, StringComparison.Ordinal);
        Assert.Contains("a &amp; b &lt;img", page, StringComparison.Ordinal);
    }
}
