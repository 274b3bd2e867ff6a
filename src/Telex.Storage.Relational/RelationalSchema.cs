namespace Telex.Storage.Relational;

/// <summary>How an engine names the column types of the tables both engines create alike (<see cref="RelationalSchema"/>).</summary>
/// <param name="Number">A whole number that may pass 2^31: times (Unix milliseconds), serials, registry numbers.</param>
/// <param name="Flag">A yes or no.</param>
/// <param name="Binary">Bytes.</param>
public sealed record ColumnTypes(string Number, string Flag, string Binary);

/// <summary>
/// The tables that SQLite's and PostgreSQL's first migrations create alike but for the names of their column types,
/// written once. Each engine's <c>Schema</c> places them in its migrations, which must not change once shipped: what
/// these return for an engine's types is exactly the text its migrations have always held.
/// </summary>
public static class RelationalSchema
{
    /// <summary>Settings, officers, their tokens, invitations and ties.</summary>
    public static string AgencyTables(ColumnTypes t) => $$"""
        CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE officers(
            name TEXT PRIMARY KEY, role INTEGER NOT NULL, password_hash TEXT NOT NULL, created_at {{t.Number}} NOT NULL,
            must_change {{t.Flag}} NOT NULL, failed INTEGER NOT NULL, locked_until {{t.Number}});
        CREATE TABLE tokens(hash TEXT PRIMARY KEY, officer TEXT NOT NULL, created_at {{t.Number}} NOT NULL, expires_at {{t.Number}} NOT NULL);
        CREATE TABLE invitations(
            id TEXT PRIMARY KEY, secret_hash TEXT NOT NULL, created_at {{t.Number}} NOT NULL, expires_at {{t.Number}} NOT NULL,
            note TEXT, used_at {{t.Number}});
        CREATE TABLE ties(
            peer_did TEXT PRIMARY KEY, peer_name TEXT NOT NULL, endpoint TEXT NOT NULL, status INTEGER NOT NULL,
            verified {{t.Flag}} NOT NULL, terms TEXT NOT NULL, proposed_terms TEXT, proposed_by_us {{t.Flag}} NOT NULL,
            established_at {{t.Number}} NOT NULL, last_sent_serial {{t.Number}} NOT NULL);
        """;

    /// <summary>The columns of <c>telegrams</c> after its key (<c>seq</c>), each line indented as in a CREATE TABLE.</summary>
    public static string TelegramColumns(ColumnTypes t) => $$"""
            id TEXT NOT NULL, direction INTEGER NOT NULL, counterpart TEXT NOT NULL, serial {{t.Number}} NOT NULL,
            registry_number {{t.Number}}, status INTEGER NOT NULL,
            created_at {{t.Number}} NOT NULL, released_at {{t.Number}} NOT NULL, registered_at {{t.Number}} NOT NULL,
            subject TEXT NOT NULL, body TEXT NOT NULL, precedence INTEGER NOT NULL, issue_id TEXT, on_behalf_of TEXT,
            drafter TEXT, releasing_officer TEXT, sender_name TEXT, attendees TEXT NOT NULL, refs TEXT NOT NULL,
            attachments TEXT NOT NULL, content_hash TEXT NOT NULL, plaintext {{t.Binary}} NOT NULL, signed_original {{t.Binary}} NOT NULL,
            receipt {{t.Binary}}, delivered_at {{t.Number}}, peer_registry_number {{t.Number}}, failure_reason TEXT, read_at {{t.Number}},
        """;

    /// <summary>The outbox and its indexes.</summary>
    public static string Outbox(ColumnTypes t) => $$"""
        CREATE TABLE outbox(
            id TEXT PRIMARY KEY, kind INTEGER NOT NULL, telegram_id TEXT, peer_did TEXT NOT NULL, endpoint TEXT NOT NULL,
            payload {{t.Binary}} NOT NULL, attempts INTEGER NOT NULL, due_at {{t.Number}} NOT NULL, expires_at {{t.Number}} NOT NULL,
            precedence INTEGER NOT NULL, claimed_by TEXT, claimed_until {{t.Number}});
        CREATE INDEX outbox_due ON outbox(due_at);
        CREATE INDEX outbox_telegram ON outbox(telegram_id);
        """;

    /// <summary>Partners' coordination requests.</summary>
    public static string CoordinationRequests(ColumnTypes t) => $$"""
        CREATE TABLE coordination_requests(
            id TEXT PRIMARY KEY, from_did TEXT NOT NULL, draft_id TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL,
            body TEXT NOT NULL, precedence INTEGER NOT NULL, issue_id TEXT, drafter TEXT, received_at {{t.Number}} NOT NULL,
            state INTEGER NOT NULL, answered_by TEXT, answered_at {{t.Number}}, reason TEXT);
        """;

    /// <summary>The register's log and the imported cables.</summary>
    public static string RegisterTables(ColumnTypes t) => $$"""
        CREATE TABLE register_log(
            position {{t.Number}} PRIMARY KEY, kind TEXT NOT NULL, reference TEXT NOT NULL, time {{t.Number}} NOT NULL,
            content_hash TEXT NOT NULL, content {{t.Binary}}, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE INDEX register_log_reference ON register_log(reference);
        CREATE TABLE imported_cables(
            id TEXT PRIMARY KEY, registry_number {{t.Number}} NOT NULL, received_at {{t.Number}} NOT NULL, sender_serial {{t.Number}} NOT NULL,
            signer TEXT NOT NULL, signed_on TEXT NOT NULL, text TEXT NOT NULL, trailer TEXT NOT NULL, imported_at {{t.Number}} NOT NULL,
            source TEXT, UNIQUE(registry_number, received_at, sender_serial));
        """;

    /// <summary>
    /// The outbox's claimed rows by when their claims lapse: the dispatcher's "when is the next item due" reads the
    /// claimed rows (those in flight, at most a batch per node) through this index instead of scanning a backlog of
    /// thousands queued for a peer that is down. A migration of its own, appended to both engines' lists.
    /// </summary>
    public const string OutboxClaimsIndex = """
        -- The outbox's claimed rows by when their claims lapse, for the next due time without scanning the backlog.
        CREATE INDEX IF NOT EXISTS outbox_claimed ON outbox(claimed_until, due_at) WHERE claimed_until IS NOT NULL;
        """;
}
