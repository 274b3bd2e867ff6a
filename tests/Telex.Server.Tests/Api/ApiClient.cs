using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

using Telex.Core.Model;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.TestKit;

using TelexApiClient = Telex.Api.Contracts.TelexApiClient;

namespace Telex.Server.Tests.Api;

/// <summary>Officers and signed-in HTTP clients for API tests, and the assertions every problem document must pass.</summary>
internal static class ApiClient
{
    public const string Password = "correct horse battery staple";

    /// <summary>Adds an officer straight to the store; a low work factor keeps tests fast (the hash records it).</summary>
    public static async Task AddOfficerAsync(ITelexStore store, string name, Role role)
    {
        bool added = await store.Officers.AddOfficerAsync(new Officer(Name: name, Role: role,
            PasswordHash: PasswordHasher.Hash(Password, iterations: 1000), CreatedAt: DateTimeOffset.UtcNow));
        Assert.True(added, $"officer {name} added");
    }

    /// <summary>A client without a token.</summary>
    public static HttpClient Anonymous(string baseUrl) => new() { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Adds an officer with <paramref name="role"/> and returns a client signed in as them.</summary>
    public static Task<HttpClient> SignInAsync(TestAgency agency, Role role, string? name = null) => SignInAsync(agency.Url, agency.Store, role, name);

    public static async Task<HttpClient> SignInAsync(string baseUrl, ITelexStore store, Role role, string? name = null)
    {
        name ??= role.ToString().ToLowerInvariant();
        await AddOfficerAsync(store, name, role);
        var client = Anonymous(baseUrl);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(client, name, Password));
        return client;
    }

    public static async Task<string> TokenAsync(HttpClient client, string name, string password)
    {
        using var api = new TelexApiClient(client, ownsHttp: false);
        return (await api.SignInAsync(name, password)).Token;
    }

    /// <summary>Adds an officer with <paramref name="role"/> and returns the API's typed client, signed in as them.</summary>
    public static async Task<TelexApiClient> SignInTypedAsync(TestAgency agency, Role role, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(agency);
        name ??= role.ToString().ToLowerInvariant();
        await AddOfficerAsync(agency.Store, name, role);
        var api = new TelexApiClient(Anonymous(agency.Url));
        await api.SignInAsync(name, Password);
        return api;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem document with the status, a Telex type, a title and a detail; returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.StartsWith("https://telex.dev/problems/", problem.GetProperty("type").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
        if (code is not null)
        {
            Assert.Equal(code, problem.GetProperty("code").GetString());
        }

        return problem;
    }

    public static string Escaped(string did) => Uri.EscapeDataString(did);
}
