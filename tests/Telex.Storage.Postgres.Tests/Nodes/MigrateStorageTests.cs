using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Relay;
using Telex.Core.Storage;
using Telex.Storage.Sqlite;
using Telex.TestKit;

namespace Telex.Storage.Postgres.Tests.Nodes;

/// <summary>
/// <c>telex migrate-storage</c> on a real agency's folder: SQLite to PostgreSQL and back, each copy verified, the register
/// identical entry for entry, and the agency carrying on from PostgreSQL where it stopped on SQLite.
/// </summary>
public sealed class MigrateStorageTests : DatabaseProcessTests
{
    private const int Telegrams = 40;

    private static readonly Guid DossierId = Guid.NewGuid();

    private static Tie TieWith(string did, string name, string endpoint) => new()
    {
        PeerDid = did,
        PeerName = name,
        PeerEndpoint = endpoint,
        Status = TieStatus.Established,
        Verified = true,
        EstablishedAt = DateTimeOffset.UtcNow,
    };

    private static TelegramDraft Draft(string to, int i) => new()
    {
        To = to,
        Subject = $"Telegram {i}",
        Body = $"Telegram {i}, filed on SQLite and carried to PostgreSQL.",
        Precedence = (Precedence)(i % 4),
    };

    private static readonly RelayPolicy RelayOnTies = new() { TiedPairs = true };

    [Fact]
    public async Task An_agency_copied_from_sqlite_to_postgres_and_back_keeps_an_identical_register_that_verifies_and_carries_on()
    {
        string[] settings = ["Delivery:ReceiptWait=00:00:03", "Delivery:InitialRetryDelay=00:00:00.050"];
        await using var alpha = await AgencyProcess.InitAsync("Alpha", settings);
        await using var bravo = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery);
        var endpoint = $"http://127.0.0.1:{alpha.Port}/didcomm";
        await using (var setup = alpha.OpenStore())
        {
            await setup.Ties.SaveTieAsync(TieWith(bravo.Did, "Bravo", bravo.Identity.Endpoint));
            Assert.True(await setup.Directory.AddDirectoryEntryAsync(new DirectoryEntry
            {
                Id = DossierId,
                Name = "Charlie",
                Did = "did:example:charlie",
                AddedAt = DateTimeOffset.UtcNow,
            }));
            Assert.True(await setup.Directory.AddDossierNoteAsync(DossierId, new DossierNote(DateTimeOffset.UtcNow, "officer", "Met at the conference.")));

            // Settings of three kinds, all of which must travel: the relay policy, clearance rules, a console key.
            await setup.Settings.SetSettingAsync(RelayService.PolicySetting, RelayOnTies.ToJson());
            await setup.Settings.SetSettingAsync("clearance.rules", "[]");
            await setup.Settings.SetSettingAsync("console.key.key-1", "<key id=\"1\"/>");
        }

