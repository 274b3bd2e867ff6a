using System.Text.Json;

using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>What a checkpoint a counterpart sends must state to be kept: a count, a 64-digit lowercase hex head and a time.</summary>
public sealed class CheckpointStatementTests
{
    private static readonly string Head = new('a', 64);

    [Fact]
    public void A_checkpoint_states_its_signer_count_head_and_time()
    {
        var body = JsonSerializer.SerializeToElement(new { count = 12, head = Head, time = 1_700_000_000_000 });

        var statement = RegisterService.ParseStatement("did:peer:2.signer", body);

        Assert.Equal(new CheckpointStatement("did:peer:2.signer", 12, Head, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), statement);
    }

    [Theory]
    [InlineData("""{"head":"HEAD","time":1}""")]
    [InlineData("""{"count":-1,"head":"HEAD","time":1}""")]
    [InlineData("""{"count":1,"head":"HEAD"}""")]
    [InlineData("""{"count":1,"head":"HEAD","time":999999999999999999}""")]
    [InlineData("""{"count":1,"head":"abc","time":1}""")]
    [InlineData("""{"count":1,"head":"UPPER","time":1}""")]
    [InlineData("""{"count":1.5,"head":"HEAD","time":1}""")]
    [InlineData("""[1]""")]
    public void A_checkpoint_stating_anything_else_is_not_kept(string json)
    {
        using var doc = JsonDocument.Parse(json.Replace("HEAD", Head, StringComparison.Ordinal).Replace("UPPER", Head.ToUpperInvariant(), StringComparison.Ordinal));

        Assert.Null(RegisterService.ParseStatement("did:peer:2.signer", doc.RootElement));
    }
}
