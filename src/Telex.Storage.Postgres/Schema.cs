using Telex.Storage.Relational;

namespace Telex.Storage.Postgres;

/// <summary>
/// Schema migrations, applied in order under a lock (several nodes may start at once); the table
/// <c>telex_schema</c> records how many ran. Append new migrations at the end; never change one that has shipped.
/// </summary>
internal static class Schema
{
    /// <summary>Key of the advisory lock that serializes migrations between nodes.</summary>
    public const long MigrationLock = 0x7465_6c65_7801;

    /// <summary>PostgreSQL's column types for the tables both engines create alike (declared before the migrations that use them).</summary>
    private static readonly ColumnTypes Types = new(Number: "BIGINT", Flag: "BOOLEAN", Binary: "BYTEA");

    public static readonly string[] Migrations =
    [
        // The first migration is the whole of SQLite's first four: a PostgreSQL register starts with its chain.
        $$"""
        {{RelationalSchema.AgencyTables(Types)}}
        -- 'registry' is the agency's registry counter; the row 'chain' is the lock every append to the register's chain
        -- takes, so entries are appended one at a time, in one order, whichever node writes.
        CREATE TABLE counters(name TEXT PRIMARY KEY, value BIGINT NOT NULL);
        INSERT INTO counters(name, value) VALUES('registry', 0), ('chain', 0);
        CREATE TABLE telegrams(
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        {{RelationalSchema.TelegramColumns(Types)}}
            search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple',
                subject || ' ' || body || ' ' || attendees || ' ' || COALESCE(on_behalf_of, ''))) STORED,
            UNIQUE(id, direction));
        CREATE UNIQUE INDEX telegrams_registry ON telegrams(registry_number) WHERE registry_number IS NOT NULL;
        CREATE UNIQUE INDEX telegrams_serial ON telegrams(counterpart, direction, serial);
        CREATE INDEX telegrams_issue ON telegrams(issue_id);
        CREATE INDEX telegrams_search ON telegrams USING GIN(search);
        {{RelationalSchema.Outbox(Types)}}
        CREATE TABLE issues(
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id TEXT PRIMARY KEY, counterpart TEXT NOT NULL, title TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at BIGINT NOT NULL,
            status INTEGER NOT NULL, outcome TEXT, referred_to TEXT, clock BIGINT NOT NULL, changed_at BIGINT NOT NULL);
        CREATE INDEX issues_counterpart ON issues(counterpart);
        CREATE TABLE issue_events(
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, id TEXT NOT NULL UNIQUE, issue_id TEXT NOT NULL REFERENCES issues(id),
            clock BIGINT NOT NULL, agency TEXT NOT NULL, officer TEXT, at BIGINT NOT NULL, status INTEGER NOT NULL, title TEXT,
            outcome TEXT, referred_to TEXT,
            search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple',
                COALESCE(title, '') || ' ' || COALESCE(outcome, '') || ' ' || COALESCE(referred_to, ''))) STORED);
        CREATE INDEX issue_events_order ON issue_events(issue_id, clock, agency, id);
        CREATE INDEX issue_events_search ON issue_events USING GIN(search);
        CREATE TABLE drafts(
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id TEXT PRIMARY KEY, status INTEGER NOT NULL, drafter TEXT NOT NULL, recipient TEXT NOT NULL, draft TEXT NOT NULL,
            steps TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, return_reason TEXT, telegram_id TEXT,
            released_by TEXT, released_at BIGINT);
        CREATE INDEX drafts_status ON drafts(status);
        CREATE TABLE clearance_log(
            seq BIGINT PRIMARY KEY, draft_id TEXT NOT NULL REFERENCES drafts(id), at BIGINT NOT NULL,
            actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);
        CREATE INDEX clearance_log_draft ON clearance_log(draft_id, seq);
        {{RelationalSchema.CoordinationRequests(Types)}}
        {{RelationalSchema.RegisterTables(Types)}}
        CREATE TABLE checkpoints(
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, agency_did TEXT NOT NULL, count BIGINT NOT NULL, head TEXT NOT NULL,
            time BIGINT NOT NULL, signed BYTEA NOT NULL, stored_at BIGINT NOT NULL, UNIQUE(agency_did, count, head, time));
        """,

        // The second is SQLite's relay, bureau and key rotation migrations in one: a relayed telegram's path (JSON array of
        // DIDs, NULL when sent directly) and a bulletin's bureau and epoch on telegrams; the relay queue; the directory and
        // its dossiers; bureaus, their members and epochs; key rotations, own and counterparts' (for a counterpart's,
        // tie_did is the tie's current DID, which makes old_did an alias of the tie).
        """
        ALTER TABLE telegrams ADD COLUMN IF NOT EXISTS relay_path TEXT;
        ALTER TABLE telegrams ADD COLUMN IF NOT EXISTS bureau_id TEXT;
        ALTER TABLE telegrams ADD COLUMN IF NOT EXISTS bureau_epoch BIGINT;
        CREATE TABLE relay_queue(
            id TEXT PRIMARY KEY, from_did TEXT NOT NULL, next_did TEXT NOT NULL, endpoint TEXT NOT NULL, envelope BYTEA NOT NULL,
            received_at BIGINT NOT NULL, due_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, attempts INTEGER NOT NULL,
            claimed_by TEXT, claimed_until BIGINT);
        CREATE INDEX relay_queue_due ON relay_queue(due_at);
        CREATE TABLE directory(
            id TEXT PRIMARY KEY, name TEXT NOT NULL, did TEXT UNIQUE, endpoint TEXT, known_ties TEXT NOT NULL,
            added_at BIGINT NOT NULL, reviewed_at BIGINT);
        -- Names are unique whatever their case, as SQLite's NOCASE column makes them.
        CREATE UNIQUE INDEX directory_name ON directory(lower(name));
        CREATE TABLE dossier_notes(
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, entry_id TEXT NOT NULL REFERENCES directory(id) ON DELETE CASCADE,
            at BIGINT NOT NULL, officer TEXT NOT NULL, text TEXT NOT NULL);
        CREATE INDEX dossier_notes_entry ON dossier_notes(entry_id, seq);
        CREATE TABLE bureaus(
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            id TEXT PRIMARY KEY, name TEXT NOT NULL, purpose TEXT NOT NULL, founder TEXT NOT NULL, secretariat TEXT NOT NULL,
            rule TEXT NOT NULL, status INTEGER NOT NULL, epoch BIGINT NOT NULL, created_at BIGINT NOT NULL, changed_at BIGINT NOT NULL);
        CREATE TABLE bureau_members(
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), position INTEGER NOT NULL, did TEXT NOT NULL, name TEXT NOT NULL,
            endpoint TEXT, state INTEGER NOT NULL, PRIMARY KEY(bureau_id, did));
        CREATE TABLE bureau_epochs(
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), number BIGINT NOT NULL, members TEXT NOT NULL, opened_at BIGINT NOT NULL,
            PRIMARY KEY(bureau_id, number));
        CREATE TABLE key_rotations(
            old_did TEXT PRIMARY KEY, new_did TEXT NOT NULL, own BOOLEAN NOT NULL, from_prior TEXT NOT NULL, at BIGINT NOT NULL,
            tie_did TEXT, seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE);
        CREATE INDEX key_rotations_tie ON key_rotations(tie_did) WHERE tie_did IS NOT NULL;
        """,
        """
        -- Which side suspended a suspended tie (0 this agency, 1 the counterpart), so only that side resumes it. Ties
        -- suspended before this migration keep NULL: this agency's officers may resume them, the counterpart may not.
        ALTER TABLE ties ADD COLUMN suspended_by INTEGER;
        """,
        """
        -- Issue outcomes and referrals: the outcome term of each change (issue_events.term, and the current one on issues),
        -- the DID of the agency a referral brought in (issue_events.referred_to_did) and the agencies taking part besides
        -- the counterpart (issue_participants). Short numbers for issues and drafts (issues.number, drafts.number), given
        -- in filing order from the counters 'issue' and 'draft'; rows filed before this migration are numbered as it runs.
        ALTER TABLE issues ADD COLUMN term TEXT;
        ALTER TABLE issues ADD COLUMN number BIGINT;
        ALTER TABLE issue_events ADD COLUMN term TEXT;
        ALTER TABLE issue_events ADD COLUMN referred_to_did TEXT;
        UPDATE issues SET number = n.n FROM (SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM issues) n WHERE issues.seq = n.seq;
        CREATE UNIQUE INDEX issues_number ON issues(number);
        ALTER TABLE drafts ADD COLUMN number BIGINT;
        UPDATE drafts SET number = n.n FROM (SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS n FROM drafts) n WHERE drafts.seq = n.seq;
        CREATE UNIQUE INDEX drafts_number ON drafts(number);
        INSERT INTO counters(name, value) VALUES('issue', (SELECT COUNT(*) FROM issues)), ('draft', (SELECT COUNT(*) FROM drafts));
        CREATE TABLE issue_participants(
            seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
            issue_id TEXT NOT NULL REFERENCES issues(id), did TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(issue_id, did));
        """,
        """
        -- Officer administration: officers.disabled (a disabled officer cannot sign in and their tokens are refused), and an
        -- index over the register's officer entries (the acts of officer administration, content kept in the entry) for
        -- each officer's history.
        ALTER TABLE officers ADD COLUMN disabled BOOLEAN NOT NULL DEFAULT FALSE;
        CREATE INDEX register_log_officer ON register_log(reference, position) WHERE kind='officer';
        """,
        """
        -- Imported history found by full text like traffic (the text, signer and editorial lines of each imported cable,
        -- in the simple configuration as telegrams are); and the client request ids (Idempotency-Key) of releases, per
        -- officer, each with the telegrams its release filed and the answer given, written in the release's own
        -- transaction and kept until expires_at.
        ALTER TABLE imported_cables ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple',
            text || ' ' || signer || ' ' || trailer)) STORED;
        CREATE INDEX imported_cables_search ON imported_cables USING GIN(search);
        CREATE INDEX imported_cables_number ON imported_cables(registry_number);
        CREATE TABLE idempotency_keys(
            officer TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL,
            telegrams TEXT NOT NULL, answer BYTEA, PRIMARY KEY(officer, key));
        """,
        """
        -- Each bureau's vocabulary of outcomes, as its secretariat set it (absent: the default): the terms as JSON and the
        -- version the secretariat counts up at each change, so a member keeps the newest it received.
        CREATE TABLE bureau_outcomes(
            bureau_id TEXT PRIMARY KEY REFERENCES bureaus(id), version BIGINT NOT NULL, terms TEXT NOT NULL);
        """,
        """
        -- Bureau prospects: agencies the founder knows of by name only (a directory entry without a DID) and names for a
        -- bureau it proposes, each by its directory entry, in the order named. Kept at the founder, never sent; a prospect
        -- becomes a row of bureau_members once its entry holds a tied agency's DID.
        CREATE TABLE bureau_prospects(
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), position INTEGER NOT NULL, entry_id TEXT NOT NULL, name TEXT NOT NULL,
            added_at BIGINT NOT NULL, PRIMARY KEY(bureau_id, entry_id));
        """,
        // Each table's conversions are written with Alter and the column helpers below, which give back this migration's text
        // as it shipped.
        $$$"""
        -- PostgreSQL's own types for what SQLite keeps as text and numbers: every id that is a GUID becomes uuid, every time
        -- (Unix milliseconds) timestamptz, every JSON document jsonb (binary columns are bytea already). Existing rows are
        -- converted in place. Columns that hold DIDs, names, serials, hashes or the ids a peer chooses (issues, invitations)
        -- keep their types. Foreign keys are dropped and made again around their columns' change, and the search column
        -- of telegrams, computed from attendees, is computed again from the JSON's text.
        CREATE FUNCTION pg_temp.telex_time(ms BIGINT) RETURNS TIMESTAMPTZ LANGUAGE SQL IMMUTABLE AS
            $$ SELECT TIMESTAMPTZ 'epoch' + (ms / 1000) * INTERVAL '1 second' + (ms % 1000) * INTERVAL '1 millisecond' $$;
        ALTER TABLE clearance_log DROP CONSTRAINT clearance_log_draft_id_fkey;
        ALTER TABLE dossier_notes DROP CONSTRAINT dossier_notes_entry_id_fkey;
        ALTER TABLE bureau_members DROP CONSTRAINT bureau_members_bureau_id_fkey;
        ALTER TABLE bureau_epochs DROP CONSTRAINT bureau_epochs_bureau_id_fkey;
        ALTER TABLE bureau_outcomes DROP CONSTRAINT bureau_outcomes_bureau_id_fkey;
        ALTER TABLE bureau_prospects DROP CONSTRAINT bureau_prospects_bureau_id_fkey;
        {{{Alter("officers", Time("created_at"), Time("locked_until"))}}}
        {{{Alter("tokens", Time("created_at"), Time("expires_at"))}}}
        {{{Alter("invitations", Time("created_at"), Time("expires_at"), Time("used_at"))}}}
        {{{Alter("ties", Json("terms"), Json("proposed_terms"), Time("established_at"))}}}
        ALTER TABLE telegrams DROP COLUMN search;
        {{{Alter("telegrams", Uuid("id"), Time("created_at"), Time("released_at"), Time("registered_at"), Json("attendees"), Json("refs"),
            Json("attachments"), Time("delivered_at"), Time("read_at"), Json("relay_path"), Uuid("bureau_id"), TelegramsSearch)}}}
        CREATE INDEX telegrams_search ON telegrams USING GIN(search);
        {{{Alter("outbox", Uuid("id"), Uuid("telegram_id"), Time("due_at"), Time("expires_at"), Time("claimed_until"))}}}
        {{{Alter("issues", Time("opened_at"), Time("changed_at"))}}}
        {{{Alter("issue_events", Uuid("id"), Time("at"))}}}
        {{{Alter("drafts", Uuid("id"), Json("draft"), Json("steps"), Time("created_at"), Time("updated_at"), Uuid("telegram_id"), Time("released_at"))}}}
        {{{Alter("clearance_log", Uuid("draft_id"), Time("at"))}}}
        {{{Alter("coordination_requests", Uuid("id"), Uuid("draft_id"), Time("received_at"), Time("answered_at"))}}}
        {{{Alter("register_log", Time("time"))}}}
        {{{Alter("imported_cables", Uuid("id"), Time("received_at"), Time("imported_at"))}}}
        {{{Alter("checkpoints", Time("time"), Time("stored_at"))}}}
        {{{Alter("relay_queue", Uuid("id"), Time("received_at"), Time("due_at"), Time("expires_at"), Time("claimed_until"))}}}
        {{{Alter("directory", Uuid("id"), Json("known_ties"), Time("added_at"), Time("reviewed_at"))}}}
        {{{Alter("dossier_notes", Uuid("entry_id"), Time("at"))}}}
        {{{Alter("bureaus", Uuid("id"), Time("created_at"), Time("changed_at"))}}}
        {{{Alter("bureau_members", Uuid("bureau_id"))}}}
        {{{Alter("bureau_epochs", Uuid("bureau_id"), Json("members"), Time("opened_at"))}}}
        {{{Alter("key_rotations", Time("at"))}}}
        {{{Alter("idempotency_keys", Time("created_at"), Time("expires_at"), Json("telegrams"))}}}
        {{{Alter("bureau_outcomes", Uuid("bureau_id"), Json("terms"))}}}
        {{{Alter("bureau_prospects", Uuid("bureau_id"), Uuid("entry_id"), Time("added_at"))}}}
        ALTER TABLE clearance_log ADD CONSTRAINT clearance_log_draft_id_fkey FOREIGN KEY(draft_id) REFERENCES drafts(id);
        ALTER TABLE dossier_notes ADD CONSTRAINT dossier_notes_entry_id_fkey FOREIGN KEY(entry_id) REFERENCES directory(id) ON DELETE CASCADE;
        ALTER TABLE bureau_members ADD CONSTRAINT bureau_members_bureau_id_fkey FOREIGN KEY(bureau_id) REFERENCES bureaus(id);
        ALTER TABLE bureau_epochs ADD CONSTRAINT bureau_epochs_bureau_id_fkey FOREIGN KEY(bureau_id) REFERENCES bureaus(id);
        ALTER TABLE bureau_outcomes ADD CONSTRAINT bureau_outcomes_bureau_id_fkey FOREIGN KEY(bureau_id) REFERENCES bureaus(id);
        ALTER TABLE bureau_prospects ADD CONSTRAINT bureau_prospects_bureau_id_fkey FOREIGN KEY(bureau_id) REFERENCES bureaus(id);
        DROP FUNCTION pg_temp.telex_time(BIGINT);
        """,
        RelationalSchema.OutboxClaimsIndex,
        """
        -- Which directory entries an officer entered with their DID: only such a name addresses its DID. Entries made
        -- before count as made from what a peer said.
        ALTER TABLE directory ADD COLUMN IF NOT EXISTS entered_by_officer BOOLEAN NOT NULL DEFAULT FALSE;
        """,
    ];

