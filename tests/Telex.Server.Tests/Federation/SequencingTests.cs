using Telex.Core;
using Telex.Core.Model;
using Telex.Server.Hosting;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class SequencingTests
{
    /// <summary>Passes messages on, except that it can swallow the next one while reporting it accepted.</summary>
    private sealed class LossyTransport : ITransport, IDisposable
    {
        private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);
        private int _drop;

        public void DropNext() => Interlocked.Exchange(ref _drop, 1);

        public Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct) =>
            Interlocked.Exchange(ref _drop, 0) == 1
                ? Task.FromResult(new TransportResult(true, 202, null))
                : _inner.SendAsync(endpoint, packed, ct);

        public void Dispose() => _inner.Dispose();
    }

    [Fact]
    public async Task A_serial_lost_on_the_way_is_detected_as_a_gap_requested_again_and_delivered()
    {
        using var lossy = new LossyTransport();

        // A waits a long time for receipts, so only the receiver's resend request can bring the lost serial back.
        var patient = TestAgency.FastDelivery with { ReceiptWait = TimeSpan.FromMinutes(10) };
        await using var a = await TestAgency.StartAsync("Alpha", patient, lossy);
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        lossy.DropNext();
        var first = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "Lost", Body = "Swallowed on the way." }, "officer");
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Sent,
            TimeSpan.FromSeconds(10), "the first telegram handed over (and lost)");
        for (int i = 2; i <= 4; i++)
        {
            await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = $"Next {i}", Body = "Arrives." }, "officer");
        }

        var registered = await Eventually.UntilAsync(() => b.Store.Telegrams.ReceivedSerialsAsync(a.Did), s => s.Count == 4,
            TimeSpan.FromSeconds(30), "serial 1 requested again and registered");
        Assert.Equal([1L, 2, 3, 4], registered);
        await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Outbound), t => t?.Status == TelegramStatus.Delivered,
            TimeSpan.FromSeconds(30), "the lost telegram delivered");
        var lost = await b.Store.Telegrams.GetTelegramAsync(first.Id, Direction.Inbound);
        Assert.Equal(4, lost!.RegistryNumber);
        Assert.Equal(1, lost.Serial);
    }
}
