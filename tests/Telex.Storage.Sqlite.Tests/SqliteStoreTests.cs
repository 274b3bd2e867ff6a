using Microsoft.Data.Sqlite;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;
using Telex.Storage.Compliance;

namespace Telex.Storage.Sqlite.Tests;

/// <summary>The compliance suite against <see cref="SqliteStore"/>, one temporary database file per test, plus what only SQLite has.</summary>
public sealed class SqliteStoreTests : StoreComplianceTests
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"telex-store-{Guid.NewGuid():N}.db");
    private readonly List<SqliteStore> _extraStores = [];

    protected override async Task<ITelexStore> CreateStoreAsync(TimeProvider time)
    {
        var store = new SqliteStore(_path, time);
        await store.MigrateAsync();
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _extraStores)
        {
            await store.DisposeAsync();
        }

        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            File.Delete(_path + suffix);
        }
    }

    /// <summary>Another store on the same file, as a second agency node would open it.</summary>
    private SqliteStore OpenAnother(string? path = null)
    {
        var store = new SqliteStore(path ?? _path, Clock);
        _extraStores.Add(store);
        return store;
    }

    private async Task<T> ScalarAsync<T>(string sql, string? path = null)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path ?? _path, Pooling = false }.ToString());
        await connection.OpenAsync();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_register_filed_before_the_chain_existed_is_entered_into_it_by_the_migration()
    {
        // Telegrams filed by a version without the chain: the tables it added are gone and user_version says 2 (the
        // migration before the chain's).
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var (sent, _) = await ReleaseToAsync(Alpha);
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(sent.Id, [5, 4], 3, Now));
        var received = (await ReceiveFromAsync(Bravo, 1)).Record;
        Assert.True(await Store.Telegrams.MarkReadAsync(received.Id, Now));
        await ScalarAsync<long>("DROP TABLE register_log; DROP TABLE imported_cables; DROP TABLE checkpoints; PRAGMA user_version=2; SELECT 1;");

        var upgraded = OpenAnother();
        await upgraded.MigrateAsync();

        var register = await upgraded.Register.ReadRegisterAsync();
        Assert.Equal([RegisterKinds.TelegramOut, RegisterKinds.Delivery, RegisterKinds.TelegramIn, RegisterKinds.Receipt, RegisterKinds.Read],
            register.Entries.Select(e => e.Kind));
        Assert.True(RegisterVerifier.Verify(register, Alpha, _ => null).Ok);
        Assert.True(await ScalarAsync<long>("PRAGMA user_version;") >= 3);
    }

    [Fact]
    public async Task Issue_events_and_clearance_steps_filed_before_they_joined_the_chain_are_entered_into_it_by_the_migration()
    {
        // Filed by a version whose chain held no issue events or clearance steps: their entries are gone and
        // user_version says 3 (the migration before theirs).
        var opening = new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = "issue-1",
            Clock = 1,
            Agency = Alpha,
            At = Now,
            Status = IssueStatus.Open,
            Title = "Aid to the Orient",
        };
        var issue = new Issue
        {
            Id = "issue-1",
            Counterpart = Bravo,
            Title = "Aid to the Orient",
            OpenedBy = Alpha,
            OpenedAt = Now,
            Status = IssueStatus.Open,
            Clock = 1,
            ChangedAt = Now,
        };
        Assert.True(await Store.Issues.OpenIssueAsync(issue, opening, null));
        Assert.True(await Store.Issues.RecordIssueEventAsync(new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = "issue-1",
            Clock = 2,
            Agency = Bravo,
            At = Now,
            Status = IssueStatus.Closed,
            Outcome = "Settled",
        }));
        var draft = new DraftRecord
        {
            Id = Guid.NewGuid(),
            Draft = new TelegramDraft { To = Bravo, Subject = "Steps", Body = "Text." },
            Drafter = "drafter",
            Status = DraftStatus.AwaitingClearance,
            CreatedAt = Now,
            UpdatedAt = Now,
        };
        await Store.Clearance.CreateDraftAsync(draft, new ClearanceLogEntry(draft.Id, Now, "drafter", "submitted", null), []);
        await ScalarAsync<long>("DELETE FROM register_log; PRAGMA user_version=3; SELECT 1;");

        var upgraded = OpenAnother();
        await upgraded.MigrateAsync();

        var register = await upgraded.Register.ReadRegisterAsync();
        Assert.Equal([RegisterKinds.IssueStatus, RegisterKinds.IssueStatus, RegisterKinds.Clearance], register.Entries.Select(e => e.Kind));
        Assert.Equal(RegisterChain.IssueEventReference(opening), register.Entries[0].Reference);
        Assert.True(RegisterVerifier.Verify(register, Alpha, _ => null).Ok);
        Assert.True(await ScalarAsync<long>("PRAGMA user_version;") >= 4);
    }

    [Fact]
    public async Task The_database_is_in_wal_mode_after_migration()
    {
        Assert.True(File.Exists(_path));
        Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Migrating_twice_is_harmless()
    {
        await Store.Settings.SetSettingAsync("agency.name", "Kovalev");
        long version = await ScalarAsync<long>("PRAGMA user_version;");

        await Store.MigrateAsync();
        await using var restarted = new SqliteStore(_path, Clock);
        await restarted.MigrateAsync();

        Assert.True(version >= 1);
        Assert.Equal(version, await ScalarAsync<long>("PRAGMA user_version;"));
        Assert.Equal("Kovalev", await restarted.Settings.GetSettingAsync("agency.name"));
        Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Two_nodes_migrating_one_new_file_at_once_both_succeed()
    {
        string path = _path + ".fresh";
        try
        {
            var first = OpenAnother(path);
            var second = OpenAnother(path);

            await Task.WhenAll(Task.Run(() => first.MigrateAsync()), Task.Run(() => second.MigrateAsync()));

            await first.Settings.SetSettingAsync("k", "v");
            Assert.Equal("v", await second.Settings.GetSettingAsync("k"));
            Assert.Equal("wal", await ScalarAsync<string>("PRAGMA journal_mode;", path));
        }
        finally
        {
            foreach (var store in _extraStores)
            {
                await store.DisposeAsync();
            }

            _extraStores.Clear();
            SqliteConnection.ClearAllPools();
            foreach (string suffix in new[] { "", "-wal", "-shm", "-journal" })
            {
                File.Delete(path + suffix);
            }
        }
    }

    [Fact]
    public async Task Two_nodes_on_one_file_share_the_register_and_tokens_and_never_claim_one_item_twice()
    {
        var other = OpenAnother();
        await other.MigrateAsync();
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        for (int i = 0; i < 40; i++)
        {
            await ReleaseToAsync(Alpha);
        }

        var claims = await Task.WhenAll(
            Task.Run(() => ClaimAllAsync(Store, "node-a")),
            Task.Run(() => ClaimAllAsync(other, "node-b")));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(40, all.Count);
        Assert.Equal(40, all.Distinct().Count());
        Assert.Equal(40, (await other.Ties.GetTieAsync(Alpha))!.LastSentSerial);

        await other.Sessions.AddTokenAsync(new ApiToken("token-hash", "kovalev", Start, Start + TimeSpan.FromHours(1)));
        Assert.NotNull(await Store.Sessions.FindTokenAsync("token-hash", Start));
        Assert.True(await Store.Sessions.RevokeTokenAsync("token-hash"));
        Assert.Null(await other.Sessions.FindTokenAsync("token-hash", Start));
    }

    private async Task<List<Guid>> ClaimAllAsync(ITelexStore store, string node)
    {
        var mine = new List<Guid>();

        // Bounded, so that a store handing out the same items again fails the test instead of hanging it.
        for (int round = 0; round < 40; round++)
        {
            var claimed = await store.Outbox.ClaimDueAsync(Now, 3, TimeSpan.FromMinutes(1), node);
            if (claimed.Count == 0)
            {
                break;
            }

            mine.AddRange(claimed.Select(c => c.Id));
        }

        return mine;
    }

    [Theory]
    [InlineData("\"unbalanced", "an \"unbalanced quote")]
    [InlineData("NEAR(", "meet NEAR( the river")]
    [InlineData("NEAR(alpha beta", "near alpha beta")]
    [InlineData("alpha OR beta", "alpha or beta")]
    [InlineData("alpha AND beta", "alpha and beta")]
    [InlineData("NOT alpha", "not alpha")]
    [InlineData("alpha -beta", "alpha beta")]
    [InlineData("col:x", "see col:x here")]
    [InlineData("subject:aid", "subject aid")]
    [InlineData("^start", "start of it")]
    [InlineData("(alpha)", "alpha")]
    [InlineData("{subject body}:aid", "subject body aid")]
    [InlineData("it's", "it's here")]
    [InlineData("a+b", "a+b")]
    public async Task Query_text_with_fts_syntax_never_throws_and_is_taken_as_words(string text, string matchingBody)
    {
        var matching = (await ReceiveFromAsync(Alpha, 1, r => r with { Subject = "s", Body = matchingBody })).Record;
        await ReceiveFromAsync(Alpha, 2, r => r with { Subject = "s", Body = "unrelated words entirely" });

        var found = await Store.Register.QueryAsync(new RegisterQuery { Text = text });

        Assert.Equal(matching.Id, Assert.Single(found).Id);
        Assert.Equal(1, await Store.Register.CountAsync(new RegisterQuery { Text = text }));
    }

    [Fact]
    public async Task Operators_typed_as_words_do_not_widen_the_search()
    {
        await ReceiveFromAsync(Alpha, 1, r => r with { Subject = "s", Body = "only alpha here" });
        await ReceiveFromAsync(Alpha, 2, r => r with { Subject = "s", Body = "only beta here" });

        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Text = "alpha OR beta" }));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Text = "NOT alpha" }));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"\"")]
    [InlineData("*")]
    [InlineData("**")]
    [InlineData("(")]
    [InlineData(")")]
    [InlineData(":")]
    [InlineData("-")]
    [InlineData("^")]
    [InlineData("+")]
    [InlineData("NEAR")]
    [InlineData("AND OR NOT")]
    [InlineData("\u0000")]
    [InlineData("ordinary\u0000body")]
    [InlineData("\u0001\u001f\u007f")]
    [InlineData("'; DROP TABLE telegrams; --")]
    public async Task Query_text_of_stray_syntax_or_control_characters_never_throws(string text)
    {
        await ReceiveFromAsync(Alpha, 1, r => r with { Body = "ordinary body" });

        var found = await Store.Register.QueryAsync(new RegisterQuery { Text = text });
        long counted = await Store.Register.CountAsync(new RegisterQuery { Text = text });

        Assert.Equal(found.Count, counted);
        Assert.Single(await Store.Register.QueryAsync(new RegisterQuery { Text = "ordinary" }));
    }

    [Fact]
    public async Task A_trailing_star_searches_by_prefix()
    {
        var match = (await ReceiveFromAsync(Alpha, 1, r => r with { Body = "the premature bureau" })).Record;
        await ReceiveFromAsync(Alpha, 2, r => r with { Body = "unrelated" });

        Assert.Equal(match.Id, Assert.Single(await Store.Register.QueryAsync(new RegisterQuery { Text = "prema*" })).Id);
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery { Text = "prema" }));
    }

    [Fact]
    public async Task Every_test_gets_its_own_empty_database_file()
    {
        Assert.True(File.Exists(_path));
        Assert.Empty(await Store.Register.QueryAsync(new RegisterQuery()));
        Assert.Empty(await Store.Ties.ListTiesAsync());
        Assert.Equal(0, await ScalarAsync<long>("SELECT COUNT(*) FROM telegrams;"));
    }
}
