using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Sqlite;

public sealed partial class SqliteStore
{
    /// <summary>The columns of <c>telegrams</c> before the relay migration added <c>relay_path</c> and the bureau migration its own.</summary>
    private static readonly string LegacyTelegramColumns = TelegramColumns.Replace(", relay_path,", ",", StringComparison.Ordinal)
        .Replace("bureau_id, bureau_epoch", "", StringComparison.Ordinal).TrimEnd().TrimEnd(',');

    /// <summary>
    /// Run once, by the migration that created the chain: enters the telegrams already filed, in the order they were
    /// filed, each followed by the state it has reached, so an existing register verifies from then on.
    /// </summary>
    private async Task EnterExistingTelegramsAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        // This migration runs before the columns added with relays and bureaus exist: they are read as empty.
        var existing = await ListAsync(c, tx, $"SELECT {LegacyTelegramColumns}, NULL AS relay_path, NULL AS bureau_id, NULL AS bureau_epoch FROM telegrams ORDER BY seq",
            TelegramRow, ct).ConfigureAwait(false);

        foreach (var t in existing)
        {
            await AppendTelegramAsync(c, tx, t, ct).ConfigureAwait(false);
            string reference = RegisterChain.TelegramReference(t.Id, t.Direction);
            if (t.Status == TelegramStatus.Delivered && t.Receipt is not null && t.PeerRegistryNumber is { } n && t.DeliveredAt is { } at)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Delivery, reference, RegisterChain.DeliveryContent(t.Id, t.Receipt, n, at), true, ct).ConfigureAwait(false);
            }

            if (t.Status == TelegramStatus.Failed)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Failure, reference, RegisterChain.FailureContent(t.Id, t.FailureReason ?? ""), true, ct).ConfigureAwait(false);
            }

            if (t.ReadAt is { } read)
            {
                await AppendEntryAsync(c, tx, RegisterKinds.Read, reference, RegisterChain.ReadContent(t.Id, read), true, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Run once, by the migration that entered issues and clearance into the chain: enters the issue events and clearance
    /// steps already filed, each in the order it was filed, so an existing register verifies from then on.
    /// </summary>
    private async Task EnterExistingIssuesAndClearanceAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        var events = await ListAsync<(IssueEvent Event, string Counterpart)>(c, tx, """
            SELECT e.id, e.issue_id, e.clock, e.agency, e.officer, e.at, e.status, e.title, e.outcome, e.referred_to, NULL AS term, NULL AS referred_to_did, i.counterpart
            FROM issue_events e JOIN issues i ON i.id = e.issue_id ORDER BY e.seq
            """, r =>
            {
                var issueEvent = IssueEventRow(r);
                int counterpart = r.GetOrdinal("counterpart");
                return () => (Event: issueEvent(), Counterpart: r.GetString(counterpart));
            }, ct).ConfigureAwait(false);
        foreach (var (e, counterpart) in events)
        {
            await AppendEntryAsync(c, tx, RegisterKinds.IssueStatus, RegisterChain.IssueEventReference(e), RegisterChain.IssueEventContent(e, counterpart),
                keepContent: false, ct).ConfigureAwait(false);
        }

        foreach (var row in await ListAsync(c, tx, $"SELECT {ClearanceLogColumns} FROM clearance_log ORDER BY seq", ClearanceRow, ct).ConfigureAwait(false))
        {
            await AppendEntryAsync(c, tx, RegisterKinds.Clearance, RegisterChain.ClearanceReference(row), RegisterChain.ClearanceContent(row), keepContent: false, ct)
                .ConfigureAwait(false);
        }
    }
}
