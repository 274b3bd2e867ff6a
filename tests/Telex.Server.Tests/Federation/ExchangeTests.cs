using Telex.Core.Model;
using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class ExchangeTests
{
    private static TelegramDraft Draft(string to, int i) => new()
    {
        To = to,
        Subject = $"Point {i}",
        Body = $"Telegram number {i}: the situation in the Orient, as discussed.",
        Precedence = (Precedence)(i % 4),
        IssueId = $"issue-{i % 3}",
        Attendees = ["Zhu De", "Liu Shaoqi"],
        OnBehalfOf = i % 5 == 0 ? "Mao Zedong" : null,
        Drafter = "clerk",
    };

    [Fact]
    public async Task A_telegram_is_registered_at_the_recipient_and_delivered_with_a_verified_receipt()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);

        var sent = await a.Agency.Telegrams.ReleaseAsync(Draft(b.Did, 1), "officer");

        var delivered = await Eventually.UntilAsync(() => a.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Outbound),
            t => t?.Status == TelegramStatus.Delivered, TimeSpan.FromSeconds(30), "delivered at A");
        var received = await b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound);
        Assert.NotNull(received);
        Assert.Equal(1, received!.RegistryNumber);
        Assert.Equal(1, received.Serial);
        Assert.Equal("Point 1", received.Subject);
        Assert.Equal(["Zhu De", "Liu Shaoqi"], received.Attendees);
        Assert.Equal(sent.ContentHash, received.ContentHash);
        Assert.Equal(1, delivered!.PeerRegistryNumber);
        Assert.Equal(a.Agency.Ties.FingerprintWith(b.Did), b.Agency.Ties.FingerprintWith(a.Did));

        // The receipt A keeps is Bravo's signed message: its signature verifies by Bravo's key (anyone can check it,
        // with no secret), and it names this telegram, its content hash and Bravo's registry number.
        var opened = new DidCommPacker(new DidResolver(), new SecretResolver()).Unpack(delivered.Receipt!);
        Assert.True(opened.Success, opened.Failure?.ToString());
        Assert.True(opened.Metadata!.NonRepudiation);
        Assert.Equal(b.Identity.Signing.Kid, opened.Metadata.SignFrom);
        Assert.Equal(b.Did, opened.Message!.From);
        Assert.Equal(MessageTypes.Receipt, opened.Message.Type);
        var entry = Assert.Single(opened.Message.Body.GetProperty("receipts").EnumerateArray());
        Assert.Equal(sent.Id, entry.GetProperty("telegram").GetGuid());
        Assert.Equal(sent.ContentHash, entry.GetProperty("content_hash").GetString());
        Assert.Equal(received.RegistryNumber, entry.GetProperty("registry_number").GetInt64());
        Assert.Equal(received.Receipt, delivered.Receipt);

        // A receipt changed by one character no longer verifies.
        byte[] altered = (byte[])delivered.Receipt!.Clone();
        int at = System.Text.Encoding.ASCII.GetString(altered).IndexOf("\"payload\":\"", StringComparison.Ordinal) + 20;
        altered[at] = (byte)(altered[at] == 'A' ? 'B' : 'A');
        Assert.Equal(UnpackFailureKind.Tampered, new DidCommPacker(new DidResolver(), new SecretResolver()).Unpack(altered).Failure?.Kind);
    }

    [Fact]
    public async Task Three_agencies_exchange_telegrams_concurrently_each_registered_once_without_gaps()
    {
        const int perDirection = 1000;
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await using var c = await TestAgency.StartAsync("Charlie");
        await TestAgency.TieAsync(a, b);
        await TestAgency.TieAsync(b, c);
        await TestAgency.TieAsync(c, a);
        var agencies = new[] { a, b, c };

        var releases = new List<Task>();
        foreach (var from in agencies)
        {
            foreach (var to in agencies.Where(x => x != from))
            {
                releases.Add(Task.Run(async () =>
                {
                    await Parallel.ForEachAsync(Enumerable.Range(1, perDirection), new ParallelOptions { MaxDegreeOfParallelism = 8 },
                        async (i, ct) => await from.Agency.Telegrams.ReleaseAsync(Draft(to.Did, i), "officer", ct));
                }));
            }
        }

        await Task.WhenAll(releases);

        foreach (var from in agencies)
        {
            await Eventually.UntilAsync(
                () => from.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound, Status = TelegramStatus.Delivered }),
                n => n == 2 * perDirection, TimeSpan.FromSeconds(120), $"{from.Identity.Name}: every telegram delivered");
        }

        foreach (var to in agencies)
        {
            var inbound = new List<TelegramRecord>();
            for (int offset = 0; offset < 2 * perDirection; offset += 1000)
            {
                inbound.AddRange(await to.Store.Register.QueryAsync(new RegisterQuery { Direction = Direction.Inbound, Limit = 1000, Offset = offset }));
            }

            Assert.Equal(2 * perDirection, inbound.Count);
            Assert.Equal(Enumerable.Range(1, 2 * perDirection).Select(n => (long)n), inbound.Select(t => t.RegistryNumber).Order());
            Assert.Equal(inbound.Count, inbound.Select(t => t.Id).Distinct().Count());
            foreach (var group in inbound.GroupBy(t => t.Counterpart))
            {
                Assert.Equal(Enumerable.Range(1, perDirection).Select(n => (long)n), group.Select(t => t.Serial).Order());
            }
        }
    }
}
