using System.Text;

using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>
/// The verifier's signature rules over registers built in memory: each signed original names its signer as bytes
/// (<c>signed-by DID</c>), and a from_prior is "good" or forged, so that the rules, not the cryptography, are under test.
/// </summary>
public sealed class RotationVerifierTests
{
    private const string Alpha = "did:example:alpha";
    private const string Bravo = "did:example:bravo";
    private const string BravoRotated = "did:example:bravo-2";
    private static readonly DateTimeOffset At = new(2031, 5, 18, 17, 18, 0, TimeSpan.Zero);

    private static readonly SignatureChecks Checks = new(
        signed => Encoding.UTF8.GetString(signed) is var s && s.StartsWith("signed-by ", StringComparison.Ordinal) ? s["signed-by ".Length..] : null,
        jwt => jwt.Split('|') is ["good", var iss, var sub] ? new FromPriorClaims(iss, sub) : null);

    private static TelegramRecord Telegram(Direction direction, long serial, string counterpart, string signer) => new()
    {
        Id = Guid.NewGuid(),
        Direction = direction,
        Counterpart = counterpart,
        Serial = serial,
        RegistryNumber = direction == Direction.Inbound ? serial : 0,
        Status = direction == Direction.Inbound ? TelegramStatus.Registered : TelegramStatus.Queued,
        CreatedAt = At,
        ReleasedAt = At,
        RegisteredAt = At,
        Subject = $"Point {serial}",
        Body = "Text.",
        Precedence = Precedence.Routine,
        ContentHash = new string('c', 64),
        Plaintext = Encoding.UTF8.GetBytes("p"),
        SignedOriginal = Encoding.UTF8.GetBytes("signed-by " + signer),
    };

    private static KeyRotation Rotation(string oldDid, string newDid, bool own, string? fromPrior = null) =>
        new(OldDid: oldDid, NewDid: newDid, FromPrior: fromPrior ?? $"good|{oldDid}|{newDid}", At: At, Own: own);

    /// <summary>A chain holding the telegrams and rotations (or (rotation, reference) pairs) in the order given.</summary>
    private static RegisterSnapshot Register(params object[] items)
    {
        var entries = new List<RegisterEntry>();
        foreach (var item in items)
        {
            var previous = entries.Count > 0 ? entries[^1] : null;
            entries.Add(item switch
            {
                TelegramRecord t => RegisterChain.Next(previous, t.Direction == Direction.Inbound ? RegisterKinds.TelegramIn : RegisterKinds.TelegramOut,
                    RegisterChain.TelegramReference(t.Id, t.Direction), At, RegisterChain.TelegramContent(t), keepContent: false),
                KeyRotation r => RegisterChain.Next(previous, RegisterKinds.KeyRotation, RegisterChain.KeyRotationReference(r.OldDid), At,
                    RegisterChain.KeyRotationContent(r), keepContent: true),
                (KeyRotation r, string reference) => RegisterChain.Next(previous, RegisterKinds.KeyRotation, reference, At,
                    RegisterChain.KeyRotationContent(r), keepContent: true),
                _ => throw new ArgumentException("a telegram, a rotation, or a rotation with the reference it is filed under", nameof(items)),
            });
        }

        return new RegisterSnapshot { Entries = entries, Telegrams = [.. items.OfType<TelegramRecord>()], Cables = [], Checkpoints = [] };
    }

    private static VerifyReport Verify(RegisterSnapshot register) => RegisterVerifier.Verify(register, Alpha, _ => null, Checks);

    [Fact]
    public void Telegrams_signed_before_and_after_rotations_on_both_sides_verify_by_the_dids_the_rotations_link()
    {
        const string AlphaOld = "did:example:alpha-0";
        var register = Register(
            Telegram(Direction.Outbound, 1, Bravo, AlphaOld),
            Telegram(Direction.Inbound, 1, Bravo, Bravo),
            Rotation(AlphaOld, Alpha, own: true),
            Rotation(Bravo, BravoRotated, own: false),
            Telegram(Direction.Outbound, 2, BravoRotated, Alpha),

            // Still in flight when Bravo rotated: signed with its old key, filed under its new DID.
            Telegram(Direction.Inbound, 2, BravoRotated, Bravo),
            Telegram(Direction.Inbound, 3, BravoRotated, BravoRotated));

        var report = Verify(register);

        Assert.True(report.Ok, string.Join("; ", report.Problems));
    }

