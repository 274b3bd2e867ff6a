using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;


namespace Telex.Cli.Tests.Process;

/// <summary>
/// The seed cable imported on a stopped agency's folder is history the agency reads like its traffic: <c>telex show 54611</c>,
/// <c>telex search</c>, the client API and the console's Register and telegram pages all find it, marked imported.
/// </summary>
public sealed partial class ImportedHistoryTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Cli _cli;

    public ImportedHistoryTests() => _cli = new Cli(_folder.File("home"));

    public void Dispose() => _folder.Dispose();

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task The_seed_cable_imported_on_the_stopped_folder_is_found_by_show_54611_by_search_by_the_api_and_on_the_consoles_register_page()
    {
        string seed = CableImportTests.SeedCable;
        var started = await ServedAgency.StartAsync(_cli, _folder.Path, "Archive");
        await started.SignInAsync(_cli);
        await using var agency = await started.RestartAsync(_cli, async () =>
        {
            var imported = await OkAsync("register", "import-cable", seed, "--data", started.Directory);
            Assert.Contains("imported cable Nº 54611 of 18 May 1949 17:18", imported.Stdout, StringComparison.Ordinal);
        });

        // show 54611: the cable in its classic layout, verbatim, marked as imported history.
        var shown = await OkAsync("show", "54611", "--url", agency.Url);
        string expected = (await File.ReadAllTextAsync(seed)).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
        Assert.StartsWith(expected, shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("Imported history, not traffic", shown.Stdout, StringComparison.Ordinal);
        Assert.Contains("from cable-1949-05-18.txt", shown.Stdout, StringComparison.Ordinal);
        Assert.Equal(shown.Stdout, (await OkAsync("show", "Nº 54611", "--url", agency.Url)).Stdout);

        // search, by its signer and by words of its text.
        foreach (string words in new[] { "Kovalev", "Gao Gang" })
        {
            var found = await OkAsync("search", words, "--url", agency.Url);
            Assert.Contains("54611", found.Stdout, StringComparison.Ordinal);
            Assert.Contains("Kovalev", found.Stdout, StringComparison.Ordinal);
            Assert.Contains("imported", found.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("nothing found", (await OkAsync("search", "Vyshinsky", "--url", agency.Url)).Stdout, StringComparison.Ordinal);

        // The client API: listed, searched and got by number and by id, marked imported, its counterpart no DID.
        using var api = new HttpClient { BaseAddress = new Uri(agency.Url), Timeout = TimeSpan.FromSeconds(30) };
        using (var signIn = await api.PostAsJsonAsync("/api/session", new { name = "admin", password = agency.Password }))
        {
            Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
            string token = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
            api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var listed = Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/telegrams")).EnumerateArray());
        Assert.Equal(54611, listed.GetProperty("registryNumber").GetInt64());
        Assert.Equal("Kovalev", listed.GetProperty("counterpartName").GetString());
        Assert.Equal("", listed.GetProperty("counterpart").GetString());
        Assert.Equal("cable-1949-05-18.txt", listed.GetProperty("imported").GetProperty("source").GetString());
        string id = listed.GetProperty("id").GetString()!;
        Assert.Equal(id, Assert.Single((await api.GetFromJsonAsync<JsonElement>("/api/telegrams?q=Kovalev")).EnumerateArray()).GetProperty("id").GetString());
        Assert.Empty((await api.GetFromJsonAsync<JsonElement>("/api/telegrams?imported=excluded")).EnumerateArray());
        var byNumber = await api.GetFromJsonAsync<JsonElement>("/api/register/54611");
        Assert.Equal(id, byNumber.GetProperty("id").GetString());
        Assert.Contains("Cde. Gao Gang", byNumber.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(477, (await api.GetFromJsonAsync<JsonElement>($"/api/telegrams/{id}")).GetProperty("serial").GetInt64());

        // The console: the Register page lists it (and finds it by search), marked imported; its page shows the cable.
        using var console = await ConsoleAsync(agency.Url, agency.Password);
        string register = WebUtility.HtmlDecode(await console.GetStringAsync("/register"));
        Assert.Contains("<span data-testid=\"result-count\">1</span>", register, StringComparison.Ordinal);
        Assert.Contains("Nº 54611", register, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"imported\"", register, StringComparison.Ordinal);
        Assert.Contains($"href=\"/telegrams/{id}?direction=inbound\"", register, StringComparison.Ordinal);
        Assert.Contains("<span data-testid=\"result-count\">1</span>", await console.GetStringAsync("/register?q=Kovalev"), StringComparison.Ordinal);
        Assert.Contains("<span data-testid=\"result-count\">0</span>", await console.GetStringAsync("/register?direction=Inbound"), StringComparison.Ordinal);
        string page = WebUtility.HtmlDecode(await console.GetStringAsync($"/telegrams/{id}"));
        Assert.Contains("Imported history, not traffic", page, StringComparison.Ordinal);
        Assert.Contains("No. 477 - Kovalev, 18 May", page, StringComparison.Ordinal);
        Assert.Contains("Nº 54611\n\n18 May 1949 1718", page, StringComparison.Ordinal);

        // Still covered by verification.
        Assert.StartsWith("register verified: 1 entries, 0 telegrams, 1 imported cables", (await OkAsync("register", "verify", "--url", agency.Url)).Stdout,
            StringComparison.Ordinal);
    }

    /// <summary>A client signed in to the console through its form (CSRF token and cookies carried as a browser would).</summary>
    private static async Task<HttpClient> ConsoleAsync(string url, string password)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
        {
            BaseAddress = new Uri(url),
            Timeout = TimeSpan.FromSeconds(30),
        };
        string form = await client.GetStringAsync("/sign-in");
        var token = CsrfToken().Match(form);
        Assert.True(token.Success, "the sign-in form carries its CSRF token");
        using var post = await client.PostAsync("/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "admin",
            ["password"] = password,
            ["__RequestVerificationToken"] = token.Groups[1].Value,
        }));
        Assert.Equal(HttpStatusCode.Redirect, post.StatusCode);
        return client;
    }

    [GeneratedRegex("__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex CsrfToken();
}
