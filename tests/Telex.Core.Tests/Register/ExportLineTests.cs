using System.Text;
using System.Text.Json.Nodes;

using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>How an export writes and reads the lines of chain entries, imported cables and checkpoints.</summary>
public sealed class ExportLineTests
{
    private static readonly DateTimeOffset At = new(2026, 5, 18, 10, 0, 0, TimeSpan.Zero);

    private static readonly RegisterEntry Entry = RegisterChain.Next(null, RegisterKinds.Read, "x/in", At, [1, 2, 3], keepContent: true);

    private static readonly ImportedCable Cable = new(Guid.NewGuid(), RegistryNumber: 7, ReceivedAt: At, SenderSerial: 3, Signer: "Kovalev",
        SignedOn: "18 May", Text: "The text.", ImportedAt: At, Trailer: "[...]", Source: "cable.txt");

    private static readonly Checkpoint Checkpoint = new(AgencyDid: "did:example:alpha", Count: 1, Head: Entry.Hash, Time: At, SignedMessage: [4],
        StoredAt: At);

    private static async Task<List<JsonObject>> ExportAsync()
    {
        var register = new RegisterSnapshot { Entries = [Entry], Telegrams = [], Cables = [Cable], Checkpoints = [Checkpoint] };
        using var output = new MemoryStream();
        await RegisterExport.WriteAsync(output, register, "did:example:alpha", "Alpha", At);
        return Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonNode.Parse(line)!.AsObject()).ToList();
    }

    private static async Task<(RegisterSnapshot? Register, string? Error)> ImportAsync(IEnumerable<JsonObject> lines)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', lines.Select(l => l.ToJsonString()))));
        var (register, _, error) = await RegisterExport.ReadAsync(input);
        return (register, error);
    }

    [Fact]
    public async Task Entries_cables_and_checkpoints_are_written_with_their_fields_in_the_export_order()
    {
        var lines = await ExportAsync();

        Assert.Equal(["position", "kind", "reference", "time", "contentHash", "content", "prevHash", "hash"],
            lines.Single(l => (string?)l["type"] == "entry")["entry"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["id", "registryNumber", "receivedAt", "senderSerial", "signer", "signedOn", "text", "trailer", "importedAt", "source"],
            lines.Single(l => (string?)l["type"] == "cable")["cable"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["agencyDid", "count", "head", "time", "signedMessage", "storedAt"],
            lines.Single(l => (string?)l["type"] == "checkpoint")["checkpoint"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task An_export_reads_back_its_entries_cables_and_checkpoints_as_written()
    {
        var (register, error) = await ImportAsync(await ExportAsync());

        Assert.Null(error);
        var entry = Assert.Single(register!.Entries);
        Assert.Equal(Entry with { Content = null }, entry with { Content = null });
        Assert.Equal(Entry.Content, entry.Content);
        Assert.Equal(Cable, Assert.Single(register.Cables));
        var checkpoint = Assert.Single(register.Checkpoints);
        Assert.Equal(Checkpoint with { SignedMessage = [] }, checkpoint with { SignedMessage = [] });
        Assert.Equal(Checkpoint.SignedMessage, checkpoint.SignedMessage);
    }

    [Theory]
    [InlineData("entry", "hash")]
    [InlineData("entry", "prevHash")]
    [InlineData("cable", "importedAt")]
    [InlineData("cable", "signer")]
    [InlineData("checkpoint", "head")]
    public async Task A_line_without_a_field_its_record_needs_is_refused(string type, string field)
    {
        var lines = await ExportAsync();
        Assert.True(lines.Single(l => (string?)l["type"] == type)[type]!.AsObject().Remove(field));

        var (register, error) = await ImportAsync(lines);

        Assert.Null(register);
        Assert.Contains("not a valid export line", error, StringComparison.Ordinal);
        Assert.Contains(field, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("entry", "content")]
    [InlineData("cable", "trailer")]
    [InlineData("cable", "source")]
    public async Task A_line_without_an_optional_field_reads_it_as_its_default(string type, string field)
    {
        var lines = await ExportAsync();
        Assert.True(lines.Single(l => (string?)l["type"] == type)[type]!.AsObject().Remove(field));

        var (register, error) = await ImportAsync(lines);

        Assert.Null(error);
        Assert.Equal(field == "content" ? null : Entry.Content, register!.Entries[0].Content);
        Assert.Equal(field == "trailer" ? "" : Cable.Trailer, register.Cables[0].Trailer);
        Assert.Equal(field == "source" ? null : Cable.Source, register.Cables[0].Source);
    }
}
