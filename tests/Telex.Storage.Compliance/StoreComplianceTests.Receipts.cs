using System.Text;

namespace Telex.Storage.Compliance;

public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task A_receipt_is_kept_on_inbound_entries_without_one_and_never_replaces_the_first()
    {
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var fresh = await ReceiveFromAsync(Bravo, 1, e => e with { Receipt = null });
        var other = await ReceiveFromAsync(Bravo, 2, e => e with { Receipt = null });
        var kept = await ReceiveFromAsync(Bravo, 3);
        var (outbound, _) = await ReleaseToAsync(Bravo);
        byte[] receipt = Encoding.UTF8.GetBytes("one signed receipt for several telegrams");

        int changed = await Store.Telegrams.AttachReceiptAsync([fresh.Record.Id, other.Record.Id, kept.Record.Id, outbound.Id, Guid.NewGuid()], receipt);

        Assert.Equal(2, changed);
        Assert.Equal(receipt, (await Store.Telegrams.GetTelegramAsync(fresh.Record.Id, Direction.Inbound))!.Receipt);
        Assert.Equal(receipt, (await Store.Telegrams.GetTelegramAsync(other.Record.Id, Direction.Inbound))!.Receipt);
        Assert.Equal(kept.Record.Receipt, (await Store.Telegrams.GetTelegramAsync(kept.Record.Id, Direction.Inbound))!.Receipt);
        Assert.Null((await Store.Telegrams.GetTelegramAsync(outbound.Id, Direction.Outbound))!.Receipt);

        Assert.Equal(0, await Store.Telegrams.AttachReceiptAsync([fresh.Record.Id], Encoding.UTF8.GetBytes("a later receipt")));
        Assert.Equal(receipt, (await Store.Telegrams.GetTelegramAsync(fresh.Record.Id, Direction.Inbound))!.Receipt);
    }
}
