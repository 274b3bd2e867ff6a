using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.TestKit;

namespace Telex.Server.Tests.Federation;

public sealed class BureauFanOutTests(TwentyMemberBureau fixture) : IClassFixture<TwentyMemberBureau>
{
    private BureauNetwork Net => fixture.Network;

    [Fact]
    public async Task A_bulletin_to_twenty_members_is_registered_once_by_each_with_a_receipt_back_at_the_founder()
    {
        string subject = "Bulletin " + Guid.NewGuid();
        var sent = await Net.Founder.Agency.BureauTraffic.SendBulletinAsync(Net.Bureau.Id,
            new TelegramDraft { To = "", Subject = subject, Body = "Ties for now with all twenty.", Precedence = Precedence.Priority }, "kovalev");

        // One telegram per member, each on its own tie with its own serial.
        Assert.Equal(20, sent.Count);
        Assert.Equal(Net.Members.Select(m => m.Did).Order(StringComparer.Ordinal), sent.Select(t => t.Counterpart).Order(StringComparer.Ordinal));
        Assert.Equal(20, sent.Select(t => t.Id).Distinct().Count());
        Assert.All(sent, t => Assert.Equal((Net.Bureau.Id, Net.Epoch), (t.BureauId!.Value, t.BureauEpoch!.Value)));

        // Each receipt comes back to the founder: every telegram delivered, with the member's registry number.
        foreach (var t in sent)
        {
            var delivered = await Eventually.UntilAsync(() => Net.Founder.Store.Telegrams.GetTelegramAsync(t.Id, Direction.Outbound),
                x => x?.Status == TelegramStatus.Delivered, BureauNetwork.Deadline, $"the bulletin to {t.Counterpart[..20]} is delivered");
            Assert.NotNull(delivered!.Receipt);
            Assert.True(delivered.PeerRegistryNumber > 0);
        }

        // Each member registered it exactly once, as a bulletin of the bureau's epoch, under the number in its receipt.
        foreach (var m in Net.Members)
        {
            var inbound = await m.Store.Register.QueryAsync(new RegisterQuery { Counterpart = Net.Founder.Did, Direction = Direction.Inbound, Limit = 1000 });
            var bulletin = Assert.Single(inbound, t => t.Subject == subject);
            Assert.Equal(Net.Bureau.Id, bulletin.BureauId);
            Assert.Equal(Net.Epoch, bulletin.BureauEpoch);
            var atFounder = sent.Single(t => t.Counterpart == m.Did);
            Assert.Equal(atFounder.Id, bulletin.Id);
            Assert.Equal((await Net.Founder.Store.Telegrams.GetTelegramAsync(atFounder.Id, Direction.Outbound))!.PeerRegistryNumber, bulletin.RegistryNumber);
            Assert.True((await m.Agency.Register.VerifyRegisterAsync()).Ok);
        }

        Assert.True((await Net.Founder.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_bureau_issue_and_its_status_change_reach_every_member_and_a_bulletin_on_it_is_filed_under_it()
    {
        var issue = await Net.Founder.Agency.BureauTraffic.OpenBureauIssueAsync(Net.Bureau.Id, "Aid requested", "kovalev");
        Assert.Equal(BureauIssues.Counterpart(Net.Bureau.Id), issue.Counterpart);
        var bulletins = await Net.Founder.Agency.BureauTraffic.SendBulletinAsync(Net.Bureau.Id,
            new TelegramDraft { To = "", Subject = "On the aid", Body = "Aid granted in part.", IssueId = issue.Id }, "kovalev");
        var change = await Net.Founder.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Referred, "Referred for the details", "Gao Gang in Shenyang", "kovalev");
        Assert.Equal(2, change.Clock);

        foreach (var m in Net.Members)
        {
            var held = await Eventually.UntilAsync(() => m.Store.Issues.GetIssueAsync(issue.Id), i => i?.Status == IssueStatus.Referred, BureauNetwork.Deadline,
                $"{m.Identity.Name} holds the issue referred");
            Assert.Equal(Net.Bureau.Id, held!.BureauId);
            Assert.Equal("Gao Gang in Shenyang", held.ReferredTo);
            Assert.Contains(await m.Store.Issues.ListIssuesAsync(new IssueQuery { Counterpart = BureauIssues.Counterpart(Net.Bureau.Id) }), i => i.Id == issue.Id);
            var telegram = await Eventually.UntilAsync(() => m.Store.Register.QueryAsync(new RegisterQuery { IssueId = issue.Id }), l => l.Count == 1,
                BureauNetwork.Deadline, $"{m.Identity.Name} holds the bulletin on the issue");
            Assert.Equal(bulletins.Single(b => b.Counterpart == m.Did).Id, telegram[0].Id);
        }

        // A member's own change goes to every other member it is tied with; these members are tied with the founder only.
        var lone = Net.Members[0];
        var refusal = await Assert.ThrowsAsync<Telex.Core.TelexException>(() =>
            lone.Agency.Issues.ChangeIssueStatusAsync(issue.Id, IssueStatus.Closed, "Closed", null, "zhou"));
        Assert.Contains("no direct established tie with 19 member(s)", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await lone.Store.Issues.ListIssueEventsAsync(issue.Id)).Count);
    }
}
