using System.Globalization;
using System.Text;
using System.Text.Json;

using Npgsql;

using Telex.Core.Model;
using Telex.Core.Register;
using Telex.Core.Storage;

namespace Telex.Storage.Postgres.Tests;

/// <summary>
/// A database written by a build before PostgreSQL's own types (ids as text, times as Unix milliseconds, JSON as text),
/// migrated: every value reads back through the store as it was written, and the register's chain still verifies.
/// </summary>
public sealed class NativeTypesMigrationTests : IAsyncLifetime
{
    private const string Alpha = "did:example:alpha";
    private const string Bravo = "did:example:bravo";

    // Milliseconds that are not round, a time before 1970 and the last millisecond .NET can hold: each must survive to the millisecond.
    private static readonly DateTimeOffset T = new(2031, 5, 18, 17, 18, 0, 123, TimeSpan.Zero);
    private static readonly DateTimeOffset BeforeEpoch = DateTimeOffset.FromUnixTimeMilliseconds(-999);
    private static readonly DateTimeOffset LastMillisecond = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.MaxValue.ToUnixTimeMilliseconds());

    private TestDatabase? _database;
    private readonly List<RegisterEntry> _entries = [];

    private TestDatabase Database => _database!;

    /// <summary>The schema version before the migration to PostgreSQL's own types.</summary>
    private static int VersionBefore =>
        Array.FindIndex(Schema.Migrations, m => m.Contains("PostgreSQL's own types", StringComparison.Ordinal)) is var i and >= 0
            ? i
            : throw new InvalidOperationException("no migration to PostgreSQL's own types");

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_database_written_before_native_types_reads_back_the_same_after_the_migration()
    {
        await using var store = await OpenBeforeNativeTypesAsync();
        Assert.Equal(VersionBefore, await store.SchemaVersionAsync());
        Assert.Equal("text", await ColumnTypeAsync("telegrams", "id"));
        var data = await WriteAsTheEarlierBuildDidAsync();

        await store.MigrateAsync();

        Assert.Equal(PostgresStore.LatestSchemaVersion, await store.SchemaVersionAsync());
        AssertSame(data.Alpha, await store.Ties.GetTieAsync(Alpha));
        AssertSame(data.Bravo, await store.Ties.GetTieAsync(Bravo));
        AssertSame(data.Delivered, await store.Telegrams.GetTelegramAsync(data.Delivered.Id, Direction.Outbound));
        AssertSame(data.Queued, await store.Telegrams.GetTelegramAsync(data.Queued.Id, Direction.Outbound));
        AssertSame(data.Inbound, await store.Telegrams.GetTelegramAsync(data.Inbound.Id, Direction.Inbound));
        AssertSame(new[] { data.Outbox }, await store.Outbox.ClaimDueAsync(T.AddHours(1), 10, TimeSpan.FromMinutes(1), "node-1"));
        AssertSame(data.Officer, await store.Officers.FindOfficerAsync(data.Officer.Name));
        AssertSame(data.Token, await store.Sessions.FindTokenAsync(data.Token.TokenHash, T.AddDays(3650)));
        AssertSame(data.Invitation, await store.Ties.ConsumeInvitationAsync(data.Invitation.Id, data.Invitation.SecretHash, T));
        AssertSame(data.Issue, await store.Issues.GetIssueAsync(data.Issue.Id));
        AssertSame(new[] { data.Event }, await store.Issues.ListIssueEventsAsync(data.Issue.Id));
        AssertSame(data.Draft, await store.Clearance.GetDraftAsync(data.Draft.Id));
        AssertSame(new[] { data.Step }, await store.Clearance.ListClearanceLogAsync(data.Draft.Id));
        AssertSame(data.Coordination, await store.Clearance.GetCoordinationRequestAsync(data.Coordination.Id));
        AssertSame(data.Entry, await store.Directory.GetDirectoryEntryAsync(data.Entry.Id));
        AssertSame(data.Bureau, await store.Bureaus.GetBureauAsync(data.Bureau.Id));
        AssertSame(data.Epoch, await store.Bureaus.GetBureauEpochAsync(data.Bureau.Id, 1));
        AssertSame(data.Outcomes, await store.Bureaus.GetBureauOutcomesAsync(data.Bureau.Id));
        AssertSame(new[] { data.Relay }, await store.Relays.ClaimDueRelaysAsync(T.AddHours(1), 10, TimeSpan.FromMinutes(1), "node-1"));
        AssertSame(data.Release, await store.Idempotency.FindIdempotentReleaseAsync(data.Release.Officer, data.Release.Key, T));
        AssertSame(data.Cable, await store.Register.GetImportedCableAsync(data.Cable.Id));
        AssertSame(new[] { data.Checkpoint }, await store.Register.ListCheckpointsAsync());
        AssertSame(new[] { data.Rotation }, await store.Keys.ListKeyRotationsAsync());

        // The chain as written, verified against the rows it records; then appended to by the store on the new types.
        var register = await store.Register.ReadRegisterAsync();
        AssertSame(_entries, register.Entries);
        AssertVerifies(register, data.Checkpoint);
        Assert.True(await store.Telegrams.MarkDeliveredAsync(data.Queued.Id, [5, 5], 78, T.AddMinutes(30)));
        Assert.False(await store.Telegrams.MarkReadAsync(data.Inbound.Id, T.AddMinutes(31))); // read before the migration, and recorded once
        var laterId = Guid.NewGuid();
        var later = await store.Telegrams.RegisterInboundAsync(laterId, (n, at) =>
            data.Inbound with { Id = laterId, Serial = 2, RegistryNumber = n, RegisteredAt = at, Receipt = null, ReadAt = null });
        Assert.True(later.IsNew);
        Assert.Equal(2, later.Record.RegistryNumber);
        var grown = await store.Register.ReadRegisterAsync();
        Assert.Equal(_entries.Count + 2, grown.Entries.Count);
        Assert.Equal(T.AddMinutes(30), (await store.Telegrams.GetTelegramAsync(data.Queued.Id, Direction.Outbound))!.DeliveredAt);
        AssertVerifies(grown, data.Checkpoint);

        // Attendees are searched in the JSON's text, which jsonb gives unescaped.
        Assert.Equal([data.Delivered.Id], (await store.Register.QueryAsync(new RegisterQuery { Text = "Zoë" })).Select(t => t.Id));
    }

    [Fact]
    public async Task The_migration_gives_ids_times_and_json_their_own_types_and_keeps_the_rest()
    {
        await using var store = await OpenBeforeNativeTypesAsync();
        await WriteAsTheEarlierBuildDidAsync();
        long foreignKeys = await Database.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.referential_constraints");

        await store.MigrateAsync();

        (string Table, string Column, string Type)[] expected =
        [
            ("telegrams", "id", "uuid"), ("telegrams", "bureau_id", "uuid"), ("telegrams", "created_at", "timestamp with time zone"),
            ("telegrams", "delivered_at", "timestamp with time zone"), ("telegrams", "attachments", "jsonb"), ("telegrams", "relay_path", "jsonb"),
            ("telegrams", "plaintext", "bytea"), ("outbox", "id", "uuid"), ("outbox", "telegram_id", "uuid"),
            ("outbox", "due_at", "timestamp with time zone"), ("outbox", "payload", "bytea"), ("register_log", "time", "timestamp with time zone"),
            ("register_log", "content", "bytea"), ("ties", "terms", "jsonb"), ("ties", "established_at", "timestamp with time zone"),
            ("drafts", "draft", "jsonb"), ("clearance_log", "draft_id", "uuid"), ("directory", "known_ties", "jsonb"),
            ("dossier_notes", "entry_id", "uuid"), ("bureau_epochs", "members", "jsonb"), ("bureau_outcomes", "terms", "jsonb"),
            ("bureau_prospects", "entry_id", "uuid"), ("idempotency_keys", "telegrams", "jsonb"), ("relay_queue", "envelope", "bytea"),
            ("tokens", "expires_at", "timestamp with time zone"), ("checkpoints", "time", "timestamp with time zone"),

            // What is not a GUID, a time or JSON keeps its type: DIDs, names, hashes, ids a peer or an officer chooses, numbers.
            ("ties", "peer_did", "text"), ("telegrams", "counterpart", "text"), ("telegrams", "content_hash", "text"), ("telegrams", "issue_id", "text"),
            ("issues", "id", "text"), ("invitations", "id", "text"), ("register_log", "reference", "text"), ("telegrams", "serial", "bigint"),
        ];
        foreach (var (table, column, type) in expected)
        {
            Assert.Equal((table, column, type), (table, column, await ColumnTypeAsync(table, column)));
        }

        Assert.Equal(foreignKeys, await Database.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.referential_constraints"));
        Assert.Equal(0L, await Database.ScalarAsync<long>("""
            SELECT COUNT(*) FROM information_schema.columns WHERE table_schema='public' AND data_type='bigint'
                AND (column_name LIKE '%\_at' OR column_name IN ('time', 'at', 'claimed_until', 'locked_until'))
            """));
    }

    /// <summary>A store on the test's database, migrated up to the version before PostgreSQL's own types.</summary>
    private async Task<PostgresStore> OpenBeforeNativeTypesAsync()
    {
        var store = new PostgresStore(Database.ConnectionString, new FixedClock(T.AddHours(1)));
        await store.MigrateAsync(VersionBefore, CancellationToken.None);
        return store;
    }

    private Task<string> ColumnTypeAsync(string table, string column) =>
        Database.ScalarAsync<string>($"SELECT data_type FROM information_schema.columns WHERE table_name='{table}' AND column_name='{column}'");

    private static void AssertSame<T>(T expected, T? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    /// <summary>The chain verifies against the rows, and the counterpart's checkpoint against what it signed (its statement, as the test wrote it).</summary>
    private static void AssertVerifies(RegisterSnapshot register, Checkpoint checkpoint)
    {
        var report = RegisterVerifier.Verify(register, "did:example:self", signed => signed.AsSpan().SequenceEqual(checkpoint.SignedMessage)
            ? new CheckpointStatement(checkpoint.AgencyDid, checkpoint.Count, checkpoint.Head, checkpoint.Time)
            : null);
        Assert.True(report.Ok, string.Join("\n", report.Problems));
    }

    private sealed record Written(
        Tie Alpha, Tie Bravo, TelegramRecord Delivered, TelegramRecord Queued, TelegramRecord Inbound, OutboxItem Outbox, Officer Officer,
        ApiToken Token, Invitation Invitation, Issue Issue, IssueEvent Event, DraftRecord Draft, ClearanceLogEntry Step,
        CoordinationRequest Coordination, DirectoryEntry Entry, Bureau Bureau, BureauEpoch Epoch, BureauOutcomes Outcomes, RelayItem Relay,
        IdempotentRelease Release, ImportedCable Cable, Checkpoint Checkpoint, KeyRotation Rotation);

    /// <summary>Rows as the store wrote them before PostgreSQL's own types, with the register's entries for them.</summary>
    private async Task<Written> WriteAsTheEarlierBuildDidAsync()
    {
        await using var c = new NpgsqlConnection(Database.ConnectionString);
        await c.OpenAsync();

        var alpha = new Tie
        {
            PeerDid = Alpha,
            PeerName = "Ministère des Affaires",
            PeerEndpoint = "https://alpha.example/didcomm",
            Verified = true,
            Terms = TieTerms.Default with { ReadReceipts = true, Expiry = TimeSpan.FromDays(5) },
            EstablishedAt = BeforeEpoch,
            LastSentSerial = 2,
        };
        var bravo = new Tie
        {
            PeerDid = Bravo,
            PeerName = "Bravo",
            PeerEndpoint = "https://bravo.example/didcomm",
            Status = TieStatus.Suspended,
            ProposedTerms = TieTerms.Default with { Relays = true },
            ProposedByUs = true,
            EstablishedAt = T,
            SuspendedBy = TieSide.Counterpart,
        };
        foreach (var tie in new[] { alpha, bravo })
        {
            await InsertAsync(c, "ties", ("peer_did", tie.PeerDid), ("peer_name", tie.PeerName), ("endpoint", tie.PeerEndpoint), ("status", (int)tie.Status),
                ("verified", tie.Verified), ("terms", JsonSerializer.Serialize(tie.Terms)),
                ("proposed_terms", tie.ProposedTerms is null ? null : JsonSerializer.Serialize(tie.ProposedTerms)), ("proposed_by_us", tie.ProposedByUs),
                ("established_at", Ms(tie.EstablishedAt)), ("last_sent_serial", tie.LastSentSerial), ("suspended_by", (int?)tie.SuspendedBy));
        }

        var bureauId = Guid.NewGuid();
        var delivered = Telegram(Direction.Outbound, Alpha, 1, 0, T) with
        {
            Status = TelegramStatus.Delivered,
            Attendees = ["Zoë Ångström", "Desk \"B\""],
            References = [Guid.NewGuid(), Guid.NewGuid()],
            Attachments =
            [
                new AttachmentInfo("plan.pdf", "application/pdf", 1234, new string('a', 64)),
                new AttachmentInfo("ñ.txt", "text/plain", 1, new string('b', 64)),
            ],
            RelayPath = ["did:example:relay"],
            BureauId = bureauId,
            BureauEpoch = 1,
            Receipt = [1, 2, 3, 0, 255],
            DeliveredAt = T.AddMilliseconds(5_001),
            PeerRegistryNumber = 77,
            IssueId = "issue-1",
        };
        var queued = Telegram(Direction.Outbound, Alpha, 2, 0, T.AddSeconds(9)) with { Attendees = ["Ångström"] };
        var inbound = Telegram(Direction.Inbound, Bravo, 1, 1, T.AddMilliseconds(2_345)) with
        {
            Status = TelegramStatus.Registered,
            Receipt = [9, 8, 7],
            ReadAt = T.AddMilliseconds(60_999),
            SenderName = "Bravo's desk",
        };
        foreach (var (t, number) in new[] { (delivered, (long?)null), (queued, null), (inbound, 1L) })
        {
            await InsertAsync(c, "telegrams", ("id", t.Id.ToString()), ("direction", (int)t.Direction), ("counterpart", t.Counterpart), ("serial", t.Serial),
                ("registry_number", number), ("status", (int)t.Status), ("created_at", Ms(t.CreatedAt)), ("released_at", Ms(t.ReleasedAt)),
                ("registered_at", Ms(t.RegisteredAt)), ("subject", t.Subject), ("body", t.Body), ("precedence", (int)t.Precedence), ("issue_id", t.IssueId),
                ("on_behalf_of", t.OnBehalfOf), ("drafter", t.Drafter), ("releasing_officer", t.ReleasingOfficer), ("sender_name", t.SenderName),
                ("attendees", JsonSerializer.Serialize(t.Attendees)), ("refs", JsonSerializer.Serialize(t.References)),
                ("attachments", JsonSerializer.Serialize(t.Attachments)), ("content_hash", t.ContentHash), ("plaintext", t.Plaintext),
                ("signed_original", t.SignedOriginal), ("receipt", t.Receipt), ("delivered_at", Ms(t.DeliveredAt)),
                ("peer_registry_number", t.PeerRegistryNumber), ("failure_reason", t.FailureReason), ("read_at", Ms(t.ReadAt)),
                ("relay_path", t.RelayPath.Count == 0 ? null : JsonSerializer.Serialize(t.RelayPath)), ("bureau_id", t.BureauId?.ToString()),
                ("bureau_epoch", t.BureauEpoch));
        }

        await ExecuteAsync(c, "UPDATE counters SET value=1 WHERE name='registry'");
        string deliveredRef = RegisterChain.TelegramReference(delivered.Id, Direction.Outbound);
        string inboundRef = RegisterChain.TelegramReference(inbound.Id, Direction.Inbound);
        await AppendAsync(c, RegisterKinds.TelegramOut, deliveredRef, RegisterChain.TelegramContent(delivered), false, T);
        await AppendAsync(c, RegisterKinds.TelegramIn, inboundRef, RegisterChain.TelegramContent(inbound), false, inbound.RegisteredAt);
        await AppendAsync(c, RegisterKinds.Receipt, inboundRef, RegisterChain.ReceiptContent(inbound.Id, inbound.Receipt!), true, inbound.RegisteredAt);
        await AppendAsync(c, RegisterKinds.Delivery, deliveredRef,
            RegisterChain.DeliveryContent(delivered.Id, delivered.Receipt!, 77, delivered.DeliveredAt!.Value), true, delivered.DeliveredAt.Value);
        await AppendAsync(c, RegisterKinds.TelegramOut, RegisterChain.TelegramReference(queued.Id, Direction.Outbound), RegisterChain.TelegramContent(queued),
            false, queued.RegisteredAt);
        await AppendAsync(c, RegisterKinds.Read, inboundRef, RegisterChain.ReadContent(inbound.Id, inbound.ReadAt!.Value), true, inbound.ReadAt.Value);

        var outbox = new OutboxItem(Id: Guid.NewGuid(), Kind: OutboxKind.Telegram, PeerDid: Alpha, Endpoint: alpha.PeerEndpoint,
            Payload: queued.SignedOriginal, DueAt: T.AddMilliseconds(999), ExpiresAt: LastMillisecond, TelegramId: queued.Id, Attempts: 3,
            Precedence: Precedence.Priority);
        await InsertAsync(c, "outbox", ("id", outbox.Id.ToString()), ("kind", (int)outbox.Kind), ("telegram_id", outbox.TelegramId.ToString()), ("peer_did", outbox.PeerDid),
            ("endpoint", outbox.Endpoint), ("payload", outbox.Payload), ("attempts", outbox.Attempts), ("due_at", Ms(outbox.DueAt)), ("expires_at", Ms(outbox.ExpiresAt)),
            ("precedence", (int)outbox.Precedence), ("claimed_by", "node-0"), ("claimed_until", Ms(T.AddMilliseconds(1_001))));

        var officer = new Officer(Name: "olga", Role: Role.Admin, PasswordHash: "hash", CreatedAt: BeforeEpoch, FailedSignIns: 2,
            LockedUntil: T.AddMilliseconds(7));
        await InsertAsync(c, "officers", ("name", officer.Name), ("role", (int)officer.Role), ("password_hash", officer.PasswordHash),
            ("created_at", Ms(officer.CreatedAt)), ("must_change", false), ("failed", officer.FailedSignIns), ("locked_until", Ms(officer.LockedUntil)));
        var token = new ApiToken("token-hash", officer.Name, T.AddMilliseconds(1), LastMillisecond);
        await InsertAsync(c, "tokens", ("hash", token.TokenHash), ("officer", token.OfficerName), ("created_at", Ms(token.CreatedAt)), ("expires_at", Ms(token.ExpiresAt)));
        var invitation = new Invitation("inv-1", "secret-hash", T.AddMilliseconds(-1), T.AddDays(1), "for Bravo");
        await InsertAsync(c, "invitations", ("id", invitation.Id), ("secret_hash", invitation.SecretHash), ("created_at", Ms(invitation.CreatedAt)),
            ("expires_at", Ms(invitation.ExpiresAt)), ("note", invitation.Note));

        var issueEvent = new IssueEvent
        {
            Id = Guid.NewGuid(),
            IssueId = "issue-1",
            Clock = 1,
            Agency = "did:example:self",
            Officer = officer.Name,
            At = T.AddMilliseconds(3_003),
            Status = IssueStatus.Open,
            Title = "Fishing quotas",
        };
        var issue = new Issue
        {
            Id = "issue-1",
            Number = 1,
            Counterpart = Alpha,
            Title = "Fishing quotas",
            OpenedBy = "did:example:self",
            OpenedAt = issueEvent.At,
            Status = IssueStatus.Open,
            Clock = 1,
            ChangedAt = issueEvent.At,
        };
        await InsertAsync(c, "issues", ("id", issue.Id), ("counterpart", issue.Counterpart), ("title", issue.Title), ("opened_by", issue.OpenedBy),
            ("opened_at", Ms(issue.OpenedAt)), ("status", (int)issue.Status), ("clock", issue.Clock), ("changed_at", Ms(issue.ChangedAt)), ("number", issue.Number));
        await InsertAsync(c, "issue_events", ("id", issueEvent.Id.ToString()), ("issue_id", issueEvent.IssueId), ("clock", issueEvent.Clock),
            ("agency", issueEvent.Agency), ("officer", issueEvent.Officer), ("at", Ms(issueEvent.At)), ("status", (int)issueEvent.Status), ("title", issueEvent.Title));
        await ExecuteAsync(c, "UPDATE counters SET value=1 WHERE name='issue'");
        await AppendAsync(c, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(issueEvent), RegisterChain.IssueEventContent(issueEvent, Alpha), false, issueEvent.At);

        var draft = new DraftRecord
        {
            Id = Guid.NewGuid(),
            Number = 1,
            Drafter = officer.Name,
            Status = DraftStatus.AwaitingClearance,
            CreatedAt = T.AddMilliseconds(11),
            UpdatedAt = T.AddMilliseconds(12),
            Draft = new TelegramDraft { To = Alpha, Subject = "Quotas — draft", Body = "Text with \"quotes\" and ünïcode", Precedence = Precedence.Flash },
            Steps = [new ClearanceStep { Kind = ClearerKind.Officer, Party = "ivan", State = ClearanceState.Given, By = "ivan", At = T.AddMilliseconds(13), RequestId = Guid.NewGuid() }],
        };
        await InsertAsync(c, "drafts", ("id", draft.Id.ToString()), ("status", (int)draft.Status), ("drafter", draft.Drafter), ("recipient", draft.Draft.To),
            ("draft", JsonSerializer.Serialize(draft.Draft)), ("steps", JsonSerializer.Serialize(draft.Steps)), ("created_at", Ms(draft.CreatedAt)),
            ("updated_at", Ms(draft.UpdatedAt)), ("number", draft.Number));
        var step = new ClearanceLogEntry(draft.Id, T.AddMilliseconds(14), officer.Name, "submitted", "for clearance");
        await InsertAsync(c, "clearance_log", ("seq", 1L), ("draft_id", step.DraftId.ToString()), ("at", Ms(step.At)), ("actor", step.Actor), ("action", step.Action),
            ("detail", step.Detail));
        await AppendAsync(c, RegisterKinds.Clearance, RegisterChain.ClearanceReference(new ClearanceLogRow(1, step)),
            RegisterChain.ClearanceContent(new ClearanceLogRow(1, step)), false, step.At);
        var coordination = new CoordinationRequest(Id: Guid.NewGuid(), From: Bravo, DraftId: Guid.NewGuid(), Recipient: Alpha,
            Subject: "Joint note", Body: "Please clear", Precedence: Precedence.Routine, ReceivedAt: T.AddMilliseconds(15),
            State: ClearanceState.Given, AnsweredBy: "ivan", AnsweredAt: T.AddMilliseconds(16), Reason: "not yet");
        await InsertAsync(c, "coordination_requests", ("id", coordination.Id.ToString()), ("from_did", coordination.From), ("draft_id", coordination.DraftId.ToString()),
            ("recipient", coordination.Recipient), ("subject", coordination.Subject), ("body", coordination.Body), ("precedence", (int)coordination.Precedence),
            ("received_at", Ms(coordination.ReceivedAt)), ("state", (int)coordination.State), ("answered_by", coordination.AnsweredBy),
            ("answered_at", Ms(coordination.AnsweredAt)), ("reason", coordination.Reason));

        var entry = new DirectoryEntry
        {
            Id = Guid.NewGuid(),
            Name = "Charlie Office",
            KnownTies = [Alpha, Bravo],
            AddedAt = T.AddMilliseconds(17),
            ReviewedAt = T.AddMilliseconds(18),
            Notes = [new DossierNote(T.AddMilliseconds(19), officer.Name, "met in Geneva")],
        };
        await InsertAsync(c, "directory", ("id", entry.Id.ToString()), ("name", entry.Name), ("known_ties", JsonSerializer.Serialize(entry.KnownTies)),
            ("added_at", Ms(entry.AddedAt)), ("reviewed_at", Ms(entry.ReviewedAt)));
        await InsertAsync(c, "dossier_notes", ("entry_id", entry.Id.ToString()), ("at", Ms(entry.Notes[0].At)), ("officer", entry.Notes[0].Officer),
            ("text", entry.Notes[0].Text));

        var member = new BureauMember { Did = Alpha, Name = "Alpha", Endpoint = alpha.PeerEndpoint, State = MemberState.Joined };
        var bureau = new Bureau
        {
            Id = bureauId,
            Name = "Fisheries",
            Purpose = "Quotas",
            Founder = "did:example:self",
            Secretariat = "did:example:self",
            Status = BureauStatus.Chartered,
            Epoch = 1,
            CreatedAt = T.AddMilliseconds(21),
            ChangedAt = T.AddMilliseconds(22),
            Members = [member],
            Prospects = [new BureauProspect { EntryId = entry.Id, Name = entry.Name, AddedAt = T.AddMilliseconds(23) }],
        };
        await InsertAsync(c, "bureaus", ("id", bureau.Id.ToString()), ("name", bureau.Name), ("purpose", bureau.Purpose), ("founder", bureau.Founder),
            ("secretariat", bureau.Secretariat), ("rule", bureau.Rule.ToString()), ("status", (int)bureau.Status), ("epoch", bureau.Epoch),
            ("created_at", Ms(bureau.CreatedAt)), ("changed_at", Ms(bureau.ChangedAt)));
        await InsertAsync(c, "bureau_members", ("bureau_id", bureau.Id.ToString()), ("position", 0), ("did", member.Did), ("name", member.Name),
            ("endpoint", member.Endpoint), ("state", (int)member.State));
        await InsertAsync(c, "bureau_prospects", ("bureau_id", bureau.Id.ToString()), ("position", 0), ("entry_id", entry.Id.ToString()), ("name", entry.Name),
            ("added_at", Ms(bureau.Prospects[0].AddedAt)));
        var epoch = new BureauEpoch { BureauId = bureau.Id, Number = 1, Members = [member], OpenedAt = T.AddMilliseconds(24) };
        await InsertAsync(c, "bureau_epochs", ("bureau_id", bureau.Id.ToString()), ("number", 1L),
            ("members", JsonSerializer.Serialize(new[] { new { member.Did, member.Name, member.Endpoint } })), ("opened_at", Ms(epoch.OpenedAt)));
        var outcomes = new BureauOutcomes(bureau.Id, 3, [.. OutcomeVocabulary.Default, new OutcomeTerm("tabled", IssueStatus.Deferred)]);
        await InsertAsync(c, "bureau_outcomes", ("bureau_id", bureau.Id.ToString()), ("version", outcomes.Version), ("terms", OutcomeVocabulary.Write(outcomes.Terms)));

        var relay = new RelayItem(Id: Guid.NewGuid(), FromDid: Alpha, NextDid: Bravo, Endpoint: bravo.PeerEndpoint,
            Envelope: [0, 1, 2, 254], ReceivedAt: T.AddMilliseconds(25), DueAt: T.AddMilliseconds(26), ExpiresAt: T.AddDays(2), Attempts: 1);
        await InsertAsync(c, "relay_queue", ("id", relay.Id.ToString()), ("from_did", relay.FromDid), ("next_did", relay.NextDid), ("endpoint", relay.Endpoint),
            ("envelope", relay.Envelope), ("received_at", Ms(relay.ReceivedAt)), ("due_at", Ms(relay.DueAt)), ("expires_at", Ms(relay.ExpiresAt)),
            ("attempts", relay.Attempts));

        var release = new IdempotentRelease(officer.Name, "key-1", "request-hash", T.AddMilliseconds(27), T.AddDays(1), [delivered.Id, queued.Id], [7, 7, 7]);
        await InsertAsync(c, "idempotency_keys", ("officer", release.Officer), ("key", release.Key), ("request_hash", release.RequestHash),
            ("created_at", Ms(release.CreatedAt)), ("expires_at", Ms(release.ExpiresAt)), ("telegrams", JsonSerializer.Serialize(release.Telegrams)),
            ("answer", release.Answer));

        var cable = new ImportedCable(Id: Guid.NewGuid(), RegistryNumber: 40, ReceivedAt: T.AddDays(-400).AddMilliseconds(28),
            SenderSerial: 3, Signer: "MORROW", SignedOn: "12 MAR 1998", Text: "QUOTAS AGREED STOP", ImportedAt: T.AddMilliseconds(29),
            Trailer: "END", Source: "box 4");
        await InsertAsync(c, "imported_cables", ("id", cable.Id.ToString()), ("registry_number", cable.RegistryNumber), ("received_at", Ms(cable.ReceivedAt)),
            ("sender_serial", cable.SenderSerial), ("signer", cable.Signer), ("signed_on", cable.SignedOn), ("text", cable.Text), ("trailer", cable.Trailer),
            ("imported_at", Ms(cable.ImportedAt)), ("source", cable.Source));
        await AppendAsync(c, RegisterKinds.CableImported, RegisterChain.CableReference(cable.Id), RegisterChain.CableContent(cable), false, cable.ImportedAt);

        var checkpoint = new Checkpoint(AgencyDid: Alpha, Count: 12, Head: new string('c', 64), Time: T.AddMilliseconds(31),
            SignedMessage: [4, 4, 4], StoredAt: T.AddMilliseconds(32));
        await InsertAsync(c, "checkpoints", ("agency_did", checkpoint.AgencyDid), ("count", checkpoint.Count), ("head", checkpoint.Head),
            ("time", Ms(checkpoint.Time)), ("signed", checkpoint.SignedMessage), ("stored_at", Ms(checkpoint.StoredAt)));

        var rotation = new KeyRotation(OldDid: "did:example:old", NewDid: Bravo, FromPrior: "jwt", At: T.AddMilliseconds(33), Own: false);
        await InsertAsync(c, "key_rotations", ("old_did", rotation.OldDid), ("new_did", rotation.NewDid), ("own", rotation.Own), ("from_prior", rotation.FromPrior),
            ("at", Ms(rotation.At)), ("tie_did", Bravo));

        return new Written(alpha, bravo, delivered, queued, inbound, outbox, officer, token, invitation, issue, issueEvent, draft, step, coordination, entry,
            bureau, epoch, outcomes, relay, release, cable, checkpoint, rotation);
    }

    private static TelegramRecord Telegram(Direction direction, string counterpart, long serial, long registryNumber, DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        byte[] signed = Encoding.UTF8.GetBytes($"signed {id}");
        return new TelegramRecord
        {
            Id = id,
            Direction = direction,
            Counterpart = counterpart,
            Serial = serial,
            RegistryNumber = registryNumber,
            Status = TelegramStatus.Queued,
            CreatedAt = at.AddMilliseconds(-1_111),
            ReleasedAt = at.AddMilliseconds(-1),
            RegisteredAt = at,
            Subject = $"Quotas {serial} — Ångström",
            Body = "Routine traffic",
            Precedence = Precedence.Routine,
            ContentHash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signed)),
            Plaintext = [0, 10, 13, 255, .. Encoding.UTF8.GetBytes($"plaintext {id}")],
            SignedOriginal = signed,
        };
    }

    /// <summary>A time as the earlier build stored it: Unix milliseconds.</summary>
    private static long? Ms(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();

    private async Task AppendAsync(NpgsqlConnection c, string kind, string reference, byte[] content, bool keepContent, DateTimeOffset at)
    {
        var e = RegisterChain.Next(_entries.Count == 0 ? null : _entries[^1], kind, reference, at, content, keepContent);
        await InsertAsync(c, "register_log", ("position", e.Position), ("kind", e.Kind), ("reference", e.Reference), ("time", Ms(e.Time)),
            ("content_hash", e.ContentHash), ("content", e.Content), ("prev_hash", e.PrevHash), ("hash", e.Hash));
        _entries.Add(e);
    }

    private static async Task InsertAsync(NpgsqlConnection c, string table, params (string Column, object? Value)[] values)
    {
        string columns = string.Join(", ", values.Select(v => v.Column));
        string parameters = string.Join(", ", values.Select((_, i) => "@p" + i.ToString(CultureInfo.InvariantCulture)));
        await using var cmd = new NpgsqlCommand($"INSERT INTO {table}({columns}) VALUES({parameters})", c);
        for (int i = 0; i < values.Length; i++)
        {
            cmd.Parameters.Add(new NpgsqlParameter("@p" + i.ToString(CultureInfo.InvariantCulture), values[i].Value ?? DBNull.Value));
        }

        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(NpgsqlConnection c, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