    /// <summary>
    /// One ALTER TABLE of the migration to PostgreSQL's own types: a single change on the table's line, several each on
    /// a line of its own, indented under the table.
    /// </summary>
    private static string Alter(string table, params string[] changes) => changes.Length == 1
        ? $"ALTER TABLE {table} {changes[0]};"
        : $"ALTER TABLE {table}\n    {string.Join(",\n    ", changes.Select(c => c.Replace("\n", "\n    ", StringComparison.Ordinal)))};";

    /// <summary>A time column from Unix milliseconds to <c>timestamptz</c>, by the migration's own function.</summary>
    private static string Time(string column) => $"ALTER COLUMN {column} TYPE TIMESTAMPTZ USING pg_temp.telex_time({column})";

    /// <summary>A GUID column from text to <c>uuid</c>.</summary>
    private static string Uuid(string column) => $"ALTER COLUMN {column} TYPE UUID USING {column}::uuid";

    /// <summary>A JSON column from text to <c>jsonb</c>.</summary>
    private static string Json(string column) => $"ALTER COLUMN {column} TYPE JSONB USING {column}::jsonb";

    /// <summary>The search column of <c>telegrams</c>, made again from the JSON's text once attendees is <c>jsonb</c>.</summary>
    private const string TelegramsSearch = """
        ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple',
            subject || ' ' || body || ' ' || attendees::text || ' ' || COALESCE(on_behalf_of, ''))) STORED
        """;
}
