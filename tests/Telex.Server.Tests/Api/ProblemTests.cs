using System.Net;
using System.Net.Http.Json;
using System.Text;

using Telex.Server.Tests.Security;
using Telex.TestKit;

namespace Telex.Server.Tests.Api;

public sealed class ProblemTests
{
    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Malformed_json_is_a_400_problem_without_a_stack_trace()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        await (await admin.PostAsync("/api/telegrams", Json("{\"to\": \"did:peer:2\", \"subject\": "))).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        await (await admin.PostAsync("/api/officers", Json("not json at all"))).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        using var anonymous = ApiClient.Anonymous(a.Url);
        await (await anonymous.PostAsync("/api/session", Json("{\"name\": [}"))).ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_field()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        var precedence = await (await admin.PostAsync("/api/telegrams", Json("{\"to\":\"x\",\"subject\":\"s\",\"body\":\"b\",\"precedence\":\"urgent\"}")))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        var number = await (await admin.PostAsync("/api/telegrams", Json("{\"to\":\"x\",\"subject\":\"s\",\"body\":\"b\",\"precedence\":2}")))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        var reference = await (await admin.PostAsync("/api/telegrams", Json("{\"to\":\"x\",\"subject\":\"s\",\"body\":\"b\",\"references\":[\"nope\"]}")))
            .ProblemAsync(HttpStatusCode.BadRequest, "malformed-json");

        Assert.Equal("precedence", precedence.GetProperty("field").GetString());
        Assert.Equal("precedence", number.GetProperty("field").GetString());
        Assert.StartsWith("references", reference.GetProperty("field").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_field_is_a_400_problem_naming_it()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);
        using var anonymous = ApiClient.Anonymous(a.Url);

        var cases = new (HttpClient Client, string Path, object Body, string Field)[]
        {
            (anonymous, "/api/session", new { password = "x" }, "name"),
            (anonymous, "/api/session", new { name = "x" }, "password"),
            (admin, "/api/telegrams", new { subject = "s", body = "b" }, "to"),
            (admin, "/api/telegrams", new { to = "did:peer:2.x", body = "b" }, "subject"),
            (admin, "/api/telegrams", new { to = "did:peer:2.x", subject = "s" }, "body"),
            (admin, "/api/telegrams", new { to = "did:peer:2.x", subject = "s", body = "b", attachments = new[] { new { name = "a.pdf", mediaType = "application/pdf" } } }, "attachments[0].contentBase64"),
            (admin, "/api/telegrams", new { to = "did:peer:2.x", subject = "s", body = "b", attachments = new[] { new { name = "a.pdf", mediaType = "application/pdf", contentBase64 = "***" } } }, "attachments[0].contentBase64"),
            (admin, "/api/officers/me/password", new { @new = "a long new password" }, "current"),
            (admin, "/api/ties/accept", new { }, "code"),
        };
        foreach (var (client, path, body, field) in cases)
        {
            var problem = await (await client.PostAsJsonAsync(path, body)).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
            Assert.Equal(field, problem.GetProperty("field").GetString());
        }

        var empty = await (await admin.PostAsync("/api/telegrams", Json(""))).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("to", empty.GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_unknown_telegram_or_registry_number_is_a_404_problem()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        await (await clerk.GetAsync($"/api/telegrams/{Guid.NewGuid()}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await clerk.GetAsync($"/api/telegrams/{Guid.NewGuid()}/cable")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await clerk.GetAsync("/api/register/42")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await clerk.GetAsync("/api/telegrams/not-a-uuid")).ProblemAsync(HttpStatusCode.NotFound);
        await (await clerk.GetAsync("/api/no-such-thing")).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413_problem_and_a_wrong_media_type_a_415()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { MaxRequestBytes = 16 * 1024 } });
        using var admin = await ApiClient.SignInAsync(a.Url, a.Store, Role.Admin);
        string big = new('x', 32 * 1024);

        await (await admin.PostAsJsonAsync("/api/telegrams", new { to = "did:peer:2.x", subject = "s", body = big })).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too-large");
        using var chunked = new StringContent($"{{\"to\":\"x\",\"subject\":\"s\",\"body\":\"{big}\"}}", Encoding.UTF8, "application/json");
        chunked.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/telegrams") { Content = new StreamContent(await chunked.ReadAsStreamAsync()) };
        request.Content.Headers.ContentType = chunked.Headers.ContentType;
        request.Headers.TransferEncodingChunked = true;
        await (await admin.SendAsync(request)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too-large");
        await (await admin.PostAsync("/api/officers", new StringContent("name=x", Encoding.UTF8, "text/plain"))).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task By_default_an_api_body_of_64_MiB_is_read_and_one_byte_more_is_a_413_problem()
    {
        // docs/CONFIGURATION.md and docs/SECURITY.md state the default: 64 MiB (Api:MaxRequestBytes).
        long limit = new Telex.Core.ApiOptions().MaxRequestBytes;
        Assert.Equal(64L * 1024 * 1024, limit);
        await using var a = await TestAgency.StartAsync("Alpha");
        using var admin = await ApiClient.SignInAsync(a, Role.Admin);

        // A request padded with JSON whitespace to exactly the limit is read to its end and done.
        using var atLimit = await admin.PostAsync("/api/officers", new PaddedJson("{\"name\":\"padded\",\"role\":\"clerk\"}", limit));
        await atLimit.JsonAsync(HttpStatusCode.Created);
        Assert.NotNull(await a.Store.Officers.FindOfficerAsync("padded"));

        // One byte more is refused from its declared length, before the body is read (so it is never sent).
        using var over = new HttpRequestMessage(HttpMethod.Post, "/api/officers") { Content = new PaddedJson("{\"name\":\"over\",\"role\":\"clerk\"}", limit + 1) };
        over.Headers.ExpectContinue = true;
        await (await admin.SendAsync(over)).ProblemAsync(HttpStatusCode.RequestEntityTooLarge, "too-large");
        Assert.Null(await a.Store.Officers.FindOfficerAsync("over"));
    }

    /// <summary>A JSON document followed by spaces up to <c>length</c> bytes, written as it is sent (never held whole).</summary>
    private sealed class PaddedJson : HttpContent
    {
        private readonly byte[] _json;
        private readonly long _length;

        public PaddedJson(string json, long length)
        {
            _json = Encoding.UTF8.GetBytes(json);
            _length = length;
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(_json);
            byte[] spaces = new byte[64 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (long left = _length - _json.Length; left > 0; left -= spaces.Length)
            {
                await stream.WriteAsync(spaces.AsMemory(0, (int)Math.Min(left, spaces.Length)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _length;
            return true;
        }
    }
}
