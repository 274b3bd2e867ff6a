using Telex.Core.Model;

namespace Telex.Storage.Postgres;

public sealed partial class PostgresStore
{
    /// <summary>
    /// Appends inbound entries in one transaction, each taking the next registry number: the fast path for filling a
    /// register with history (the load benchmark's register-scale mode), each entered in the register's chain. Nothing is
    /// sent for them. The entries' <see cref="TelegramRecord.RegistryNumber"/> is ignored; each must be inbound and new.
    /// Returns the last number given.
    /// </summary>
    public Task<long> BulkRegisterAsync(IReadOnlyList<TelegramRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        return WriteAsync(async (c, tx) =>
        {
            using var counter = Command(c, tx, "SELECT value FROM counters WHERE name='registry' FOR UPDATE");
            long number = (long)(await counter.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            foreach (var record in records)
            {
                if (record.Direction != Direction.Inbound)
                {
                    throw new ArgumentException("bulk registration takes inbound entries only", nameof(records));
                }

                number++;
                var entry = record with { RegistryNumber = number };
                await InsertTelegramAsync(c, tx, entry, number, ct).ConfigureAwait(false);
                await AppendTelegramAsync(c, tx, entry, ct).ConfigureAwait(false);
            }

            using var bump = Command(c, tx, "UPDATE counters SET value=@v WHERE name='registry'", ("@v", number));
            await bump.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return number;
        }, ct);
    }
}
