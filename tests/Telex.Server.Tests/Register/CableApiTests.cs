using System.Net;

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
        var imported = await (await admin.PostAsync("/api/register/cables", seed)).JsonAsync(HttpStatusCode.Created);
        Assert.Equal(54611, imported.GetProperty("registryNumber").GetInt64());
        Assert.Equal(477, imported.GetProperty("senderSerial").GetInt64());
        Assert.Equal("Kovalev", imported.GetProperty("signer").GetString());
        Assert.Equal([1, 2, 3], imported.GetProperty("points").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains("[SIC, vzaimnye]", imported.GetProperty("editorialMarks").EnumerateArray().Select(m => m.GetString()));

        using var bad = new StringContent("Nº 1\n\n31 Febtember 1949 1718\n\nText.\n\nNo. 1 - X, 1 May\n", System.Text.Encoding.UTF8, "text/plain");
        var problem = await (await admin.PostAsync("/api/register/cables", bad)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("line 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var again = new StringContent(SeedCable(), System.Text.Encoding.UTF8, "text/plain");
        await (await admin.PostAsync("/api/register/cables", again)).ProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(1, (await a.Store.GetRegisterHeadAsync()).Count);
        Assert.True((await a.Agency.VerifyRegisterAsync()).Ok);
    }
}
