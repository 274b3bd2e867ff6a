using Telex.Core;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

/// <summary>An invitation is used up only by the request that carries its secret.</summary>
public sealed class InvitationTests
{
    [Fact]
    public async Task A_mistyped_invitation_code_is_refused_stores_nothing_at_either_end_and_the_right_code_still_works()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        var code = await a.Agency.Ties.CreateInvitationAsync();
        char last = code.Secret[^1];
        var mistyped = code with { Secret = code.Secret[..^1] + (last == 'A' ? 'B' : 'A') };

        var refused = await Assert.ThrowsAsync<TelexException>(() => b.Agency.Ties.AcceptInvitationAsync(mistyped.Url));
        Assert.Equal(TelexErrorKind.Peer, refused.Kind);
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await a.Store.Ties.ListTiesAsync());
        Assert.Empty(await b.Store.Ties.ListTiesAsync());

        await b.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => b.Store.Ties.GetTieAsync(a.Did), t => t?.Status == TieStatus.Established, TimeSpan.FromSeconds(30),
            "the tie established with the right code");
        Assert.Equal(TieStatus.Established, (await a.Store.Ties.GetTieAsync(b.Did))!.Status);

        // Used once, the invitation is spent: the right code again is refused, and the tie stays as it is.
        await using var c = await TestAgency.StartAsync("Charlie");
        await Assert.ThrowsAsync<TelexException>(() => c.Agency.Ties.AcceptInvitationAsync(code.Url));
        Assert.Empty(await c.Store.Ties.ListTiesAsync());
        Assert.Single(await a.Store.Ties.ListTiesAsync());
    }
}
