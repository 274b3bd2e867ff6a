using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class ReceiptTests
{
    [Fact]
    public async Task Telegrams_registered_while_a_receipt_is_on_its_way_are_acknowledged_together_by_one_signed_receipt()
    {
        using var gate = new GatedTransport();
        await using var a = await TestAgency.StartAsync("Alpha", TestAgency.FastDelivery with { ReceiptWait = TimeSpan.FromMinutes(5) });
        await using var b = await TestAgency.StartAsync("Bravo", TestAgency.FastDelivery with { MaxConcurrentReceiptSends = 1 }, gate);
        await TestAgency.TieAsync(a, b);
        gate.Close();

        var sent = new List<TelegramRecord>();
        for (int i = 1; i <= 40; i++)
        {
            sent.Add(await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = $"Batch {i}", Body = "Acknowledge together." }, "officer"));
        }

        // Every telegram is registered while Bravo's first receipt is held on its way.
        var inbound = new RegisterQuery { Direction = Direction.Inbound, Limit = 100 };
        await Eventually.UntilAsync(() => b.Store.Register.CountAsync(inbound), n => n == 40, TimeSpan.FromSeconds(60), "all 40 registered at Bravo");
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery { Status = TelegramStatus.Delivered }));

        gate.Open();

        var delivered = await Eventually.UntilAsync(() => a.Store.Register.QueryAsync(new RegisterQuery { Status = TelegramStatus.Delivered, Limit = 100 }),
            l => l.Count == 40, TimeSpan.FromSeconds(60), "all 40 delivered at Alpha");
        var registered = await Eventually.UntilAsync(() => b.Store.Register.QueryAsync(inbound), l => l.All(t => t.Receipt is not null),
            TimeSpan.FromSeconds(30), "Bravo keeps every receipt it sent");

        // The receipt held at the gate (for what had arrived when it was signed), then one receipt for everything
        // that waited behind it: 40 telegrams, at most 2 signatures.
        var receipts = registered.GroupBy(t => Convert.ToBase64String(t.Receipt!)).ToList();
        Assert.InRange(receipts.Count, 1, 2);

        // What Alpha keeps as proof is the receipt Bravo kept: the same signed bytes, naming the registry number.
        foreach (var telegram in delivered)
        {
            var atB = registered.Single(t => t.Id == telegram.Id);
            Assert.Equal(atB.Receipt, telegram.Receipt);
            Assert.Equal(atB.RegistryNumber, telegram.PeerRegistryNumber);
        }
    }
}
