using System.Text;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Server.Tests.Register;

/// <summary>The verifier over registers built in memory, as an export would carry them.</summary>
public sealed class VerifierTests
{
    private static readonly DateTimeOffset At = new(2031, 5, 18, 17, 18, 0, TimeSpan.Zero);

    private static TelegramRecord Inbound(long number) => new()
    {
        Id = Guid.NewGuid(),
        Direction = Direction.Inbound,
        Counterpart = "did:example:bravo",
        Serial = number,
        RegistryNumber = number,
        Status = TelegramStatus.Registered,
        CreatedAt = At,
        ReleasedAt = At,
        RegisteredAt = At,
        Subject = $"Point {number}",
        Body = "Text.",
        Precedence = Precedence.Routine,
        ContentHash = new string('c', 64),
        Plaintext = Encoding.UTF8.GetBytes("p"),
        SignedOriginal = Encoding.UTF8.GetBytes("s"),
    };

    private static RegisterSnapshot Register(params TelegramRecord[] telegrams)
    {
        var entries = new List<RegisterEntry>();
        foreach (var t in telegrams.DistinctBy(t => t.Id))
        {
            entries.Add(RegisterChain.Next(entries.Count > 0 ? entries[^1] : null, RegisterKinds.TelegramIn,
                RegisterChain.TelegramReference(t.Id, t.Direction), At, RegisterChain.TelegramContent(t), keepContent: false));
        }

        return new RegisterSnapshot { Entries = entries, Telegrams = telegrams, Cables = [], Checkpoints = [] };
    }

    [Fact]
    public void A_register_built_by_the_rules_verifies()
    {
        var report = RegisterVerifier.Verify(Register(Inbound(1), Inbound(2)), "did:example:alpha", _ => null);
        Assert.True(report.Ok);
        Assert.Equal(2, report.Entries);
    }

    [Fact]
    public void A_second_row_for_the_same_telegram_is_reported_as_inserted()
    {
        var t = Inbound(1);
        var report = RegisterVerifier.Verify(Register(t, t with { Body = "Another text." }), "did:example:alpha", _ => null);
        Assert.False(report.Ok);
        Assert.Contains(report.Problems, p => p.Problem == "inserted" && p.TelegramId == t.Id);
    }

    [Fact]
    public void A_state_change_naming_a_telegram_not_yet_recorded_is_reported_at_its_position()
    {
        var t = Inbound(1);
        var register = Register(t);
        var read = RegisterChain.Next(register.Entries[^1], RegisterKinds.Read, RegisterChain.TelegramReference(Guid.NewGuid(), Direction.Inbound), At,
            RegisterChain.ReadContent(t.Id, At), keepContent: true);
        var report = RegisterVerifier.Verify(register with { Entries = [.. register.Entries, read] }, "did:example:alpha", _ => null);
        Assert.Equal(2, report.First?.Position);
    }

    [Fact]
    public void A_checkpoint_that_does_not_verify_is_reported()
    {
        var register = Register(Inbound(1)) with
        {
            Checkpoints = [new Checkpoint { AgencyDid = "did:example:alpha", Count = 1, Head = new string('a', 64), Time = At, SignedMessage = [1], StoredAt = At }],
        };
        var report = RegisterVerifier.Verify(register, "did:example:alpha", _ => null);
        Assert.Equal("checkpoint", Assert.Single(report.Problems).Problem);

        // Verified, but its head is not the chain's at its count: the chain was rewritten.
        var signed = RegisterVerifier.Verify(register, "did:example:alpha", _ => new CheckpointStatement("did:example:alpha", 1, new string('a', 64), At));
        Assert.Contains("rewritten", Assert.Single(signed.Problems).Detail, StringComparison.Ordinal);
    }
}
