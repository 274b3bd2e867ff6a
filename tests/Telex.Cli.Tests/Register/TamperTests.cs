using System.Text.Json;

using Microsoft.Data.Sqlite;

using Telex.Core.Register;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// Changes made directly in the SQLite file of a stopped agency, as someone with access to the disk would make them:
/// <c>telex register verify</c> finds each one, names the entry, and exits 7; an untouched register verifies clean.
/// </summary>
[Collection(ExchangedRegistersDefinition.Name)]
public sealed class TamperTests(ExchangedRegisters registers)
{
    private readonly Cli _cli = registers.Cli;

    private static void Sql(string folder, string sql, params (string Name, object? Value)[] parameters)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "telex.db"), Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        cmd.ExecuteNonQuery();
    }

    private static T Scalar<T>(string folder, string sql, params (string Name, object? Value)[] parameters)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(folder, "telex.db"), Pooling = false }.ToString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return (T)cmd.ExecuteScalar()!;
    }

    private static long PositionOf(string folder, string reference) =>
        Scalar<long>(folder, "SELECT MIN(position) FROM register_log WHERE reference=$r", ("$r", reference));

    /// <summary>Runs verify on the folder; asserts it failed with exit 7 and returns the first problem.</summary>
    private async Task<JsonElement> FirstProblemAsync(string folder)
    {
        var human = await _cli.RunAsync("register", "verify", "--data", folder);
        Assert.True(human.ExitCode == 7, human.ToString());
        Assert.Contains("register NOT verified", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("first: ", human.Stdout, StringComparison.Ordinal);

        var json = await _cli.RunAsync("register", "verify", "--data", folder, "--json");
        Assert.True(json.ExitCode == 7, json.ToString());
        using var report = JsonDocument.Parse(json.Stdout);
        Assert.False(report.RootElement.GetProperty("ok").GetBoolean());
        return report.RootElement.GetProperty("problems")[0].Clone();
    }

    [Fact]
    public async Task An_untouched_register_verifies_clean_with_its_checkpoints()
    {
        foreach (string folder in new[] { registers.Alpha, registers.Bravo })
        {
            var result = await _cli.RunAsync("register", "verify", "--data", registers.CopyOf(folder), "--json");
            Assert.True(result.ExitCode == 0, result.ToString());
            using var report = JsonDocument.Parse(result.Stdout);
            Assert.True(report.RootElement.GetProperty("ok").GetBoolean());
            Assert.Equal(6, report.RootElement.GetProperty("telegrams").GetInt64());
            Assert.Equal(3, report.RootElement.GetProperty("issueEvents").GetInt64());

            // 6 telegrams, 4 deliveries at one side or the other, a reading at Alpha, 2 receipts issued at one side
            // or the other, 3 issue events at each: every one an entry.
            Assert.True(report.RootElement.GetProperty("entries").GetInt64() >= 12);
            Assert.Equal(2, report.RootElement.GetProperty("checkpoints").GetInt64());
        }

        // At Alpha: 4 telegrams out and their deliveries, 2 in and their receipts, a reading, 3 issue events and the
        // draft's 3 clearance steps (submitted, cleared, released).
        var human = await _cli.RunAsync("register", "verify", "--data", registers.CopyOf(registers.Alpha));
        Assert.Equal(0, human.ExitCode);
        Assert.StartsWith("register verified: 19 entries, 6 telegrams", human.Stdout, StringComparison.Ordinal);
        Assert.Contains("3 issue events, 3 clearance steps", human.Stdout, StringComparison.Ordinal);
    }

    private static string EventOf(string folder, string issueId, long clock) =>
        Scalar<string>(folder, "SELECT id FROM issue_events WHERE issue_id=$i AND clock=$c", ("$i", issueId), ("$c", clock));

    [Fact]
    public async Task A_changed_issue_event_is_found_and_the_entry_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        string referral = EventOf(folder, registers.IssueId, 2);
        Sql(folder, "UPDATE issue_events SET outcome='Refused outright' WHERE id=$e", ("$e", referral));

        var problem = await FirstProblemAsync(folder);
        string reference = $"issue/{registers.IssueId}/{referral}";
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(reference, problem.GetProperty("reference").GetString());
        Assert.Equal(PositionOf(folder, reference), problem.GetProperty("position").GetInt64());
        Assert.Contains(reference, problem.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_issue_event_is_found_and_the_entry_named()
    {
        string folder = registers.CopyOf(registers.Bravo);
        string agreement = EventOf(folder, registers.IssueId, 3);
        Sql(folder, "DELETE FROM issue_events WHERE id=$e", ("$e", agreement));

        var problem = await FirstProblemAsync(folder);
        string reference = $"issue/{registers.IssueId}/{agreement}";
        Assert.Equal("deleted", problem.GetProperty("problem").GetString());
        Assert.Equal(reference, problem.GetProperty("reference").GetString());
        Assert.Equal(PositionOf(folder, reference), problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task An_issue_status_changed_directly_in_its_row_is_found_and_the_issue_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        Sql(folder, "UPDATE issues SET status=4 WHERE id=$i", ("$i", registers.IssueId));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal($"issue/{registers.IssueId}", problem.GetProperty("reference").GetString());
        Assert.Equal("its status closed is not what its events imply (agreed)", problem.GetProperty("detail").GetString());
        string last = $"issue/{registers.IssueId}/{EventOf(folder, registers.IssueId, 3)}";
        Assert.Equal(PositionOf(folder, last), problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_changed_clearance_step_is_found_and_the_entry_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        long seq = Scalar<long>(folder, "SELECT seq FROM clearance_log WHERE draft_id=$d AND action='cleared'", ("$d", registers.DraftId));
        Sql(folder, "UPDATE clearance_log SET actor='nobody' WHERE seq=$s", ("$s", seq));

        var problem = await FirstProblemAsync(folder);
        string reference = $"clearance/{registers.DraftId}/{seq}";
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(reference, problem.GetProperty("reference").GetString());
        Assert.Equal(PositionOf(folder, reference), problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_changed_telegram_body_is_found_and_the_entry_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        string id = registers.BravoSent[0];
        Sql(folder, "UPDATE telegrams SET body='Answer 1: aid would NOT be granted.' WHERE id=$i AND direction=1", ("$i", id));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(id, problem.GetProperty("telegramId").GetString());
        Assert.Equal(1, problem.GetProperty("registryNumber").GetInt64());
        Assert.Equal(PositionOf(folder, id + "/in"), problem.GetProperty("position").GetInt64());
        Assert.Contains("Nº 1", problem.GetProperty("summary").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_telegram_is_found_and_the_entry_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        string id = registers.AlphaSent[1];
        Sql(folder, "DELETE FROM telegrams WHERE id=$i AND direction=0", ("$i", id));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("deleted", problem.GetProperty("problem").GetString());
        Assert.Equal(id, problem.GetProperty("telegramId").GetString());
        Assert.Equal(PositionOf(folder, id + "/out"), problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_deleted_chain_entry_is_found_at_its_position()
    {
        string folder = registers.CopyOf(registers.Alpha);
        long position = PositionOf(folder, registers.AlphaSent[2] + "/out");
        Sql(folder, "DELETE FROM register_log WHERE position=$p", ("$p", position));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal(position + 1, problem.GetProperty("position").GetInt64());
        Assert.Equal("deleted", problem.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task An_inserted_telegram_row_is_found_and_named()
    {
        string folder = registers.CopyOf(registers.Alpha);
        string forged = Guid.NewGuid().ToString();
        Sql(folder, """
            INSERT INTO telegrams(id, direction, counterpart, serial, registry_number, status, created_at, released_at, registered_at, subject, body,
                precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments, content_hash, plaintext,
                signed_original, receipt)
            SELECT $id, direction, counterpart, 99, 99, status, created_at, released_at, registered_at, 'Forged order', 'Attack at once.',
                precedence, issue_id, on_behalf_of, drafter, releasing_officer, sender_name, attendees, refs, attachments, content_hash, plaintext,
                signed_original, receipt
            FROM telegrams WHERE id=$src AND direction=1
            """, ("$id", forged), ("$src", registers.BravoSent[0]));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("inserted", problem.GetProperty("problem").GetString());
        Assert.Equal(forged, problem.GetProperty("telegramId").GetString());
        Assert.Equal(99, problem.GetProperty("registryNumber").GetInt64());
    }

    [Fact]
    public async Task An_inserted_chain_entry_is_found_at_its_position()
    {
        string folder = registers.CopyOf(registers.Alpha);

        // A well-formed entry, hashed by the chain's own rules onto the entry before it, slipped in at position 3.
        string prev = Scalar<string>(folder, "SELECT hash FROM register_log WHERE position=2");
        byte[] content = RegisterChain.ReadContent(Guid.Parse(registers.BravoSent[1]), DateTimeOffset.UtcNow);
        var before = new RegisterEntry(Position: 2, Kind: "x", Reference: "x", Time: DateTimeOffset.UtcNow, ContentHash: "", PrevHash: "", Hash: prev);
        var entry = RegisterChain.Next(before, RegisterKinds.Read, registers.BravoSent[1] + "/in", DateTimeOffset.UtcNow, content, keepContent: true);
        Sql(folder, "UPDATE register_log SET position=-position WHERE position>=3; UPDATE register_log SET position=1-position WHERE position<0;");
        Sql(folder, "INSERT INTO register_log VALUES(3, $k, $r, $t, $ch, $c, $prev, $h)", ("$k", entry.Kind), ("$r", entry.Reference),
            ("$t", entry.Time.ToUnixTimeMilliseconds()), ("$ch", entry.ContentHash), ("$c", content), ("$prev", entry.PrevHash), ("$h", entry.Hash));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal(3, problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_chain_entry_whose_time_was_changed_is_found_at_its_position()
    {
        // The time an entry records is in no other row and no later entry repeats it: only the entry's own hash covers it.
        string folder = registers.CopyOf(registers.Alpha);
        long position = PositionOf(folder, registers.AlphaSent[1] + "/out");
        Sql(folder, "UPDATE register_log SET time=time-86400000 WHERE position=$p", ("$p", position));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal(position, problem.GetProperty("position").GetInt64());
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal("the entry's hash does not match what it records", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Two_swapped_chain_entries_are_found_at_the_first_of_them()
    {
        string folder = registers.CopyOf(registers.Alpha);
        Sql(folder, "UPDATE register_log SET position=-1 WHERE position=2; UPDATE register_log SET position=2 WHERE position=3; UPDATE register_log SET position=3 WHERE position=-1;");

        var problem = await FirstProblemAsync(folder);
        Assert.Equal(2, problem.GetProperty("position").GetInt64());
        Assert.Equal("reordered", problem.GetProperty("problem").GetString());
    }

    [Fact]
    public async Task Two_telegrams_with_swapped_registry_numbers_are_found()
    {
        string folder = registers.CopyOf(registers.Alpha);
        Sql(folder, """
            UPDATE telegrams SET registry_number=-1 WHERE registry_number=1;
            UPDATE telegrams SET registry_number=1 WHERE registry_number=2;
            UPDATE telegrams SET registry_number=2 WHERE registry_number=-1;
            """);

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(PositionOf(folder, registers.BravoSent[0] + "/in"), problem.GetProperty("position").GetInt64());
        Assert.Equal(registers.BravoSent[0], problem.GetProperty("telegramId").GetString());
    }

    [Theory]
    [InlineData("status=1", "its status sent is not what the register recorded")]
    [InlineData("status=3", "its status failed is not what the register recorded")]
    [InlineData("receipt=NULL", "its receipt differs from the one recorded")]
    [InlineData("receipt=CAST('{}' AS BLOB)", "its receipt differs from the one recorded")]
    [InlineData("peer_registry_number=peer_registry_number+1", "its recipient's registry number differs from the one recorded")]
    [InlineData("peer_registry_number=NULL", "its recipient's registry number differs from the one recorded")]
    [InlineData("delivered_at=delivered_at+60000", "its delivery time differs from the one recorded")]
    [InlineData("failure_reason='never arrived'", "its failure reason differs from the one recorded")]
    public async Task One_delivery_field_changed_in_a_delivered_telegrams_row_is_found_and_named(string change, string reported)
    {
        string folder = registers.CopyOf(registers.Alpha);
        string id = registers.AlphaSent[0];
        Sql(folder, $"UPDATE telegrams SET {change} WHERE id=$i AND direction=0", ("$i", id));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(reported, problem.GetProperty("detail").GetString());
        Assert.Equal(id, problem.GetProperty("telegramId").GetString());
        Assert.Equal(PositionOf(folder, id + "/out"), problem.GetProperty("position").GetInt64());
    }

    [Theory]
    [InlineData("read_at=read_at+60000", "its read time differs from the one recorded")]
    [InlineData("read_at=NULL", "its read time differs from the one recorded")]
    [InlineData("receipt=CAST('{}' AS BLOB)", "its receipt differs from the one recorded as issued")]
    [InlineData("receipt=NULL", "its receipt differs from the one recorded as issued")]
    public async Task One_field_changed_in_a_read_inbound_telegrams_row_is_found_and_named(string change, string reported)
    {
        // Alpha's first received telegram: opened by its officer, its receipt issued, both recorded in the chain.
        string folder = registers.CopyOf(registers.Alpha);
        string id = registers.BravoSent[0];
        Sql(folder, $"UPDATE telegrams SET {change} WHERE id=$i AND direction=1", ("$i", id));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Equal(reported, problem.GetProperty("detail").GetString());
        Assert.Equal(id, problem.GetProperty("telegramId").GetString());
        Assert.Equal(PositionOf(folder, id + "/in"), problem.GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task A_rewritten_chain_is_caught_by_the_signed_checkpoint()
    {
        // Someone who knows the rules changes a body and recomputes the whole chain after it: only the checkpoint,
        // signed with the agency's key before the change, still shows it.
        string folder = registers.CopyOf(registers.Alpha);
        string id = registers.BravoSent[1];
        Sql(folder, "UPDATE telegrams SET body='Rewritten.' WHERE id=$i AND direction=1", ("$i", id));
        await using (var store = new Telex.Storage.Sqlite.SqliteStore(Path.Combine(folder, "telex.db")))
        {
            var snapshot = await store.Register.ReadRegisterAsync();
            var telegram = snapshot.Telegrams.Single(t => t.Id == Guid.Parse(id) && t.Direction == Direction.Inbound);
            RegisterEntry? previous = null;
            foreach (var e in snapshot.Entries)
            {
                byte[] content = e.Reference == id + "/in" && e.Kind == RegisterKinds.TelegramIn ? RegisterChain.TelegramContent(telegram) : e.Content ?? [];
                var rewritten = e.Reference == id + "/in" && e.Kind == RegisterKinds.TelegramIn
                    ? RegisterChain.Next(previous, e.Kind, e.Reference, e.Time, content, keepContent: false)
                    : e with { PrevHash = previous?.Hash ?? RegisterChain.Genesis, Hash = RegisterChain.HashOf(e.Position, e.Kind, e.Reference, e.Time, e.ContentHash, previous?.Hash ?? RegisterChain.Genesis) };
                Sql(folder, "UPDATE register_log SET content_hash=$ch, prev_hash=$p, hash=$h WHERE position=$pos",
                    ("$ch", rewritten.ContentHash), ("$p", rewritten.PrevHash), ("$h", rewritten.Hash), ("$pos", e.Position));
                previous = rewritten;
            }
        }

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("changed", problem.GetProperty("problem").GetString());
        Assert.Contains("checkpoint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("rewritten", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forged_checkpoint_head_is_found()
    {
        string folder = registers.CopyOf(registers.Alpha);
        Sql(folder, "UPDATE checkpoints SET head=$h WHERE agency_did=$a", ("$h", new string('a', 64)), ("$a", registers.AlphaDid));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("checkpoint", problem.GetProperty("problem").GetString());
        Assert.Contains("differ from what was signed", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_signed_by_another_key_is_found()
    {
        // Alpha's own checkpoint replaced by a statement Bravo signed: the signature is not Alpha's.
        string folder = registers.CopyOf(registers.Alpha);
        Sql(folder, "UPDATE checkpoints SET signed=(SELECT signed FROM checkpoints WHERE agency_did=$b) WHERE agency_did=$a",
            ("$a", registers.AlphaDid), ("$b", registers.BravoDid));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("checkpoint", problem.GetProperty("problem").GetString());
        Assert.Contains("signature does not verify", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_counterparts_checkpoint_with_a_broken_signature_is_found()
    {
        string folder = registers.CopyOf(registers.Alpha);
        byte[] signed = Scalar<byte[]>(folder, "SELECT signed FROM checkpoints WHERE agency_did=$b", ("$b", registers.BravoDid));
        string text = System.Text.Encoding.UTF8.GetString(signed);
        int at = text.IndexOf("\"signature\":\"", StringComparison.Ordinal) + "\"signature\":\"".Length;
        char flipped = text[at + 5] == 'A' ? 'B' : 'A';
        byte[] forged = System.Text.Encoding.UTF8.GetBytes(text[..(at + 5)] + flipped + text[(at + 6)..]);
        Sql(folder, "UPDATE checkpoints SET signed=$s WHERE agency_did=$b", ("$s", forged), ("$b", registers.BravoDid));

        var problem = await FirstProblemAsync(folder);
        Assert.Equal("checkpoint", problem.GetProperty("problem").GetString());
    }
}
