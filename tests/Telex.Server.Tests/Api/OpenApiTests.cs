using System.Net;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class OpenApiTests
{
    [Fact]
    public async Task The_openapi_document_lists_the_endpoints_and_the_bearer_scheme()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        var document = await (await clerk.GetAsync("/openapi/v1.json")).JsonAsync(HttpStatusCode.OK);

        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet();
        string[] expected =
        [
            "/api/session", "/api/officers", "/api/officers/me/password", "/api/agency", "/api/ties", "/api/ties/invitations",
            "/api/ties/accept", "/api/ties/{did}", "/api/ties/{did}/verify", "/api/ties/{did}/suspend", "/api/ties/{did}/resume",
            "/api/ties/{did}/sever", "/api/ties/{did}/terms", "/api/ties/{did}/terms/sign", "/api/telegrams", "/api/telegrams/{id}",
            "/api/telegrams/{id}/cable", "/api/register/{registryNumber}", "/api/events", "/health",
            "/api/register/verify", "/api/register/checkpoints", "/api/register/export", "/api/register/cables",
        ];
        Assert.All(expected, path => Assert.Contains(path, paths));
        Assert.DoesNotContain("/didcomm", paths);
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
        var signIn = document.GetProperty("paths").GetProperty("/api/session").GetProperty("post");
        Assert.False(signIn.TryGetProperty("security", out _));
        var send = document.GetProperty("paths").GetProperty("/api/telegrams").GetProperty("post");
        Assert.True(send.TryGetProperty("security", out _));
    }
}
