using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Ties;

namespace Telex.Core.Tests.Ties;

/// <summary>
/// What this agency's officers may do to a tie's status, as a table written out here, and how terms travel between two
/// agencies: what one sends, the other reads back the same; what is malformed or invalid is read as nothing.
/// </summary>
public sealed class TieRuleTests
{
    private const string Ok = "allowed";

    /// <summary>
    /// Rows: the tie's status (and who suspended it); columns: the status asked for (established, suspended, severed).
    /// A suspension the counterpart made is lifted only by the counterpart.
    /// </summary>
    private static readonly (TieStatus From, TieSide? SuspendedBy, string[] To)[] Expected =
    [
        (TieStatus.None, null, ["a none tie cannot become established", "a none tie cannot become suspended", "a none tie cannot become severed"]),
        (TieStatus.Invited, null, ["a invited tie cannot become established", "a invited tie cannot become suspended", Ok]),
        (TieStatus.Established, null, ["a established tie cannot become established", Ok, Ok]),
        (TieStatus.Suspended, TieSide.ThisAgency, [Ok, "a suspended tie cannot become suspended", Ok]),
        (TieStatus.Suspended, null, [Ok, "a suspended tie cannot become suspended", Ok]),
        (TieStatus.Suspended, TieSide.Counterpart,
            ["the counterpart suspended this tie: only the counterpart can resume it", "a suspended tie cannot become suspended", Ok]),
        (TieStatus.Severed, null, ["a severed tie cannot become established", "a severed tie cannot become suspended", "a severed tie cannot become severed"]),
    ];

    private static readonly TieStatus[] Asked = [TieStatus.Established, TieStatus.Suspended, TieStatus.Severed];

    [Fact]
    public void Officers_change_a_tie_only_as_the_table_says()
    {
        var wrong = new List<string>();
        foreach (var (from, suspendedBy, to) in Expected)
        {
            var tie = new Tie { PeerDid = "did:peer:2.x", PeerName = "Ministry", PeerEndpoint = "https://ministry.example/didcomm", Status = from, SuspendedBy = suspendedBy };
            for (int i = 0; i < Asked.Length; i++)
            {
                string actual = TieService.StatusChangeProblem(tie, Asked[i]) ?? Ok;
                if (actual != to[i])
                {
                    wrong.Add($"{from} (suspended by {suspendedBy?.ToString() ?? "nobody"}) -> {Asked[i]}: expected '{to[i]}', got '{actual}'");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void Terms_sent_are_the_terms_read()
    {
        var terms = new TieTerms
        {
            Version = 7,
            MaxTelegramBytes = 100_000,
            MaxAttachmentBytes = 2_000_000,
            Expiry = TimeSpan.FromHours(36),
            MaxRetryInterval = TimeSpan.FromSeconds(90),
            ReadReceipts = true,
            Relays = true,
        };

        var read = TieService.ParseTerms(JsonSerializer.SerializeToElement(TieService.TermsJson(terms)));

        Assert.Equal(terms, read);
    }

    [Fact]
    public void Terms_from_an_agency_that_predates_relays_do_not_permit_them()
    {
        var sent = TieService.TermsJson(TieTerms.Default with { Relays = true });
        sent.Remove("relays");

        var read = TieService.ParseTerms(JsonSerializer.SerializeToElement(sent));

        Assert.NotNull(read);
        Assert.False(read.Relays);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"version":1,"max_telegram_bytes":"big","max_attachment_bytes":1,"expiry_seconds":60,"max_retry_interval_ms":1000,"read_receipts":false}""")]
    [InlineData("""{"version":1,"max_telegram_bytes":-1,"max_attachment_bytes":1,"expiry_seconds":60,"max_retry_interval_ms":1000,"read_receipts":false}""")]
    [InlineData("""{"version":1,"max_telegram_bytes":1000,"max_attachment_bytes":1,"expiry_seconds":99999999999999999,"max_retry_interval_ms":1000,"read_receipts":false}""")]
    [InlineData("[1,2,3]")]
    public void Malformed_or_invalid_terms_are_read_as_none(string json)
    {
        using var doc = JsonDocument.Parse(json);

        Assert.Null(TieService.ParseTerms(doc.RootElement));
    }
}