        await bravo.Store.Ties.SaveTieAsync(TieWith(alpha.Did, "Alpha", endpoint));
        var (imported, cableOutput) = await AgencyProcess.RunCliAsync(["register", "import-cable", "--data", alpha.Directory,
            Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "..", "shared", "seed", "cable-1949-05-18.txt")]);
        Assert.True(imported == 0, cableOutput);
        await alpha.StartAsync();

        // Traffic both ways, every telegram delivered with its receipt, then the agency stops.
        for (int i = 1; i <= Telegrams; i++)
        {
            await bravo.Agency.Telegrams.ReleaseAsync(Draft(alpha.Did, i), "officer");
        }

        await using (var sqlite = alpha.OpenStore())
        using (var identity = alpha.LoadIdentity())
        using (var releasing = new Agency(identity, sqlite, new NoTransport()))
        {
            for (int i = 1; i <= Telegrams / 2; i++)
            {
                await releasing.Telegrams.ReleaseAsync(Draft(bravo.Did, i), "officer");
            }

            await Eventually.UntilAsync(() => sqlite.Register.CountAsync(new RegisterQuery { Status = TelegramStatus.Delivered }), n => n == Telegrams / 2,
                TimeSpan.FromSeconds(120), "Alpha's telegrams delivered");
        }

        await Eventually.UntilAsync(() => bravo.Store.Register.CountAsync(new RegisterQuery { Status = TelegramStatus.Delivered }), n => n == Telegrams,
            TimeSpan.FromSeconds(120), "Bravo's telegrams delivered");
        await alpha.KillAsync();
        RegisterSnapshot original;
        await using (var sqlite = alpha.OpenStore())
        {
            original = await sqlite.Register.ReadRegisterAsync();
        }

        // SQLite to PostgreSQL: the command verifies the copy itself; the register is then compared entry for entry.
        var (code, output) = await AgencyProcess.RunCliAsync(["migrate-storage", "--data", alpha.Directory, "--to", "postgres",
            "--connection", Database.ConnectionString]);
        Assert.True(code == 0, output);
        Assert.Contains("verified", output, StringComparison.Ordinal);
        await using var postgres = new PostgresStore(Database.ConnectionString);
        var copied = await postgres.Register.ReadRegisterAsync();
        AssertSameRegister(original, copied);
        Assert.True(RegisterVerifier.Verify(copied, alpha.Did, _ => null).Ok);
        Assert.Equal(Telegrams / 2, (await postgres.Ties.GetTieAsync(bravo.Did))!.LastSentSerial);
        Assert.Single(await postgres.Officers.ListOfficersAsync());
        var dossier = Assert.Single(await postgres.Directory.ListDirectoryAsync());
        Assert.Equal((DossierId, "Charlie", "did:example:charlie"), (dossier.Id, dossier.Name, dossier.Did));
        Assert.Equal("Met at the conference.", Assert.Single(dossier.Notes).Text);
        Assert.Equal(RelayOnTies.ToJson(), await postgres.Settings.GetSettingAsync(RelayService.PolicySetting));
        Assert.True(RelayPolicy.Parse(await postgres.Settings.GetSettingAsync(RelayService.PolicySetting)).TiedPairs);
        Assert.Equal("[]", await postgres.Settings.GetSettingAsync("clearance.rules"));
        Assert.Equal("<key id=\"1\"/>", await postgres.Settings.GetSettingAsync("console.key.key-1"));

        // A second copy into the same database is refused and changes nothing.
        var (again, againOutput) = await AgencyProcess.RunCliAsync(["migrate-storage", "--data", alpha.Directory, "--to", "postgres",
            "--connection", Database.ConnectionString]);
        Assert.True(again == 5, againOutput);
        Assert.Equal(original.Entries.Count, (await postgres.Register.GetRegisterHeadAsync()).Count);

        // The agency's own verify, run on PostgreSQL.
        var environment = PostgresEnvironment;
        var (verified, verifyOutput) = await AgencyProcess.RunCliAsync(["register", "verify", "--data", alpha.Directory], environment);
        Assert.True(verified == 0, verifyOutput);
        Assert.Contains(original.Entries[^1].Hash, verifyOutput, StringComparison.Ordinal);

        // And back: PostgreSQL to a new SQLite file, identical again.
        string back = Path.Combine(alpha.Directory, "back.db");
        var (returned, returnOutput) = await AgencyProcess.RunCliAsync(["migrate-storage", "--data", alpha.Directory, "--to", "sqlite", "--path", back],
            environment);
        Assert.True(returned == 0, returnOutput);
        await using (var sqliteAgain = new SqliteStore(back))
        {
            AssertSameRegister(original, await sqliteAgain.Register.ReadRegisterAsync());
        }

        // The agency carries on from PostgreSQL: the next telegram takes the next registry number and extends the chain.
        await using var node = AgencyProcess.Reopen(alpha, environment, settings);
        await node.StartAsync();
        var next = await bravo.Agency.Telegrams.ReleaseAsync(Draft(alpha.Did, Telegrams + 1), "officer");
        var registered = await Eventually.UntilAsync(() => postgres.Telegrams.GetTelegramAsync(next.Id, Direction.Inbound), t => t is not null,
            TimeSpan.FromSeconds(60), "the next telegram registered on PostgreSQL");
        Assert.Equal(Telegrams + 1, registered!.RegistryNumber);
        var grown = await postgres.Register.ReadRegisterAsync();
        Assert.Equal(original.Entries[^1].Hash, grown.Entries[original.Entries.Count - 1].Hash);
        Assert.True(RegisterVerifier.Verify(grown, alpha.Did, _ => null).Ok);
    }

    [Fact]
    public async Task An_agency_with_key_rotations_on_file_is_refused_and_nothing_is_copied()
    {
        await using var alpha = await AgencyProcess.InitAsync("Alpha");
        await using (var store = alpha.OpenStore())
        {
            var rotation = new KeyRotation(OldDid: "did:example:before", NewDid: alpha.Did, FromPrior: "jwt", At: DateTimeOffset.UtcNow, Own: true);
            Assert.True(await store.Keys.FileOwnRotationAsync(rotation, []));
        }

        var (code, output) = await AgencyProcess.RunCliAsync(["migrate-storage", "--data", alpha.Directory, "--to", "postgres",
            "--connection", Database.ConnectionString]);
        Assert.True(code == 5, output);
        Assert.Contains("key rotations", output, StringComparison.Ordinal);
        await using var postgres = new PostgresStore(Database.ConnectionString);
        Assert.Equal(0, await postgres.SchemaVersionAsync());
    }

    private static void AssertSameRegister(RegisterSnapshot expected, RegisterSnapshot actual)
    {
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        Assert.Equal(expected.Entries.Select(e => (e.Position, e.Kind, e.Reference, e.Hash)), actual.Entries.Select(e => (e.Position, e.Kind, e.Reference, e.Hash)));
        Assert.Equal(expected.Telegrams.Select(t => (t.Id, t.Direction, t.RegistryNumber, t.Serial, t.Status, t.ContentHash)).Order(),
            actual.Telegrams.Select(t => (t.Id, t.Direction, t.RegistryNumber, t.Serial, t.Status, t.ContentHash)).Order());
        Assert.Equal(expected.Cables.Select(c => c.Id), actual.Cables.Select(c => c.Id));
    }

    private sealed class NoTransport : ITransport
    {
        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Task.FromResult(new TransportResult(false, 0, "this instance only releases; telex serve sends"));
    }
}