    [Fact]
    public void A_telegram_signed_by_a_did_no_rotation_links_to_its_counterpart_is_reported()
    {
        var stranger = Telegram(Direction.Inbound, 2, Bravo, "did:example:mallory");
        var register = Register(Telegram(Direction.Inbound, 1, Bravo, Bravo), stranger, Telegram(Direction.Outbound, 1, Bravo, "did:example:nobody"));

        var report = Verify(register);

        Assert.Equal(2, report.Problems.Count);
        Assert.Equal((2L, "signature", stranger.Id), (report.First!.Position, report.First.Problem, report.First.TelegramId));
        Assert.Contains("did:example:mallory", report.First.Detail, StringComparison.Ordinal);
        Assert.Equal((3L, "signature"), (report.Problems[1].Position, report.Problems[1].Problem));

        // Without signature checks the same register passes: only the chain and the rows are compared.
        Assert.True(RegisterVerifier.Verify(register, Alpha, _ => null).Ok);
    }

    [Fact]
    public void A_rotation_whose_from_prior_does_not_verify_is_reported_and_links_nothing()
    {
        var forged = Rotation(Bravo, BravoRotated, own: false, fromPrior: "forged");
        var after = Telegram(Direction.Inbound, 1, BravoRotated, BravoRotated);
        var shifted = Rotation(Bravo, BravoRotated, own: false, fromPrior: $"good|{Bravo}|did:example:elsewhere");
        var inbound = Telegram(Direction.Inbound, 2, Bravo, BravoRotated);

        var report = Verify(Register(forged, after));
        Assert.Single(report.Problems);
        Assert.Equal((1L, "signature"), (report.First!.Position, report.First.Problem));

        var second = Verify(Register(shifted, inbound));
        Assert.Equal(2, second.Problems.Count);
        Assert.Equal((1L, "signature"), (second.First!.Position, second.First.Problem));
        Assert.Equal((2L, "signature", inbound.Id), (second.Problems[1].Position, second.Problems[1].Problem, second.Problems[1].TelegramId));
    }

    [Fact]
    public void A_changed_rotation_entry_is_reported()
    {
        var register = Register(Rotation(Bravo, BravoRotated, own: false));
        var entry = register.Entries[0];
        var altered = entry with { Content = RegisterChain.KeyRotationContent(Rotation(Bravo, "did:example:mallory", own: false)) };

        var report = Verify(register with { Entries = [altered] });

        Assert.Contains(report.Problems, p => p.Position == 1 && p.Problem == "changed");
    }

    [Fact]
    public void A_rotation_entry_filed_under_another_dids_reference_is_reported_and_links_nothing()
    {
        // Bravo's DID rotated a second time, to a DID Mallory holds, with a from_prior that verifies: filed under the
        // reference of another DID, it would escape the rule that the chain records one rotation per old DID.
        const string Mallory = "did:example:mallory";
        var forged = Telegram(Direction.Inbound, 1, BravoRotated, Mallory);
        var register = Register(
            Rotation(Bravo, BravoRotated, own: false),
            (Rotation(Bravo, Mallory, own: false), RegisterChain.KeyRotationReference("did:example:charlie")),
            forged);

        var report = Verify(register);

        Assert.Equal(2, report.Problems.Count);
        Assert.Equal((2L, "changed"), (report.First!.Position, report.First.Problem));
        Assert.Equal((3L, "signature", forged.Id), (report.Problems[1].Position, report.Problems[1].Problem, report.Problems[1].TelegramId));

        // Filed under Bravo's own reference, the second rotation is the second record of one thing.
        var twice = Verify(Register(Rotation(Bravo, BravoRotated, own: false), Rotation(Bravo, Mallory, own: false), forged));
        Assert.Equal((2L, "inserted"), (twice.First!.Position, twice.First.Problem));
        Assert.Contains(twice.Problems, p => p.Position == 3 && p.Problem == "signature");
    }
}
