using System.Net;
using System.Net.Http.Json;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary><c>POST /api/telegrams</c> takes its recipient by a counterpart's name as well as by DID, as it takes <c>via</c>.</summary>
public sealed class RecipientByNameTests
{
    private static object Telegram(string to) => new { to, subject = "The situation in the Orient", body = "Mao Zedong asked me to inform you." };

    [Fact]
    public async Task A_telegram_addressed_by_the_tied_counterparts_name_goes_to_its_tie()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var reader = await ApiClient.SignInTypedAsync(b, Role.Clerk);

        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("bravo"))).JsonAsync(HttpStatusCode.Created);

        Assert.Equal(b.Did, sent.GetProperty("counterpart").GetString());
        Assert.Equal("Bravo", sent.GetProperty("counterpartName").GetString());
        var inbound = await Eventually.UntilAsync(() => reader.ListTelegramsAsync("direction=inbound"),
            list => list.Length == 1, TimeSpan.FromSeconds(30), "the telegram is listed at Bravo");
        Assert.Equal("The situation in the Orient", inbound[0].Subject);
    }

    [Fact]
    public async Task A_name_no_counterpart_bears_is_a_validation_problem_and_sends_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Charlie"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("Charlie", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));
    }

    [Fact]
    public async Task A_name_two_ties_bear_is_a_validation_problem_and_sends_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var first = await TestAgency.StartAsync("Bravo");
        await using var second = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, first);
        await TestAgency.TieAsync(a, second);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("several ties are named 'Bravo'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        // The DID tells them apart.
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram(second.Did))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(second.Did, sent.GetProperty("counterpart").GetString());
    }

    [Fact]
    public async Task A_name_is_trusted_only_once_the_ties_fingerprint_is_confirmed()
    {
        // A tie's name is what the other side called itself when it used the invitation: until an officer has compared
        // the fingerprint, anyone holding the code could bear it.
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        var code = await a.Agency.Ties.CreateInvitationAsync();
        await b.Agency.Ties.AcceptInvitationAsync(code.Url);
        await Eventually.UntilAsync(() => a.Store.Ties.GetTieAsync(b.Did), t => t?.Status == TieStatus.Established,
            TimeSpan.FromSeconds(30), "Alpha holds an established tie with Bravo");
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var typed = await ApiClient.SignInTypedAsync(a, Role.ReleasingOfficer, "auditing");

        var problem = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");

        Assert.Equal("to", problem.GetProperty("field").GetString());
        Assert.Contains("fingerprint", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(await typed.ListTelegramsAsync("direction=outbound"));

        await a.Agency.Ties.VerifyTieAsync(b.Did);
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", Telegram("Bravo"))).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(b.Did, sent.GetProperty("counterpart").GetString());
    }
}
