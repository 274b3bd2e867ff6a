namespace Telex.Storage.Relational;

/// <summary>Writes in batches: receipts attached to many inbound telegrams in one transaction.</summary>
public abstract partial class RelationalStore
{
    /// <inheritdoc/>
    public Task<int> AttachReceiptAsync(IReadOnlyList<Guid> inboundIds, byte[] receipt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inboundIds);
        ArgumentNullException.ThrowIfNull(receipt);
        return WriteAsync(async (c, tx) =>
        {
            // One command, run for each telegram with its id.
            using var cmd = Command(c, tx, "UPDATE telegrams SET receipt=@r WHERE id=@i AND direction=1 AND receipt IS NULL",
                ("@r", Bytes(receipt)), ("@i", ""));
            int changed = 0;
            foreach (var id in inboundIds)
            {
                cmd.Parameters[1].Value = Id(id);
                if (await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
                {
                    changed++;
                    await AppendEntryAsync(c, tx, RegisterKinds.Receipt, RegisterChain.TelegramReference(id, Direction.Inbound),
                        RegisterChain.ReceiptContent(id, receipt), true, ct).ConfigureAwait(false);
                }
            }

            return changed;
        }, ct);
    }
}
