using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

using Telex.TestKit;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex serve</c> serving HTTPS itself from PEM files, trusting a private CA for its peers, and taking a renewed
/// certificate without a restart: real processes on loopback, a CA the test makes.
/// </summary>
public sealed class TlsTests
{
    /// <summary>
    /// The agencies (no <c>SSL_CERT_FILE</c>: they trust the system store and their <c>Tls:TrustedCertificates</c> only)
    /// and the officers' CLI, which trusts the test CA the way a workstation with the organization's root installed does.
    /// </summary>
    internal static (Cli Serve, Cli Client) Clis(TempFolder folder, TestPki pki)
    {
        string home = Path.Combine(folder.Path, "home");
        string ca = folder.File("officers-ca.pem");
        File.WriteAllText(ca, pki.CaPem);
        var client = new Cli(home);
        client.Variables["SSL_CERT_FILE"] = ca;
        return (new Cli(home), client);
    }

    internal static CliResult Ok(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan deadline, Func<string> what)
    {
        var until = DateTime.UtcNow + deadline;
        var delay = TimeSpan.FromMilliseconds(50);
        while (!await condition())
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"not within {deadline.TotalSeconds} s: {what()}");
            }

            await Task.Delay(delay);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 500));
        }
    }

    internal static async Task TieAsync(Cli client, HttpsAgency inviter, HttpsAgency invited)
    {
        using var invitation = JsonDocument.Parse(Ok(await client.RunAsync("tie", "invite", "--url", inviter.Url, "--json")).Stdout);
        string code = invitation.RootElement.GetProperty("code").GetString()!;
        using var accepted = JsonDocument.Parse(Ok(await client.RunAsync("tie", "accept", code, "--url", invited.Url, "--wait", "--json")).Stdout);
        Assert.Equal("established", accepted.RootElement.GetProperty("status").GetString());
        Ok(await client.RunAsync("tie", "verify", invited.Name, "--yes", "--url", inviter.Url));
        Ok(await client.RunAsync("tie", "verify", inviter.Name, "--yes", "--url", invited.Url));
    }

    internal static async Task<JsonElement> SendAsync(Cli client, HttpsAgency from, HttpsAgency to, string subject)
    {
        var sent = Ok(await client.RunWithInputAsync($"{subject}: the text.\n", "send", "--url", from.Url, "--to", to.Name, "--subject", subject,
            "--wait", "--json"));
        using var telegram = JsonDocument.Parse(sent.Stdout);
        return telegram.RootElement.Clone();
    }

    [Fact]
    public async Task Two_agencies_serving_https_tie_and_exchange_telegrams_both_ways_through_a_private_ca()
    {
        using var folder = new TempFolder();
        using var pki = TestPki.Create("Telex Test CA");
        var (serve, client) = Clis(folder, pki);
        await using var alpha = await HttpsAgency.StartAsync(serve, folder.Path, "Alpha", pki);
        await using var bravo = await HttpsAgency.StartAsync(serve, folder.Path, "Bravo", pki);
        Assert.StartsWith("https://", alpha.Url, StringComparison.Ordinal);
        await alpha.SignInAsync(client);
        await bravo.SignInAsync(client);

        await TieAsync(client, alpha, bravo);
        var there = await SendAsync(client, alpha, bravo, "Over TLS to Bravo");
        var back = await SendAsync(client, bravo, alpha, "Over TLS to Alpha");

        Assert.Equal("delivered", there.GetProperty("status").GetString());
        Assert.Equal("delivered", back.GetProperty("status").GetString());
        var inbox = Ok(await client.RunAsync("inbox", "--url", alpha.Url));
        Assert.Contains("Over TLS to Alpha", inbox.Stdout, StringComparison.Ordinal);
        inbox = Ok(await client.RunAsync("inbox", "--url", bravo.Url));
        Assert.Contains("Over TLS to Bravo", inbox.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agency_not_given_the_ca_bundle_refuses_the_https_peer_certificate_and_delivers_nothing()
    {
        using var folder = new TempFolder();
        using var pki = TestPki.Create("Telex Test CA");
        var (serve, client) = Clis(folder, pki);
        await using var alpha = await HttpsAgency.StartAsync(serve, folder.Path, "Alpha", pki);
        await using var charlie = await HttpsAgency.StartAsync(serve, folder.Path, "Charlie", pki, https: false, trustCa: false);
        await alpha.SignInAsync(client);
        await charlie.SignInAsync(client);

        // Charlie accepts Alpha's invitation: its acceptance must go to Alpha's https endpoint, whose CA Charlie does not know.
        using var invitation = JsonDocument.Parse(Ok(await client.RunAsync("tie", "invite", "--url", alpha.Url, "--json")).Stdout);
        var accept = await client.RunAsync("tie", "accept", invitation.RootElement.GetProperty("code").GetString()!, "--url", charlie.Url);
        Assert.True(accept.ExitCode == 6, accept.ToString());
        Assert.Contains("the inviter could not be reached: the endpoint's TLS certificate is refused: it is not issued by a trusted certificate authority",
            accept.Stderr, StringComparison.Ordinal);

        // Nothing reached Alpha: it never heard Charlie accept, so no tie with Charlie exists there.
        using var ties = JsonDocument.Parse(Ok(await client.RunAsync("tie", "list", "--url", alpha.Url, "--json")).Stdout);
        Assert.DoesNotContain(ties.RootElement.EnumerateArray(), t => t.GetProperty("status").GetString() == "established");
        Assert.DoesNotContain(charlie.Did, ties.RootElement.GetRawText(), StringComparison.Ordinal);
        using var charlieTies = JsonDocument.Parse(Ok(await client.RunAsync("tie", "list", "--url", charlie.Url, "--json")).Stdout);
        Assert.DoesNotContain(charlieTies.RootElement.EnumerateArray(), t => t.GetProperty("status").GetString() == "established");
    }

    [Fact]
    public async Task A_renewed_certificate_is_served_to_new_connections_without_a_restart_and_a_broken_one_is_not()
    {
        using var folder = new TempFolder();
        using var pki = TestPki.Create("Telex Test CA");
        var (serve, _) = Clis(folder, pki);
        await using var alpha = await HttpsAgency.StartAsync(serve, folder.Path, "Alpha", pki);
        using var first = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(alpha.CertificateFile));
        Assert.Equal(first.SerialNumber, await alpha.PresentedSerialAsync());

        // A half-written certificate file: the agency keeps serving the certificate it has, and says why.
        var (certificate, key, serial) = pki.Issue("Alpha renewed", System.Net.IPAddress.Loopback);
        await File.WriteAllTextAsync(alpha.CertificateFile, certificate[..(certificate.Length / 2)]);
        await UntilAsync(async () => await alpha.PresentedSerialAsync() == first.SerialNumber
                && alpha.Process.Stderr.Contains("The TLS certificate files changed but do not load", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => "a warning about the broken file:\n" + alpha.Process.Stderr);

        // The renewal completed: new connections get the new certificate, the same process still serving.
        await File.WriteAllTextAsync(alpha.KeyFile, key);
        await File.WriteAllTextAsync(alpha.CertificateFile, certificate);
        // The log line is written by the console logger's own thread: waited for too, not read at once.
        await UntilAsync(async () => await alpha.PresentedSerialAsync() == serial
                && alpha.Process.Stderr.Contains("Serving the renewed TLS certificate CN=Alpha renewed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), () => "the renewed certificate served, and said so:\n" + alpha.Process.Stderr);
        Assert.False(alpha.Process.HasExited);
    }

    [Fact]
    public async Task Serving_https_without_its_certificate_files_fails_at_start_naming_the_option()
    {
        using var folder = new TempFolder();
        var cli = new Cli(folder.File("home"));
        string directory = folder.File("alpha");
        Ok(await cli.RunAsync("init", "--data", directory, "--name", "Alpha", "--listen", $"https://127.0.0.1:{Cli.FreePort()}"));

        var unset = await cli.RunAsync("serve", "--data", directory);
        Assert.NotEqual(0, unset.ExitCode);
        Assert.Contains("Tls:Certificate is not set", unset.Stderr, StringComparison.Ordinal);

        var missing = await cli.RunAsync("serve", "--data", directory, "--set", "Tls:Certificate=tls/cert.pem", "--set", "Tls:Key=tls/key.pem");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains($"Tls:Certificate = '{Path.Combine(directory, "tls", "cert.pem")}': no such file", missing.Stderr, StringComparison.Ordinal);

        var alone = await cli.RunAsync("serve", "--data", directory, "--set", "Tls:Certificate=tls/cert.pem");
        Assert.NotEqual(0, alone.ExitCode);
        Assert.Contains("Tls:Certificate and Tls:Key go together", alone.Stderr, StringComparison.Ordinal);
    }
}
