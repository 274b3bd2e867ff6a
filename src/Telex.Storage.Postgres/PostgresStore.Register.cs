using System.Data.Common;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <inheritdoc/>
    protected override async Task<RegisterSnapshot> ReadFiledAsync(DbConnection c, DbTransaction tx, RegisterSnapshot snapshot, CancellationToken ct)
    {
        var telegrams = await ListAsync(c, tx, $"SELECT {TelegramColumns} FROM telegrams ORDER BY seq", TelegramRow, ct).ConfigureAwait(false);
        var issues = await ListAsync(c, tx, $"SELECT {IssueColumns} FROM issues ORDER BY {FilingOrder}", IssueRow, ct).ConfigureAwait(false);
        var events = await ListAsync(c, tx, $"SELECT {IssueEventColumns} FROM issue_events ORDER BY seq", IssueEventRow, ct).ConfigureAwait(false);
        var drafts = await ListByPositionAsync(c, tx, DraftColumns + " ORDER BY seq", ReadDraft, ct).ConfigureAwait(false);
        var log = await ListByPositionAsync(c, tx, ClearanceLogColumns + " ORDER BY seq", ReadLogRow, ct).ConfigureAwait(false);
        var (bureaus, bureauEpochs) = await ReadBureausAsync(c, tx, ct).ConfigureAwait(false);
        return snapshot with
        {
            Telegrams = telegrams,
            Issues = issues,
            IssueEvents = events,
            Drafts = drafts,
            ClearanceLog = log,
            Bureaus = bureaus,
            BureauEpochs = bureauEpochs,
        };
    }

    /// <inheritdoc/>
    protected override async Task ImportFiledAsync(DbConnection c, DbTransaction tx, RegisterSnapshot snapshot, CancellationToken ct)
    {
        foreach (var t in snapshot.Telegrams)
        {
            await InsertTelegramAsync(c, tx, t, t.Direction == Direction.Inbound ? t.RegistryNumber : null, ct).ConfigureAwait(false);
        }

        // Issues as they stand and their events as filed; the verification before the import has checked that each
        // issue stands where its events put it.
        foreach (var issue in snapshot.Issues)
        {
            await InsertIssueAsync(c, tx, issue, ct).ConfigureAwait(false);
        }

        foreach (var e in snapshot.IssueEvents)
        {
            await InsertIssueEventAsync(c, tx, e, ct).ConfigureAwait(false);
        }

        foreach (var draft in snapshot.Drafts)
        {
            await InsertDraftAsync(c, tx, draft, ct).ConfigureAwait(false);
        }

        foreach (var row in snapshot.ClearanceLog)
        {
            await InsertLogRowAsync(c, tx, row.Step, row.Seq, ct).ConfigureAwait(false);
        }

        await ImportBureausAsync(c, tx, snapshot, ct).ConfigureAwait(false);
    }
}
