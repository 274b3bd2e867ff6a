using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

using Telex.Server.Tests.Api;
using Telex.Server.Tests.Console;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// A session ends everywhere when it should: a password change revokes the officer's other tokens and console sessions,
/// and an open event stream, which is one request that lasts, ends when its token is signed out, revoked or expires.
/// </summary>
public sealed class SessionEndTests
{
    [Fact]
    public async Task A_password_change_revokes_the_officers_other_tokens_console_sessions_and_streams_but_not_the_one_used()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var changer = await ApiClient.SignInAsync(a, Role.Admin, "ada");
        using var stolen = ApiClient.Anonymous(a.Url);
        stolen.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await ApiClient.TokenAsync(stolen, "ada", ApiClient.Password));
        var console = await ConsoleSession.SignInAsync(a.Url, "ada", ApiClient.Password);
        using var colleague = await ApiClient.SignInAsync(a, Role.Clerk, "kovalev");
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/api/agency")).StatusCode);
        Assert.Equal(200, (await console.SendAsync("GET", "/")).Status);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var stream = await OpenStreamAsync(stolen, deadline.Token);

        using var changed = await changer.PostAsJsonAsync("/api/officers/me/password", new { current = ApiClient.Password, @new = "a much better passphrase" });
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        await (await stolen.GetAsync("/api/agency")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        var (status, answer) = await console.SendAsync("GET", "/");
        Assert.True(status == 302 && answer.Contains("Location: /sign-in", StringComparison.OrdinalIgnoreCase), $"the console session ended: {status}");
        await StreamEndsAsync(stream, deadline.Token);

        // The token the change was made with stays, and so do other officers' sessions.
        Assert.Equal(HttpStatusCode.OK, (await changer.GetAsync("/api/agency")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/agency")).StatusCode);
    }

    [Fact]
    public async Task An_event_stream_ends_when_its_token_is_signed_out()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);

        // Well within the stream's 15 s heartbeat: the sign-out ends it at once, not at its next check.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var stream = await OpenStreamAsync(clerk, deadline.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await clerk.DeleteAsync("/api/session")).StatusCode);

        await StreamEndsAsync(stream, deadline.Token);
    }

    [Fact]
    public async Task An_event_stream_ends_when_its_token_expires()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { TokenLifetime = TimeSpan.FromSeconds(3) } });
        using var clerk = await ApiClient.SignInAsync(a.Url, a.Store, Role.Clerk);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(12));
        using var stream = await OpenStreamAsync(clerk, deadline.Token);

        await StreamEndsAsync(stream, deadline.Token);

        // The stream's timer and the token check read the clock apart: the token is refused once its expiry has passed
        // on the check's own reading, within moments of the stream ending.
        await Eventually.UntilAsync(async () => (await clerk.GetAsync("/api/events")).StatusCode, s => s == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(10), "the expired token refused");
        await (await clerk.GetAsync("/api/events")).ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task An_event_stream_ends_at_its_next_heartbeat_when_its_token_is_revoked_on_another_node()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        using var clerk = await ApiClient.SignInAsync(a, Role.Clerk);
        string token = clerk.DefaultRequestHeaders.Authorization!.Parameter!;

        // One heartbeat (15 s) and some slack.
        using var deadline = new CancellationTokenSource(EventStreamHeartbeat + TimeSpan.FromSeconds(10));
        using var stream = await OpenStreamAsync(clerk, deadline.Token);

        // Another node sharing the store revokes the token there: this node hears of it only from the store.
        Assert.True(await a.Store.Sessions.RevokeTokenAsync(Core.Security.PasswordHasher.HashToken(token)));

        await StreamEndsAsync(stream, deadline.Token);
    }

    private static TimeSpan EventStreamHeartbeat => Server.Api.Endpoints.EventStream.Heartbeat;

    private static async Task<HttpResponseMessage> OpenStreamAsync(HttpClient client, CancellationToken ct)
    {
        var stream = await client.GetAsync("/api/events", HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        return stream;
    }

    /// <summary>Reads the stream to its end; fails if the deadline comes first.</summary>
    private static async Task StreamEndsAsync(HttpResponseMessage stream, CancellationToken deadline)
    {
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync(deadline));
        try
        {
            while (await reader.ReadLineAsync(deadline) is not null)
            {
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            Assert.Fail("the event stream was still open at the deadline");
        }
    }
}
