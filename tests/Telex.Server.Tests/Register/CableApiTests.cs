using System.Net;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Register;

public sealed class CableApiTests
{
    private static string SeedCable()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
        {
            dir = dir.Parent;
        }

        return File.ReadAllText(Path.Combine(dir!.FullName, "..", "shared", "seed", "cable-1949-05-18.txt"));
    }

    [Fact]
    public async Task An_admin_imports_a_historical_cable_over_the_api_and_a_malformed_one_is_refused_with_its_line()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);
        using var seed = new StringContent(SeedCable(), System.Text.Encoding.UTF8, "text/plain");

        Assert.Equal(HttpStatusCode.Forbidden, (await clerk.PostAsync("/api/register/cables", seed)).StatusCode);
        using var created = await admin.PostAsync("/api/register/cables", seed);
        var imported = await created.JsonAsync(HttpStatusCode.Created);
        Assert.Equal(54611, imported.GetProperty("registryNumber").GetInt64());

        // The answer's Location opens the imported cable.
        var located = await (await admin.GetAsync(created.Headers.Location)).JsonAsync(HttpStatusCode.OK);
        Assert.Equal(54611, located.GetProperty("registryNumber").GetInt64());
        Assert.Equal(477, imported.GetProperty("senderSerial").GetInt64());
        Assert.Equal("Kovalev", imported.GetProperty("signer").GetString());
        Assert.Equal([1, 2, 3], imported.GetProperty("points").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains("[SIC, vzaimnye]", imported.GetProperty("editorialMarks").EnumerateArray().Select(m => m.GetString()));

        using var bad = new StringContent("Nº 1\n\n31 Febtember 1949 1718\n\nText.\n\nNo. 1 - X, 1 May\n", System.Text.Encoding.UTF8, "text/plain");
        var problem = await (await admin.PostAsync("/api/register/cables", bad)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("line 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var again = new StringContent(SeedCable(), System.Text.Encoding.UTF8, "text/plain");
        await (await admin.PostAsync("/api/register/cables", again)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, (await a.Store.Register.GetRegisterHeadAsync()).Count);
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task A_hostile_cable_is_refused_over_the_api_and_changes_nothing_in_the_register()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using (var seed = new StringContent(SeedCable(), System.Text.Encoding.UTF8, "text/plain"))
        {
            await (await admin.PostAsync("/api/register/cables", seed)).JsonAsync(HttpStatusCode.Created);
        }

        var head = await a.Store.Register.GetRegisterHeadAsync();
        string before = await (await admin.GetAsync("/api/telegrams")).Content.ReadAsStringAsync();

        // Another cable under the imported number, however different its text: Nº 54611 belongs to the seed cable.
        string other = "Nº 54611\n\n20 May 1949 0900\n\nA forged text by Vyshinsky.\n\nNo. 478 - Vyshinsky, 20 May\n";
        using (var duplicate = new StringContent(other, System.Text.Encoding.UTF8, "text/plain"))
        {
            var problem = await (await admin.PostAsync("/api/register/cables", duplicate)).ProblemAsync(HttpStatusCode.Conflict);
            Assert.Contains("Nº 54611 was imported before", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Larger than a cable can be, not UTF-8, malformed.
        string huge = "Nº 1\n\n18 May 1949 1718\n\n" + new string('x', Telex.Core.Register.CableText.MaxBytes) + "\n\nNo. 1 - X, 18 May\n";
        using (var tooLarge = new StringContent(huge, System.Text.Encoding.UTF8, "text/plain"))
        {
            await (await admin.PostAsync("/api/register/cables", tooLarge)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        }

        using (var latin1 = new ByteArrayContent([.. "Nº 2\n\n18 May 1949 1718\n\nText "u8, 0xE9, 0xFF, .. "\n\nNo. 1 - X, 18 May\n"u8]))
        {
            latin1.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
            await (await admin.PostAsync("/api/register/cables", latin1)).ProblemAsync(HttpStatusCode.BadRequest);
        }

        using (var malformed = new StringContent("Nº 3\n\n18 May 1949 1718\n\nText without a signature line.\n", System.Text.Encoding.UTF8, "text/plain"))
        {
            var problem = await (await admin.PostAsync("/api/register/cables", malformed)).ProblemAsync(HttpStatusCode.BadRequest);
            Assert.Contains("signature line", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(head, await a.Store.Register.GetRegisterHeadAsync());
        Assert.Equal(before, await (await admin.GetAsync("/api/telegrams")).Content.ReadAsStringAsync());
        Assert.Empty((await (await admin.GetAsync("/api/telegrams?q=Vyshinsky")).JsonAsync(HttpStatusCode.OK)).EnumerateArray());
        var byNumber = await (await admin.GetAsync("/api/register/54611")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Kovalev", byNumber.GetProperty("counterpartName").GetString());
        await (await admin.GetAsync("/api/register/3")).ProblemAsync(HttpStatusCode.NotFound);
        Assert.True((await a.Agency.Register.VerifyRegisterAsync()).Ok);
    }

    [Fact]
    public async Task The_agencys_own_number_opens_its_own_telegram_and_an_imported_cable_with_the_same_number_is_asked_for_as_imported()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var admin = await ApiClient.SignInAsync(b, Role.Admin);
        using (var old = new StringContent("Nº 1\n\n18 May 1949 1718\n\nThe first cable of the old register.\n\nNo. 9 - Kovalev, 18 May\n",
            System.Text.Encoding.UTF8, "text/plain"))
        {
            await (await admin.PostAsync("/api/register/cables", old)).JsonAsync(HttpStatusCode.Created);
        }

        Assert.Equal("Kovalev", (await (await admin.GetAsync("/api/register/1")).JsonAsync(HttpStatusCode.OK)).GetProperty("counterpartName").GetString());

        // The agency's counter gives its first telegram Nº 1 all the same: from then on Nº 1 opens it, the cable is asked for.
        var sent = await a.Agency.Telegrams.ReleaseAsync(new TelegramDraft { To = b.Did, Subject = "First traffic", Body = "Nº 1 of this agency." }, "officer");
        var received = await Eventually.UntilAsync(() => b.Store.Telegrams.GetTelegramAsync(sent.Id, Direction.Inbound), t => t is not null, TimeSpan.FromSeconds(30),
            "Bravo registers Alpha's telegram");
        Assert.Equal(1, received!.RegistryNumber);
        var own = await (await admin.GetAsync("/api/register/1")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("First traffic", own.GetProperty("subject").GetString());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("imported").ValueKind);
        var imported = await (await admin.GetAsync("/api/register/1?imported=true")).JsonAsync(HttpStatusCode.OK);
        Assert.Equal("Kovalev", imported.GetProperty("counterpartName").GetString());
        await (await admin.GetAsync("/api/register/1?imported=perhaps")).ProblemAsync(HttpStatusCode.BadRequest);
    }
}
