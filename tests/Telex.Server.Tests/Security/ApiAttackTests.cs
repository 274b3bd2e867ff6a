using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server.Tests.Api;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// Attacks on the client API and the console's front door: an expired token, guessing passwords from one address,
/// secrets kept in caches, a downgrade from TLS, attachment names that are paths.
/// </summary>
public sealed class ApiAttackTests
{
    [Fact]
    public async Task An_expired_token_is_refused()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { TokenLifetime = TimeSpan.FromSeconds(2) } });
        using var client = await ApiClient.SignInAsync(a.Url, a.Store, Role.Admin);
        (await client.GetAsync("/api/agency")).EnsureSuccessStatusCode();

        using var refused = await Eventually.UntilAsync(() => client.GetAsync("/api/agency"), r => r.StatusCode != HttpStatusCode.OK,
            TimeSpan.FromSeconds(20), "the token expires");
        await refused.ProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Failed_sign_ins_from_one_address_are_limited_on_the_api_and_the_console_and_an_extra_attempt_is_not_even_checked()
    {
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { FailedSignInsPerMinute = 3, MaxFailedSignIns = 5 } });
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var client = ApiClient.Anonymous(a.Url);

        // A success does not count against the address.
        await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = ApiClient.Password })).JsonAsync(HttpStatusCode.OK);

        // Three failures are answered on their merits: a guess at another name, two wrong passwords.
        await (await client.PostAsJsonAsync("/api/session", new { name = "nobody", password = "guess" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "guess 1" })).ProblemAsync(HttpStatusCode.Unauthorized);
        await (await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = "guess 2" })).ProblemAsync(HttpStatusCode.Unauthorized);

        // The next attempt from the address is refused before any password is checked, even the right one, and says when to come back.
        using var limited = await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = ApiClient.Password });
        await limited.ProblemAsync(HttpStatusCode.TooManyRequests, "too-many-requests");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is given");
        Assert.Equal(2, (await a.Store.Officers.FindOfficerAsync("kovalev"))!.FailedSignIns);

        // The console's sign-in form (with its CSRF token) shares the limit.
        string page = await client.GetStringAsync("/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(page, "__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        Assert.True(token.Success, "the sign-in form carries its CSRF token");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "kovalev",
            ["password"] = ApiClient.Password,
            ["__RequestVerificationToken"] = token.Groups[1].Value,
        });
        using var console = await client.PostAsync("/sign-in", form);
        Assert.Equal(HttpStatusCode.TooManyRequests, console.StatusCode);
        Assert.Contains("Too many failed sign-ins from this address", await console.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(2, (await a.Store.Officers.FindOfficerAsync("kovalev"))!.FailedSignIns);
    }

    [Fact]
    public async Task Eighty_concurrent_wrong_passwords_from_one_address_get_at_most_the_limit_checked_and_the_rest_429()
    {
        // No lockout in reach: the officer's failure count then counts every password checked (each under the officer's lock).
        await using var a = await SecureAgency.StartAsync(o => o with { Api = o.Api with { FailedSignInsPerMinute = 20, MaxFailedSignIns = 1000 } });
        await ApiClient.AddOfficerAsync(a.Store, "kovalev", Role.Clerk);
        using var client = ApiClient.Anonymous(a.Url);

        var answers = await Task.WhenAll(Enumerable.Range(0, 80).Select(async i =>
        {
            using var response = await client.PostAsJsonAsync("/api/session", new { name = "kovalev", password = $"guess {i}" });
            return response.StatusCode;
        }));

        Assert.Equal(20, (await a.Store.Officers.FindOfficerAsync("kovalev"))!.FailedSignIns);
        Assert.Equal(20, answers.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(60, answers.Count(s => s == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Api_answers_carrying_tokens_invitation_codes_one_time_passwords_or_keys_are_never_cached()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await ApiClient.AddOfficerAsync(a.Store, "ada", Role.Admin);
        using var client = ApiClient.Anonymous(a.Url);

        using var signIn = await client.PostAsJsonAsync("/api/session", new { name = "ada", password = ApiClient.Password });
        var token = (await signIn.JsonAsync(HttpStatusCode.OK)).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var invitation = await client.PostAsJsonAsync("/api/ties/invitations", new { });
        using var officer = await client.PostAsJsonAsync("/api/officers", new { name = "clerk", role = "clerk" });
        using var keys = await client.GetAsync("/api/keys");
        using var refused = await ApiClient.Anonymous(a.Url).GetAsync("/api/agency");

        foreach (var (what, response) in new[] { ("token", signIn), ("invitation", invitation), ("one-time password", officer), ("keys", keys), ("refusal", refused) })
        {
            Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control is '{response.Headers.CacheControl}'");
            Assert.Contains("nosniff", response.Headers.GetValues("X-Content-Type-Options"));
        }

        Assert.StartsWith("tlx_", token, StringComparison.Ordinal);
        Assert.NotNull((await invitation.JsonAsync(HttpStatusCode.Created)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Over_tls_every_answer_carries_strict_transport_security_and_over_plain_http_none_does()
    {
        using var certificate = SecureAgency.SelfSignedCertificate();
        await using var tls = await SecureAgency.StartAsync(certificate: certificate);
        await using var plain = await SecureAgency.StartAsync();
        using var handler = new HttpClientHandler
        {
            // Trust exactly the test's own certificate, nothing else.
            ServerCertificateCustomValidationCallback = (_, presented, _, _) => presented?.Thumbprint == certificate.Thumbprint,
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri(tls.Url) };
        using var http = ApiClient.Anonymous(plain.Url);

        foreach (string path in new[] { "/health", "/sign-in", "/api/agency" })
        {
            using var secured = await https.GetAsync(path);
            Assert.Equal("https", secured.RequestMessage!.RequestUri!.Scheme);
            Assert.True(secured.Headers.TryGetValues("Strict-Transport-Security", out var hsts), $"HSTS on {path} over TLS");
            Assert.Equal("max-age=31536000", Assert.Single(hsts));

            using var clear = await http.GetAsync(path);
            Assert.False(clear.Headers.Contains("Strict-Transport-Security"), $"no HSTS on {path} over plain HTTP");
        }
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\windows\\system.ini")]
    [InlineData("C:report.pdf")]
    [InlineData("report\0.pdf.exe")]
    [InlineData("..")]
    public async Task An_attachment_named_like_a_path_is_refused_by_the_api_the_agency_and_a_receiving_agency(string name)
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var officer = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);

        // Through the API: refused, naming the field.
        var upload = new { name, mediaType = "text/plain", contentBase64 = Convert.ToBase64String("x"u8) };
        var problem = await (await officer.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Files", body = "See attached.", attachments = new[] { upload } }))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("attachments[0].name", problem.ToString(), StringComparison.Ordinal);

        // Straight to the agency (the console and drafts release through it): refused too.
        var draft = new TelegramDraft { To = b.Did, Subject = "Files", Body = "See attached.", Attachments = [new TelegramAttachment(name, "text/plain", "x"u8.ToArray())] };
        var refused = await Assert.ThrowsAsync<TelexException>(() => a.Agency.Telegrams.ReleaseAsync(draft, "officer"));
        Assert.Equal(TelexErrorKind.Invalid, refused.Kind);
        Assert.Equal(0, await a.Store.Register.CountAsync(new RegisterQuery()));

        // From a peer that does not check: the receiving agency refuses the telegram and stores nothing.
        using var peer = HostilePeer.Create();
        var invitation = await b.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var telegram = peer.Telegram(b.Did, 1) with
        {
            Attachments = [new Telex.DidComm.Messages.Attachment
            {
                Id = "1",
                Filename = name,
                MediaType = "text/plain",
                Data = new Telex.DidComm.Messages.AttachmentData { Base64 = Convert.ToBase64String("x"u8) },
            }],
        };
        Assert.Equal((400, "e.p.msg.bad-telegram"), await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(telegram, b.Did)));
        Assert.Equal(0, await b.Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task Exported_pages_are_named_by_position_and_id_whatever_a_hostile_peer_calls_itself_or_its_telegrams()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = HostilePeer.Create("../../../../tmp/owned");
        var invitation = await b.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var telegram = peer.Message(Telex.Core.Protocol.MessageTypes.Telegram, b.Did, new System.Text.Json.Nodes.JsonObject
        {
            ["serial"] = 1,
            ["subject"] = "../../../../etc/cron.d/owned",
            ["text"] = "/etc/passwd",
            ["precedence"] = "routine",
            ["sender_name"] = "..\\..\\owned",
        });
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(telegram, b.Did))).Status);

        string folder = Path.Combine(Path.GetTempPath(), "telex-export-" + Guid.NewGuid().ToString("N")[..8]);
        var pages = await b.Agency.Register.ExportPagesAsync();
        Assert.NotEmpty(pages);
        foreach (var (pageName, _) in pages)
        {
            Assert.Matches("^[0-9]{6}-(in|out)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^[0-9]{6}-cable-[0-9]+$", pageName);

            // Where telex register export --format html writes it: inside the folder, whatever the name.
            string file = Path.GetFullPath(Path.Combine(folder, pageName + ".html"));
            Assert.Equal(folder, Path.GetDirectoryName(file));
        }

        Assert.Contains(pages, p => p.Content.Contains("cron.d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_download_name_is_the_last_segment_without_control_characters_even_for_a_name_filed_before_the_rule()
    {
        await using var b = await TestAgency.StartAsync("Bravo");
        using var peer = HostilePeer.Create();
        var invitation = await b.Agency.Ties.CreateInvitationAsync();
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.TieRequest(invitation))).Status);
        var telegram = peer.Telegram(b.Did, 1) with
        {
            Attachments = [Inline("first.txt", "first"u8.ToArray()), Inline("second.txt", "second"u8.ToArray()), Inline("third.txt", "third"u8.ToArray())],
        };
        Assert.Equal(202, (await HostilePeer.PostAsync(b.Identity.Endpoint, peer.SignAndEncrypt(telegram, b.Did))).Status);
        var id = Guid.Parse(telegram.Id);

        // A register written before names were checked holds path-like names: rename the attachments in the row.
        string[] filed = ["../../etc/passwd", "..\\windows\\system.ini", "report\u0000.pdf.exe"];
        using (var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(b.Directory, "telex.db")};Pooling=False"))
        {
            db.Open();
            using var update = db.CreateCommand();
            update.CommandText = """
                UPDATE telegrams SET attachments = replace(replace(replace(attachments,
                    '"first.txt"', $first), '"second.txt"', $second), '"third.txt"', $third)
                WHERE id = $id
                """;
            update.Parameters.AddWithValue("$first", System.Text.Json.JsonSerializer.Serialize(filed[0]));
            update.Parameters.AddWithValue("$second", System.Text.Json.JsonSerializer.Serialize(filed[1]));
            update.Parameters.AddWithValue("$third", System.Text.Json.JsonSerializer.Serialize(filed[2]));
            update.Parameters.AddWithValue("$id", id.ToString());
            Assert.Equal(1, update.ExecuteNonQuery());
        }

        var record = (await b.Store.Telegrams.GetTelegramAsync(id, Direction.Inbound))!;
        Assert.Equal(filed, record.Attachments.Select(x => x.Name));

        // An officer downloads each through the console, signed in as a browser would be.
        await ApiClient.AddOfficerAsync(b.Store, "clara", Role.Clerk);
        using var console = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(b.Url),
        };
        string page = await console.GetStringAsync("/sign-in");
        var token = System.Text.RegularExpressions.Regex.Match(page, "__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["name"] = "clara",
            ["password"] = ApiClient.Password,
            ["__RequestVerificationToken"] = token.Groups[1].Value,
        });
        using var signedIn = await console.PostAsync("/sign-in", form);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);

        var expected = new[] { ("passwd", "first"), ("system.ini", "second"), ("report.pdf.exe", "third") };
        foreach (var (attachment, (name, content)) in record.Attachments.Zip(expected))
        {
            using var download = await console.GetAsync($"/telegrams/{id}/attachments/{attachment.Sha256}?direction=inbound");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
            var disposition = download.Content.Headers.ContentDisposition!;
            Assert.Equal("attachment", disposition.DispositionType);
            Assert.Equal(name, disposition.FileNameStar ?? disposition.FileName?.Trim('"'));
            Assert.Equal(name, disposition.FileName?.Trim('"'));
            Assert.Equal(content, await download.Content.ReadAsStringAsync());
        }

        // Names with nothing left after the last separator fall back to the content's hash.
        Assert.Equal("fallback", Telex.Core.Protocol.AttachmentName.ForDownload("..", "fallback"));
        Assert.Equal("fallback", Telex.Core.Protocol.AttachmentName.ForDownload("dir/", "fallback"));
        Assert.Equal("Minutes 18 May.pdf", Telex.Core.Protocol.AttachmentName.ForDownload("Minutes 18 May.pdf", "fallback"));
    }

    private static Telex.DidComm.Messages.Attachment Inline(string name, byte[] content) => new()
    {
        Id = name,
        Filename = name,
        MediaType = "text/plain",
        Data = new Telex.DidComm.Messages.AttachmentData { Base64 = Convert.ToBase64String(content) },
    };
}
