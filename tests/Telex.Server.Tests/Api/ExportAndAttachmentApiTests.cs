using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;

using Telex.TestKit;

namespace Telex.Server.Tests.Api;

/// <summary>The register's exports in every format, and a telegram's attachments, over the client API.</summary>
public sealed class ExportAndAttachmentApiTests
{
    [Fact]
    public async Task Every_reader_exports_the_register_as_cables_or_printable_pages_and_an_unknown_format_is_refused()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var auditor = await ApiClient.SignInAsync(b, Role.Auditor);
        await (await sender.PostAsJsonAsync("/api/telegrams", new { to = b.Did, subject = "Aid", body = "Aid is granted.", precedence = "routine" }))
            .JsonAsync(HttpStatusCode.Created);
        await Eventually.UntilAsync(async () => (await b.Store.Register.GetRegisterHeadAsync()).Count, n => n >= 1, TimeSpan.FromSeconds(30), "Bravo registers it");

        using var cable = await auditor.GetAsync("/api/register/export?format=cable");
        Assert.Equal(HttpStatusCode.OK, cable.StatusCode);
        Assert.Equal("text/plain", cable.Content.Headers.ContentType?.MediaType);
        string text = await cable.Content.ReadAsStringAsync();
        Assert.Equal(await b.Agency.Register.ExportCablesAsync(), text);
        Assert.Contains("Aid is granted.", text, StringComparison.Ordinal);

        using var html = await auditor.GetAsync("/api/register/export?format=HTML");
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("application/zip", html.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await html.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var pages = await b.Agency.Register.ExportPagesAsync();
        Assert.Equal(pages.Select(p => p.Name + ".html"), zip.Entries.Select(e => e.FullName));
        using (var reader = new StreamReader(zip.Entries[0].Open()))
        {
            Assert.Equal(pages[0].Content, await reader.ReadToEndAsync());
        }

        var problem = await (await auditor.GetAsync("/api/register/export?format=pdf")).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
        Assert.Equal("format", problem.GetProperty("field").GetString());
        Assert.Contains("jsonl, cable, html", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        using var jsonl = await auditor.GetAsync("/api/register/export?format=jsonl");
        Assert.Equal("application/jsonl", jsonl.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_attachment_is_downloaded_by_its_hash_as_bytes_and_an_unknown_one_is_not_found()
    {
        await using var a = await TestAgency.StartAsync("Alpha");
        await using var b = await TestAgency.StartAsync("Bravo");
        await TestAgency.TieAsync(a, b);
        using var sender = await ApiClient.SignInAsync(a, Role.ReleasingOfficer);
        using var clerk = await ApiClient.SignInAsync(b, Role.Clerk);
        byte[] content = [0x00, 0xff, .. "minutes"u8.ToArray()];
        var sent = await (await sender.PostAsJsonAsync("/api/telegrams", new
        {
            to = b.Did,
            subject = "Minutes",
            body = "Attached.",
            precedence = "routine",
            attachments = new[] { new { name = "minutes.bin", mediaType = "application/octet-stream", contentBase64 = Convert.ToBase64String(content) } },
        })).JsonAsync(HttpStatusCode.Created);
        string id = sent.GetProperty("id").GetString()!;
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        await Eventually.UntilAsync(async () =>
        {
            using var response = await clerk.GetAsync($"/api/telegrams/{id}");
            return response.StatusCode;
        }, s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "Bravo registers it");

        using var download = await clerk.GetAsync($"/api/telegrams/{id}/attachments/{sha256}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("application/octet-stream", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("minutes.bin", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal(content, await download.Content.ReadAsByteArrayAsync());
        using var own = await sender.GetAsync($"/api/telegrams/{id}/attachments/{sha256}?direction=outbound");
        Assert.Equal(content, await own.Content.ReadAsByteArrayAsync());

        await (await clerk.GetAsync($"/api/telegrams/{id}/attachments/{new string('0', 64)}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await clerk.GetAsync($"/api/telegrams/{Guid.NewGuid()}/attachments/{sha256}")).ProblemAsync(HttpStatusCode.NotFound, "not-found");
        await (await clerk.GetAsync($"/api/telegrams/{id}/attachments/{sha256}?direction=sideways")).ProblemAsync(HttpStatusCode.BadRequest, "invalid");
    }
}
