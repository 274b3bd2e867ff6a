using System.Diagnostics;
using System.Text.Json;

using Npgsql;

using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Storage.Postgres.Tests.Nodes;

/// <summary>
/// The backup procedure docs/DEPLOY.md gives for an agency on PostgreSQL, run as written: <c>pg_dump --format=custom</c>
/// of the serving agency's database, <c>pg_restore --no-owner</c> into an empty database, and the agency's folder
/// pointed at it: the register verifies there, entry for entry the one dumped. <c>telex backup</c> refuses such an
/// agency and says where to look.
/// </summary>
public sealed class PgDumpBackupTests : DatabaseProcessTests
{
    private const int Telegrams = 20;

    [Fact]
    public async Task A_pg_dump_of_a_serving_agency_restored_into_an_empty_database_verifies_entry_for_entry()
    {
        int unused = LoadBalancer.FreePort();
        await using var alpha = await AgencyProcess.InitNodeAsync("Alpha", $"http://127.0.0.1:{unused}/didcomm", PostgresEnvironment,
            "Delivery:ReceiptWait=00:00:03", "Delivery:InitialRetryDelay=00:00:00.050");
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        await using (var store = new PostgresStore(Database.ConnectionString))
        {
            await store.Ties.SaveTieAsync(Tie(bravo.Did, "Bravo", bravo.Identity.Endpoint));
        }

        await bravo.Store.Ties.SaveTieAsync(Tie(alpha.Did, "Alpha", $"http://127.0.0.1:{alpha.Port}/didcomm"));
        await alpha.StartAsync();
        for (int i = 1; i <= Telegrams; i++)
        {
            await bravo.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = alpha.Did, Subject = $"Telegram {i}", Body = "Kept in PostgreSQL." }, "officer");
        }

        await Eventually.UntilAsync(() => bravo.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
            n => n == Telegrams, TimeSpan.FromMinutes(2), $"all {Telegrams} telegrams registered at Alpha with receipts");

        // telex backup is for SQLite: it refuses and points to the procedure.
        var (refused, refusal) = await AgencyProcess.RunCliAsync(["backup", "--data", alpha.Directory, "--out", Path.Combine(alpha.Directory, "x.backup")],
            PostgresEnvironment);
        Assert.True(refused == 2, refusal);
        Assert.Contains("pg_dump", refusal, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(alpha.Directory, "x.backup")));

        // The procedure, while the agency serves.
        string dump = Path.Combine(Path.GetTempPath(), "telex-pgdump-" + Guid.NewGuid().ToString("N")[..12]);
        await using var target = await TestDatabase.CreateAsync();
        try
        {
            await RunAsync("pg_dump", Database.ConnectionString, "--format=custom", "--file", dump);
            await RunAsync("pg_restore", target.ConnectionString, "--no-owner", "--exit-on-error", dump);
        }
        finally
        {
            File.Delete(dump);
        }

        var original = await VerifyAsync(alpha.Directory, PostgresEnvironment);
        var restored = await VerifyAsync(alpha.Directory, new Dictionary<string, string>(PostgresEnvironment)
        {
            ["TELEX__Storage__ConnectionString"] = target.ConnectionString,
        });
        Assert.True(restored.GetProperty("ok").GetBoolean(), restored.ToString());
        Assert.True(restored.GetProperty("telegrams").GetInt64() >= Telegrams);

        // Nothing was registered meanwhile (Bravo sent all it had), so the copy is the original entry for entry.
        Assert.Equal(original.GetProperty("entries").GetInt64(), restored.GetProperty("entries").GetInt64());
        Assert.Equal(original.GetProperty("head").GetString(), restored.GetProperty("head").GetString());
    }

    private static Tie Tie(string did, string name, string endpoint) => new()
    {
        PeerDid = did,
        PeerName = name,
        PeerEndpoint = endpoint,
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,
    };

    private static async Task<JsonElement> VerifyAsync(string directory, IReadOnlyDictionary<string, string> environment)
    {
        var (code, output) = await AgencyProcess.RunCliAsync(["register", "verify", "--data", directory, "--json"], environment);
        Assert.True(code == 0, output);
        using var doc = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..(output.LastIndexOf('}') + 1)]);
        return doc.RootElement.Clone();
    }

    /// <summary>Runs a PostgreSQL client tool against the database <paramref name="connectionString"/> names (password in PGPASSWORD).</summary>
    private static async Task RunAsync(string tool, string connectionString, params string[] args)
    {
        var c = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "--host", c.Host!, "--port", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--username", c.Username!,
                     "--dbname", c.Database! }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["PGPASSWORD"] = c.Password ?? "";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        Assert.True(process.ExitCode == 0, $"{tool} exited {process.ExitCode}: {await stdout}{await stderr}");
    }
}
