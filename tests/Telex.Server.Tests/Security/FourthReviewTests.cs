using System.Net;
using System.Text;
using System.Text.Json.Nodes;

using Telex.Core.Protocol;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A fourth review's attacks: on the client API's binding (bodies and query strings an officer's client, or anyone
/// holding a session, could send malformed: each a 4xx problem document naming no stack trace, never a 500) and on the
/// inbound gate (a suspended counterpart and a relay trying routes around it). Each refusal changes nothing.
/// </summary>
public sealed class FourthReviewTests
{
    [Fact]
    public async Task Malformed_bodies_and_query_strings_are_4xx_problems_and_never_500s()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        string bureau = Guid.NewGuid().ToString();

        var bodies = new (HttpMethod Method, string Path, string Json)[]
        {
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[null]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"term":"x","means":7}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"means":"open"}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":[{"term":"x","means":"open","retired":null}]}"""),
            (HttpMethod.Put, "/api/issues/outcomes", """{"outcomes":{}}"""),
            (HttpMethod.Put, "/api/issues/outcomes", "null"),
            (HttpMethod.Put, $"/api/bureaus/{bureau}/outcomes", """{"outcomes":[null]}"""),
            (HttpMethod.Put, $"/api/bureaus/{bureau}/outcomes", """{"outcomes":[{"term":"x","means":"open","retired":true}]}"""),
            (HttpMethod.Post, "/api/directory", """{"name":"Zulu","tiedWith":[null]}"""),
            (HttpMethod.Post, "/api/directory", """{"name":"Zulu","tiedWith":[1]}"""),
            (HttpMethod.Post, "/api/bureaus", """{"name":"B","purpose":"p","members":[null]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","attendees":[null]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","references":["not-a-guid"]}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","precedence":3}"""),
            (HttpMethod.Post, "/api/telegrams", """{"to":"did:peer:2.x","subject":"s","body":"b","attachments":[{"name":"a","mediaType":"text/plain","contentBase64":"%%%"}]}"""),
            (HttpMethod.Post, "/api/telegrams", "[]"),
            (HttpMethod.Post, "/api/telegrams", "\"text\""),
            (HttpMethod.Post, "/api/clearance/rules", """{"officers":[null]}"""),
        };
        foreach (var (method, path, json) in bodies)
        {
            using var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
            await AssertProblemAsync(await admin.SendAsync(request), $"{method} {path} {json}");
        }

        using (var invalidUtf8 = new HttpRequestMessage(HttpMethod.Post, "/api/telegrams")
        {
            Content = new ByteArrayContent([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'])
            {
                Headers = { ContentType = new("application/json") },
            },
        })
        {
            await AssertProblemAsync(await admin.SendAsync(invalidUtf8), "invalid UTF-8");
        }

        foreach (string query in new[]
        {
            "/api/telegrams?limit=1&limit=2",
            "/api/telegrams?offset=2147483647&limit=1000",
            "/api/telegrams?from=9999-12-31T23:59:59-14:00",
            "/api/telegrams?from=0001-01-01T00:00:00%2B14:00",
            "/api/telegrams?until=0001-01-01",
            "/api/telegrams?status=1",
            "/api/telegrams?direction=%00",
            "/api/telegrams?q=%FF%FE",
            "/api/telegrams?issue=%00",
            "/api/issues?limit=-1",
            "/api/issues?status=7",
            "/api/issues?q=" + new string('x', 2_000),
        })
        {
            using var response = await admin.GetAsync(query);
            Assert.True((int)response.StatusCode is 200 or (>= 400 and < 500), $"{query}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await AssertProblemAsync(response, query);
            }
        }

        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));
        Assert.Empty(await a.Store.Directory.ListDirectoryAsync());
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string what)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{what}: {(int)response.StatusCode} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", $"{what}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {text}");
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        response.Dispose();
    }

    [Fact]
    public async Task A_counterpart_suspended_here_cannot_resume_or_send_through_a_relay_and_a_relay_cannot_pass_itself_or_a_nested_delivery_off_as_an_origin()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var relay = await HostilePeer.RelayTiedWithAsync(b, "Crooked Relay");
        using var mallory = await HostilePeer.TiedWithAsync(b, "Mallory");
        using var stranger = HostilePeer.Create("Stranger");
        await b.Agency.Ties.ChangeTieStatusAsync(mallory.Did, TieStatus.Suspended);
        var resume = mallory.Message(MessageTypes.TieStatus, b.Did, new JsonObject { ["status"] = "established" });
        Task<(int, string?)> RelayAsync(string origin, byte[] inner) => HostilePeer.PostAsync(b.Identity.Endpoint, relay.RelayDelivery(b.Did, origin, inner));

        // Over the tie, the side that did not suspend it cannot lift the suspension.
        Assert.Equal((403, "e.p.tie.suspended-here"), await HostilePeer.PostAsync(b.Identity.Endpoint, mallory.SignAndEncrypt(resume, b.Did)));

        // Nor through a relay, where a tie's state would not be judged: a tied agency sends over its tie.
        Assert.Equal((403, "e.p.tie.none"), await RelayAsync(mallory.Did, mallory.SignAndEncrypt(resume, b.Did)));
        Assert.Equal((403, "e.p.tie.none"), await RelayAsync(mallory.Did,
            mallory.SignAndEncrypt(mallory.RelayedTelegram(b.Did, 1, relay.Did, "Mallory"), b.Did)));

        // The relay naming itself as the origin, a delivery nested in a delivery, a forward or a stranger's control messages.
        Assert.Equal((403, "e.p.tie.none"), await RelayAsync(relay.Did, relay.SignAndEncrypt(relay.RelayedTelegram(b.Did, 1, relay.Did, "Relay"), b.Did)));
        foreach (var type in new[] { MessageTypes.TieStatus, MessageTypes.KeysRotate, MessageTypes.BureauOutcomes, MessageTypes.BureauCharter, MessageTypes.TermsSign, MessageTypes.RelayDelivery, Telex.DidComm.DidCommPacker.ForwardType })
        {
            var control = stranger.Message(type, b.Did, new JsonObject { ["status"] = "established", ["bureau"] = Guid.NewGuid().ToString() });
            Assert.Equal((400, "e.p.msg.unsupported"), await RelayAsync(stranger.Did, stranger.SignAndEncrypt(control, b.Did)));
        }

        Assert.Equal(TieStatus.Suspended, (await b.Store.Ties.GetTieAsync(mallory.Did))!.Status);
        Assert.Null(await b.Store.Ties.GetTieAsync(stranger.Did));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task Only_the_secretariat_retires_or_revives_a_bureaus_outcomes_and_a_fellow_member_or_a_tied_stranger_changes_nothing()
    {
        await using var member = await TestAgency.StartAsync("Alpha");
        using var secretariat = await HostilePeer.TiedWithAsync(member, "Bravo");
        using var fellow = await HostilePeer.TiedWithAsync(member, "Charlie");
        using var stranger = await HostilePeer.TiedWithAsync(member, "Delta");
        var bureauId = Guid.NewGuid();
        string id = bureauId.ToString();
        JsonArray Members() => new(new JsonObject { ["did"] = secretariat.Did, ["name"] = "Bravo" }, new JsonObject { ["did"] = member.Did, ["name"] = "Alpha" },
            new JsonObject { ["did"] = fellow.Did, ["name"] = "Charlie" });
        Task<(int, string?)> SendAsync(HostilePeer from, string type, JsonObject body) =>
            HostilePeer.PostAsync(member.Identity.Endpoint, from.SignAndEncrypt(from.Message(type, member.Did, body) with { Thid = id }, member.Did));
        JsonObject Outcomes(long version, bool grantedRetired) => new()
        {
            ["bureau"] = id,
            ["version"] = version,
            ["outcomes"] = new JsonArray(
                new JsonObject { ["term"] = "granted", ["means"] = "agreed", ["retired"] = grantedRetired },
                new JsonObject { ["term"] = "settled", ["means"] = "agreed" },
                new JsonObject { ["term"] = "referred", ["means"] = "referred" }),
        };

        Assert.Equal(202, (await SendAsync(secretariat, MessageTypes.BureauCharter, new JsonObject
        {
            ["bureau"] = id,
            ["name"] = "Words",
            ["purpose"] = "Outcomes.",
            ["founder"] = secretariat.Did,
            ["secretariat"] = secretariat.Did,
            ["rule"] = "all",
            ["members"] = Members(),
        })).Item1);
        await member.Agency.Bureaus.AcceptBureauAsync(bureauId);
        Assert.Equal(202, (await SendAsync(secretariat, MessageTypes.BureauEpoch, new JsonObject { ["bureau"] = id, ["name"] = "Words", ["epoch"] = 1, ["members"] = Members() })).Item1);
        Assert.Equal(202, (await SendAsync(secretariat, MessageTypes.BureauOutcomes, Outcomes(1, grantedRetired: true))).Item1);
        var held = await member.Agency.Bureaus.BureauOutcomesAsync(bureauId);
        Assert.Contains(new OutcomeTerm("granted", IssueStatus.Agreed, Retired: true), held);

        // A fellow member or a tied agency outside the bureau reviving "granted" under a later version: refused, and the
        // secretariat's next version is still taken.
        Assert.Equal((403, "e.p.bureau.not-secretariat"), await SendAsync(fellow, MessageTypes.BureauOutcomes, Outcomes(2, grantedRetired: false)));
        Assert.Equal((403, "e.p.bureau.not-secretariat"), await SendAsync(stranger, MessageTypes.BureauOutcomes, Outcomes(2, grantedRetired: false)));
        Assert.Equal(held, await member.Agency.Bureaus.BureauOutcomesAsync(bureauId));
        Assert.Equal(1L, (await member.Store.Bureaus.GetBureauOutcomesAsync(bureauId))!.Version);

        Assert.Equal(202, (await SendAsync(secretariat, MessageTypes.BureauOutcomes, Outcomes(2, grantedRetired: false))).Item1);
        Assert.Contains(new OutcomeTerm("granted", IssueStatus.Agreed), await member.Agency.Bureaus.BureauOutcomesAsync(bureauId));
    }
}
