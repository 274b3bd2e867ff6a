using System.Net;

using Telex.Server.Tests.Api;
using Telex.Server.Tests.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// The console's cookie never authorizes the client API, however the path is spelled: routing matches paths ignoring
/// case, Kestrel decodes percent-encoding and removes dot segments, and the choice between cookie and bearer token is
/// made on the same path by the same comparison.
/// </summary>
public sealed class CookiePathTests
{
    /// <summary>Spellings of <c>/api/agency</c> that routing takes to the API endpoint.</summary>
    public static readonly string[] ApiSpellings =
    [
        "/api/agency", "/API/agency", "/Api/agency", "/Api/agency/", "/aPI/AGENCY", "/api/../api/agency", "/x/../API/agency",
        "/api/./agency", "/%61pi/agency", "/%41PI/agency", "/%61%70%69/agency", "/API/%61gency",
    ];

    /// <summary>Spellings that routing takes nowhere in the API (an encoded slash stays encoded): the console answers, not the API.</summary>
    public static readonly string[] NotApiSpellings = ["//api/agency", "/%2Fapi/agency", "/%2fAPI/agency", "/api%2Fagency"];

    [Fact]
    public async Task The_console_cookie_is_refused_on_every_spelling_of_an_api_path()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);
        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password);

        // The cookie is a working session: the console's desk opens with it.
        Assert.Equal(200, (await console.SendAsync("GET", "/")).Status);

        // Routing does reach the API by these spellings: a bearer token gets the agency through each of them.
        using var bearer = ApiClient.Anonymous(a.Url);
        string token = await ApiClient.TokenAsync(bearer, "ada", ApiClient.Password);
        foreach (string path in ApiSpellings)
        {
            var (status, answer) = await ConsoleSession.RawAsync(a.Port, "GET", path, $"Authorization: Bearer {token}\r\n");
            Assert.True(status == 200 && answer.Contains(a.Did, StringComparison.Ordinal), $"GET {path} with the bearer token: {status}");

            // The API's own headers follow the same comparison: its answers are never cached, however the path is spelled.
            Assert.Contains("Cache-Control: no-store", answer, StringComparison.OrdinalIgnoreCase);
        }

        foreach (string path in ApiSpellings)
        {
            var (status, answer) = await console.SendAsync("GET", path);
            Assert.True(status == 401, $"GET {path} with only the console cookie: {status}");
            Assert.DoesNotContain(a.Did, answer, StringComparison.Ordinal);
        }

        foreach (string path in NotApiSpellings)
        {
            var (status, answer) = await console.SendAsync("GET", path);
            Assert.True(status == 404, $"GET {path} with only the console cookie is no API endpoint: {status}");
            Assert.DoesNotContain(a.Did, answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_cross_site_post_to_the_api_with_the_console_cookie_and_no_csrf_token_changes_nothing()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);
        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password);
        string[] paths = ["/API/officers", "/Api/officers", "/%61pi/officers", "/x/../API/officers"];

        for (int i = 0; i < paths.Length; i++)
        {
            var (status, _) = await console.SendAsync("POST", paths[i], $$"""{"name":"mallory{{i}}","role":"admin"}""");
            Assert.True(status == 401, $"POST {paths[i]} with only the console cookie: {status}");
            Assert.Null(await a.Store.Officers.FindOfficerAsync($"mallory{i}"));
        }

        var rotations = await a.Store.Keys.ListKeyRotationsAsync();
        var (rotate, _) = await console.SendAsync("POST", "/API/keys/rotate", "{}");
        Assert.Equal((int)HttpStatusCode.Unauthorized, rotate);
        Assert.Equal(rotations.Count, (await a.Store.Keys.ListKeyRotationsAsync()).Count);
    }
}
