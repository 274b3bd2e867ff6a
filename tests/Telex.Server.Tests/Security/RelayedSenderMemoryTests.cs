using System.Buffers.Text;
using System.Runtime;
using System.Text.Json;

using Microsoft.Data.Sqlite;

using Telex.Core.Protocol;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// What an agency keeps about senders it heard of through a relay. A relay whose tie permits relays vouches for the pair,
/// not for how many senders it brings: each one's bookkeeping must not outlive its use.
/// </summary>
[Collection(HeapMeasurement.Name)]
public sealed class RelayedSenderMemoryTests
{
    private const int Senders = 200;
    private const long AllowedGrowth = 20 * 1024 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Senders_heard_of_through_a_relay_leaving_gaps_in_their_serials_are_not_kept_in_memory_once_their_gaps_are_checked()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Relay");
        using var tied = HostilePeer.Create("Charlie");
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, tied.TieRequest(await b.Agency.Ties.CreateInvitationAsync()))).Status);
        long before = HeapAfterFullCollection();

        // Each fresh sender's first telegram is serial 10,001: ten thousand serials missing, which no resend can ask for
        // (there is no tie to ask over).
        for (int i = 0; i < Senders; i++)
        {
            using var sender = HostilePeer.Create("Sender " + i);
            byte[] inner = sender.SignAndEncrypt(sender.RelayedTelegram(b.Did, 10_001, relay.Did, "Sender " + i), b.Did);
            Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, sender.Did, inner))).Status);
        }

        // A tied counterpart's gaps, asked for over its tie, show the gap checks that ran after every sender had arrived:
        // the first gap is asked for at the second check after it, the second gap at the second check after that.
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, tied.SignAndEncrypt(tied.Telegram(b.Did, 3), b.Did))).Status);
        await Eventually.UntilAsync(() => AskedForAsync(b, tied.Did), s => s.Contains(1L), Deadline, "Charlie's first gap asked for");
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, tied.SignAndEncrypt(tied.Telegram(b.Did, 6), b.Did))).Status);
        await Eventually.UntilAsync(() => AskedForAsync(b, tied.Did), s => s.Contains(4L), Deadline, "Charlie's second gap asked for");

        long growth = HeapAfterFullCollection() - before;
        Assert.True(growth < AllowedGrowth, $"the managed heap grew by {growth / (1024 * 1024)} MB for {Senders} senders heard of through a relay");
    }

    private static long HeapAfterFullCollection()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>Every serial the resend requests queued for <paramref name="peerDid"/> ask for, read from the agency's database file.</summary>
    private static async Task<HashSet<long>> AskedForAsync(TestAgency agency, string peerDid)
    {
        string file = Path.Combine(agency.Directory, "telex.db");
        await using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await c.OpenAsync();
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT payload FROM outbox WHERE peer_did = $p";
        cmd.Parameters.AddWithValue("$p", peerDid);
        var serials = new HashSet<long>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            using var jws = JsonDocument.Parse((byte[])reader[0]);
            using var message = JsonDocument.Parse(Base64Url.DecodeFromChars(jws.RootElement.GetProperty("payload").GetString()));
            if (message.RootElement.GetProperty("type").GetString() == MessageTypes.Resend)
            {
                serials.UnionWith(message.RootElement.GetProperty("body").GetProperty("missing").EnumerateArray().Select(s => s.GetInt64()));
            }
        }

        return serials;
    }
}
