using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;

using Telex.TestKit;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// An agency made by <c>telex init</c> and run by <c>telex serve</c>, whose <c>telex.json</c> the test completes with a
/// <c>Tls</c> section (paths relative to the data folder, as an operator writes them) before serving.
/// </summary>
public sealed class HttpsAgency : IAsyncDisposable
{
    private HttpsAgency(string name, string directory, string url, string did, string oneTimePassword, CliProcess process)
    {
        Name = name;
        Directory = directory;
        Url = url;
        Did = did;
        OneTimePassword = oneTimePassword;
        Process = process;
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>Where officers reach it: its listen URL, or the proxy in front once the test sets that.</summary>
    public string Url { get; set; }

    public string Did { get; }

    public string OneTimePassword { get; }

    public string Password => $"{Name.ToLowerInvariant()}-chosen-password";

    public CliProcess Process { get; }

    /// <summary>The port <c>telex serve</c> listens on.</summary>
    public int Port { get; private init; }

    /// <summary>The certificate file <c>telex serve</c> reads (<c>Tls:Certificate</c>).</summary>
    public string CertificateFile => Path.Combine(Directory, "tls", "cert.pem");

    /// <summary>The key file <c>telex serve</c> reads (<c>Tls:Key</c>).</summary>
    public string KeyFile => Path.Combine(Directory, "tls", "key.pem");

    /// <summary>
    /// Creates and serves the agency: over https with a certificate <paramref name="pki"/> issues for 127.0.0.1 when
    /// <paramref name="https"/>, trusting <paramref name="pki"/>'s CA for its peers when <paramref name="trustCa"/>.
    /// </summary>
    public static async Task<HttpsAgency> StartAsync(Cli cli, string parent, string name, TestPki pki, bool https = true, bool trustCa = true,
        string? publicEndpoint = null, params string[] settings)
    {
        string directory = Path.Combine(parent, name.ToLowerInvariant());
        int listen = Cli.FreePort();
        string url = $"{(https ? "https" : "http")}://127.0.0.1:{listen}";
        string[] endpoint = publicEndpoint is null ? [] : ["--endpoint", publicEndpoint];
        var init = await cli.RunAsync(["init", "--data", directory, "--name", name, "--listen", url, "--json", .. endpoint]);
        Assert.True(init.ExitCode == 0, init.ToString());
        using var created = JsonDocument.Parse(init.Stdout);
        string did = created.RootElement.GetProperty("did").GetString()!;
        string oneTime = created.RootElement.GetProperty("officer").GetProperty("oneTimePassword").GetString()!;

        string tls = Path.Combine(directory, "tls");
        System.IO.Directory.CreateDirectory(tls);
        var section = new JsonObject();
        if (https)
        {
            var (certificate, key, _) = pki.Issue(name, IPAddress.Loopback);
            await File.WriteAllTextAsync(Path.Combine(tls, "cert.pem"), certificate);
            await File.WriteAllTextAsync(Path.Combine(tls, "key.pem"), key);
            section["Certificate"] = "tls/cert.pem";
            section["Key"] = "tls/key.pem";
        }

        if (trustCa)
        {
            await File.WriteAllTextAsync(Path.Combine(tls, "ca.pem"), pki.CaPem);
            section["TrustedCertificates"] = "tls/ca.pem";
        }

        string config = Path.Combine(directory, "telex.json");
        var json = JsonNode.Parse(await File.ReadAllTextAsync(config))!.AsObject();
        json["Tls"] = section;
        await File.WriteAllTextAsync(config, json.ToJsonString());

        var process = cli.Start(["serve", "--data", directory, .. settings.SelectMany(s => new[] { "--set", s })]);
        var agency = new HttpsAgency(name, directory, url, did, oneTime, process) { Port = listen };
        try
        {
            await process.WaitForLineAsync(l => l.StartsWith("serving ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            return agency;
        }
        catch
        {
            await agency.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first admin signs in with the one-time password and chooses a new one, with <paramref name="client"/>.</summary>
    public async Task SignInAsync(Cli client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var login = await client.RunWithInputAsync(OneTimePassword + "\n", "login", "--url", Url, "--name", "admin", "--password-stdin");
        Assert.True(login.ExitCode == 0, login.ToString());
        var password = await client.RunWithInputAsync($"{OneTimePassword}\n{Password}\n", "password", "--url", Url, "--password-stdin");
        Assert.True(password.ExitCode == 0, password.ToString());
    }

    /// <summary>Opens a new TLS connection to the agency and returns the serial number of the certificate it presents.</summary>
    public async Task<string> PresentedSerialAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",

            // Only looked at, not trusted: the test compares it with the certificate it wrote.
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null,
        });
        return ((X509Certificate2)tls.RemoteCertificate!).SerialNumber;
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
