using System.Net;
using System.Text.Json;

using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

using Telex.Api.Contracts;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>
/// What keeps an agency's start short (docs/PERFORMANCE.md, "Start to serving"): the request bodies that are resolved
/// while the endpoints are built have compile-time JSON metadata, the health answer is written from it unchanged, and
/// the host watches no configuration file.
/// </summary>
public sealed class StartupWorkTests
{
    [Fact]
    public async Task Every_json_request_body_of_the_api_has_generated_metadata()
    {
        await using var a = await TestAgency.StartAsync("Alpha");

        var bodies = a.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .SelectMany(e => e.Metadata.OfType<IAcceptsMetadata>())
            .Where(m => m.RequestType is not null && m.ContentTypes.Contains("application/json"))
            .Select(m => m.RequestType!)
            .Distinct()
            .ToList();

        Assert.True(bodies.Count >= 20, $"only {bodies.Count} JSON request bodies found");
        Assert.All(bodies, type => Assert.True(TelexApiJsonContext.Default.GetTypeInfo(type) is not null,
            $"{type.Name} has no generated JSON metadata: add it to TelexApiJsonContext"));
    }

    [Fact]
    public async Task The_health_answer_names_the_agency_in_camel_case()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var client = new HttpClient { BaseAddress = new Uri(a.Url) };

        using var health = await client.GetAsync("/health");
        using var ready = await client.GetAsync("/health/ready");

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var answer = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
        Assert.Equal(["status", "did", "name", "storage"], answer.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("ok", answer.RootElement.GetProperty("status").GetString());
        Assert.Equal(a.Identity.Did, answer.RootElement.GetProperty("did").GetString());
        Assert.Equal("Alpha", answer.RootElement.GetProperty("name").GetString());
        Assert.Equal("ok", answer.RootElement.GetProperty("storage").GetString());
        Assert.Equal("""{"status":"ready","storage":"ok"}""", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_host_watches_no_configuration_file()
    {
        await using var a = await TestAgency.StartAsync("Alpha");

        var files = ((IConfigurationBuilder)a.Services.GetRequiredService<IConfiguration>()).Sources.OfType<FileConfigurationSource>().ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.False(f.ReloadOnChange, $"{f.Path} is watched for changes"));
    }
}
