using Telex.Storage.Relational;

namespace Telex.Storage.Sqlite;

/// <summary>Schema migrations, applied in order; <c>PRAGMA user_version</c> records how many ran.</summary>
internal static class Schema
{
    /// <summary>SQLite's column types for the tables both engines create alike (declared before the migrations that use them).</summary>
    private static readonly ColumnTypes Types = new(Number: "INTEGER", Flag: "INTEGER", Binary: "BLOB");

    public static readonly string[] Migrations =
    [
        $$"""
        {{RelationalSchema.AgencyTables(Types)}}
        CREATE TABLE counters(name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO counters(name, value) VALUES('registry', 0);
        CREATE TABLE telegrams(
            seq INTEGER PRIMARY KEY,
        {{RelationalSchema.TelegramColumns(Types)}}
            UNIQUE(id, direction));
        CREATE UNIQUE INDEX telegrams_registry ON telegrams(registry_number) WHERE registry_number IS NOT NULL;
        CREATE UNIQUE INDEX telegrams_serial ON telegrams(counterpart, direction, serial);
        CREATE INDEX telegrams_issue ON telegrams(issue_id);
        CREATE VIRTUAL TABLE telegrams_fts USING fts5(subject, body, attendees, on_behalf_of, content='telegrams', content_rowid='seq');
        CREATE TRIGGER telegrams_ai AFTER INSERT ON telegrams BEGIN
            INSERT INTO telegrams_fts(rowid, subject, body, attendees, on_behalf_of) VALUES (new.seq, new.subject, new.body, new.attendees, new.on_behalf_of);
        END;
        CREATE TRIGGER telegrams_ad AFTER DELETE ON telegrams BEGIN
            INSERT INTO telegrams_fts(telegrams_fts, rowid, subject, body, attendees, on_behalf_of) VALUES ('delete', old.seq, old.subject, old.body, old.attendees, old.on_behalf_of);
        END;
        {{RelationalSchema.Outbox(Types)}}
        """,
        $$"""
        CREATE TABLE issues(
            id TEXT PRIMARY KEY, counterpart TEXT NOT NULL, title TEXT NOT NULL, opened_by TEXT NOT NULL, opened_at INTEGER NOT NULL,
            status INTEGER NOT NULL, outcome TEXT, referred_to TEXT, clock INTEGER NOT NULL, changed_at INTEGER NOT NULL);
        CREATE INDEX issues_counterpart ON issues(counterpart);
        CREATE TABLE issue_events(
            seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, issue_id TEXT NOT NULL REFERENCES issues(id), clock INTEGER NOT NULL,
            agency TEXT NOT NULL, officer TEXT, at INTEGER NOT NULL, status INTEGER NOT NULL, title TEXT, outcome TEXT, referred_to TEXT);
        CREATE INDEX issue_events_order ON issue_events(issue_id, clock, agency, id);
        CREATE VIRTUAL TABLE issue_events_fts USING fts5(title, outcome, referred_to, content='issue_events', content_rowid='seq');
        CREATE TRIGGER issue_events_ai AFTER INSERT ON issue_events BEGIN
            INSERT INTO issue_events_fts(rowid, title, outcome, referred_to) VALUES (new.seq, new.title, new.outcome, new.referred_to);
        END;
        CREATE TRIGGER issue_events_ad AFTER DELETE ON issue_events BEGIN
            INSERT INTO issue_events_fts(issue_events_fts, rowid, title, outcome, referred_to) VALUES ('delete', old.seq, old.title, old.outcome, old.referred_to);
        END;
        CREATE TABLE drafts(
            id TEXT PRIMARY KEY, status INTEGER NOT NULL, drafter TEXT NOT NULL, recipient TEXT NOT NULL, draft TEXT NOT NULL,
            steps TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, return_reason TEXT, telegram_id TEXT,
            released_by TEXT, released_at INTEGER);
        CREATE INDEX drafts_status ON drafts(status);
        CREATE TABLE clearance_log(
            seq INTEGER PRIMARY KEY, draft_id TEXT NOT NULL REFERENCES drafts(id), at INTEGER NOT NULL, actor TEXT NOT NULL,
            action TEXT NOT NULL, detail TEXT);
        CREATE INDEX clearance_log_draft ON clearance_log(draft_id, seq);
        {{RelationalSchema.CoordinationRequests(Types)}}
        """,
        $$"""
        {{RelationalSchema.RegisterTables(Types)}}
        CREATE TABLE checkpoints(
            seq INTEGER PRIMARY KEY, agency_did TEXT NOT NULL, count INTEGER NOT NULL, head TEXT NOT NULL, time INTEGER NOT NULL,
            signed BLOB NOT NULL, stored_at INTEGER NOT NULL, UNIQUE(agency_did, count, head, time));
        """,
        """
        -- No new tables: issue events and clearance steps join the register's chain, and those filed before are
        -- entered into it as this migration runs (SqliteStore.EnterExistingIssuesAndClearanceAsync).
        """,
        """
        -- Relays and the directory. A relayed telegram records its path in telegrams.relay_path (JSON array of DIDs;
        -- NULL when sent directly), a column this migration adds unless present (SqliteStore.AddRelayPathColumnAsync).
        CREATE TABLE IF NOT EXISTS relay_queue(
            id TEXT PRIMARY KEY, from_did TEXT NOT NULL, next_did TEXT NOT NULL, endpoint TEXT NOT NULL, envelope BLOB NOT NULL,
            received_at INTEGER NOT NULL, due_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, attempts INTEGER NOT NULL,
            claimed_by TEXT, claimed_until INTEGER);
        CREATE INDEX IF NOT EXISTS relay_queue_due ON relay_queue(due_at);
        CREATE TABLE IF NOT EXISTS directory(
            id TEXT PRIMARY KEY, name TEXT NOT NULL COLLATE NOCASE UNIQUE, did TEXT UNIQUE, endpoint TEXT, known_ties TEXT NOT NULL,
            added_at INTEGER NOT NULL, reviewed_at INTEGER);
        CREATE TABLE IF NOT EXISTS dossier_notes(
            seq INTEGER PRIMARY KEY, entry_id TEXT NOT NULL REFERENCES directory(id) ON DELETE CASCADE, at INTEGER NOT NULL,
            officer TEXT NOT NULL, text TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS dossier_notes_entry ON dossier_notes(entry_id, seq);
        """,
        """
        -- The bureau and epoch a bulletin names are added to the telegrams table as this migration runs
        -- (SqliteStore.AddBureauColumnsAsync), only where they are missing.
        CREATE TABLE IF NOT EXISTS bureaus(
            id TEXT PRIMARY KEY, name TEXT NOT NULL, purpose TEXT NOT NULL, founder TEXT NOT NULL, secretariat TEXT NOT NULL,
            rule TEXT NOT NULL, status INTEGER NOT NULL, epoch INTEGER NOT NULL, created_at INTEGER NOT NULL, changed_at INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS bureau_members(
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), position INTEGER NOT NULL, did TEXT NOT NULL, name TEXT NOT NULL,
            endpoint TEXT, state INTEGER NOT NULL, PRIMARY KEY(bureau_id, did));
        CREATE TABLE IF NOT EXISTS bureau_epochs(
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), number INTEGER NOT NULL, members TEXT NOT NULL, opened_at INTEGER NOT NULL,
            PRIMARY KEY(bureau_id, number));
        """,
        """
        -- Key rotations, own (own=1) and counterparts' (own=0). For a counterpart's, tie_did is the tie's current DID,
        -- so every DID the counterpart held before is an alias of its tie.
        CREATE TABLE IF NOT EXISTS key_rotations(
            old_did TEXT PRIMARY KEY, new_did TEXT NOT NULL, own INTEGER NOT NULL, from_prior TEXT NOT NULL, at INTEGER NOT NULL,
            tie_did TEXT, seq INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS key_rotations_tie ON key_rotations(tie_did) WHERE tie_did IS NOT NULL;
        """,
        """
        -- Which side suspended a suspended tie (0 this agency, 1 the counterpart), so only that side resumes it: the column
        -- ties.suspended_by, added as this migration runs unless present (SqliteStore.AddSuspendedByColumnAsync). Ties
        -- suspended before it keep NULL: this agency's officers may resume them, the counterpart may not.
        """,
        """
        -- Issue outcomes and referrals: the outcome term of each change (issue_events.term, and the current one on issues),
        -- the DID of the agency a referral brought in (issue_events.referred_to_did) and the agencies taking part besides
        -- the counterpart (issue_participants). Short numbers for issues and drafts (issues.number, drafts.number), given
        -- in filing order from the counters 'issue' and 'draft'. The columns are added, and rows filed before numbered, as
        -- this migration runs unless present (SqliteStore.AddOutcomeColumnsAsync).
        CREATE TABLE IF NOT EXISTS issue_participants(
            issue_id TEXT NOT NULL REFERENCES issues(id), did TEXT NOT NULL, name TEXT NOT NULL, PRIMARY KEY(issue_id, did));
        """,
        OfficerAdministration,
        """
        -- Imported history found by full text like traffic: the text, signer and editorial lines of each imported cable
        -- (its own FTS5 table, keyed by the cable's id, filled from the cables already imported); and the client request
        -- ids (Idempotency-Key) of releases, per officer, each with the telegrams its release filed and the answer given,
        -- written in the release's own transaction and kept until expires_at.
        CREATE VIRTUAL TABLE IF NOT EXISTS imported_cables_fts USING fts5(id UNINDEXED, text, signer, trailer);
        INSERT INTO imported_cables_fts(id, text, signer, trailer) SELECT id, text, signer, trailer FROM imported_cables;
        CREATE TRIGGER IF NOT EXISTS imported_cables_ai AFTER INSERT ON imported_cables BEGIN
            INSERT INTO imported_cables_fts(id, text, signer, trailer) VALUES (new.id, new.text, new.signer, new.trailer);
        END;
        CREATE TRIGGER IF NOT EXISTS imported_cables_ad AFTER DELETE ON imported_cables BEGIN
            DELETE FROM imported_cables_fts WHERE id = old.id;
        END;
        CREATE INDEX IF NOT EXISTS imported_cables_number ON imported_cables(registry_number);
        CREATE TABLE IF NOT EXISTS idempotency_keys(
            officer TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,
            telegrams TEXT NOT NULL, answer BLOB, PRIMARY KEY(officer, key));
        """,
        """
        -- Each bureau's vocabulary of outcomes, as its secretariat set it (absent: the default): the terms as JSON and the
        -- version the secretariat counts up at each change, so a member keeps the newest it received.
        CREATE TABLE IF NOT EXISTS bureau_outcomes(
            bureau_id TEXT PRIMARY KEY REFERENCES bureaus(id), version INTEGER NOT NULL, terms TEXT NOT NULL);
        """,
        """
        -- Bureau prospects: agencies the founder knows of by name only (a directory entry without a DID) and names for a
        -- bureau it proposes, each by its directory entry, in the order named. Kept at the founder, never sent; a prospect
        -- becomes a row of bureau_members once its entry holds a tied agency's DID.
        CREATE TABLE IF NOT EXISTS bureau_prospects(
            bureau_id TEXT NOT NULL REFERENCES bureaus(id), position INTEGER NOT NULL, entry_id TEXT NOT NULL, name TEXT NOT NULL,
            added_at INTEGER NOT NULL, PRIMARY KEY(bureau_id, entry_id));
        """,
        RelationalSchema.OutboxClaimsIndex,
        DirectoryEnteredByOfficer,
    ];

    /// <summary>
    /// Officer administration: the column officers.disabled (a disabled officer cannot sign in and their tokens are
    /// refused), added as this migration runs unless present (<c>SqliteStore.AddOfficerDisabledColumnAsync</c>), and an
    /// index over the register's officer entries (the acts of officer administration, content kept in the entry) for
    /// each officer's history.
    /// </summary>
    private const string OfficerAdministration = """
        -- Officer administration: officers.disabled, added as this migration runs unless present, and the index of the
        -- register's officer entries.
        CREATE INDEX IF NOT EXISTS register_log_officer ON register_log(reference, position) WHERE kind='officer';
        """;

    /// <summary>
    /// Which directory entries an officer entered with their DID (<c>directory.entered_by_officer</c>, added as this
    /// migration runs unless present: <c>SqliteStore.AddDirectoryEnteredByOfficerColumnAsync</c>): only such a name
    /// addresses its DID. Entries made before it count as made from what a peer said.
    /// </summary>
    private const string DirectoryEnteredByOfficer = """
        -- Which directory entries an officer entered with their DID: directory.entered_by_officer, added as this migration
        -- runs unless present.
        """;

    /// <summary>The migration that added directory.entered_by_officer.</summary>
    public static int DirectoryEnteredByOfficerVersion => Array.IndexOf(Migrations, DirectoryEnteredByOfficer) + 1;

    /// <summary>The migration that added officer administration (officers.disabled, the officer entries' index).</summary>
    public static int OfficerAdministrationVersion => Array.IndexOf(Migrations, OfficerAdministration) + 1;

    /// <summary>The migration that added relays and the directory (relay path on telegrams, relay queue, directory, dossiers).</summary>
    public const int RelayVersion = 5;

    /// <summary>The migration that created the register chain: registers older than it are entered into the chain as it runs.</summary>
    public const int RegisterChainVersion = 3;

    /// <summary>The migration that entered issue events and clearance steps into the chain: those filed before it are entered as it runs.</summary>
    public const int IssueChainVersion = 4;

    /// <summary>The migration that added bureaus (their tables, and the bureau and epoch a bulletin names on the telegrams table).</summary>
    public const int BureauVersion = 6;

    /// <summary>The migration that added key rotations and the aliases of a rotated counterpart's tie.</summary>
    public const int KeyRotationVersion = 7;

    /// <summary>The migration that records which side suspended a tie.</summary>
    public const int SuspendedByVersion = 8;

    /// <summary>The migration that added outcome terms, referrals' participants and short numbers for issues and drafts.</summary>
    public const int OutcomeVersion = 9;
}
