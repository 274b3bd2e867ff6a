using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// Debian's nginx (<c>/usr/sbin/nginx</c>, installed by <c>.ci/run</c>) run by the test in the foreground on loopback,
/// with its own prefix, pid, logs and temporary folders, serving the site block of <c>docs/DEPLOY.md</c> once per agency.
/// </summary>
public sealed class Nginx : IAsyncDisposable
{
    public const string Path = "/usr/sbin/nginx";

    // What the documented block names, and the test replaces with its own: the only changes made to it.
    private const string DocumentedListen = "listen 443 ssl http2;";
    private const string DocumentedCertificate = "/etc/letsencrypt/live/alpha.example.org/fullchain.pem";
    private const string DocumentedKey = "/etc/letsencrypt/live/alpha.example.org/privkey.pem";
    private const string DocumentedUpstream = "proxy_pass http://127.0.0.1:7400;";

    private readonly System.Diagnostics.Process _process;
    private readonly string _folder;

    private Nginx(System.Diagnostics.Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>The site block documented in <c>docs/DEPLOY.md</c> (its <c>```nginx</c> block), as an operator copies it.</summary>
    public static string DocumentedSite()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(System.IO.Path.Combine(root.FullName, "Telex.slnx")))
        {
            root = root.Parent;
        }

        string deploy = File.ReadAllText(System.IO.Path.Combine(root!.FullName, "docs", "DEPLOY.md"));
        const string fence = "```nginx\n";
        int start = deploy.IndexOf(fence, StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/DEPLOY.md has no ```nginx block");
        start += fence.Length;
        int end = deploy.IndexOf("\n```", start, StringComparison.Ordinal);
        return deploy[start..end];
    }

    /// <summary>
    /// Starts nginx in <paramref name="folder"/> with the documented site once per (public port, agency port), TLS from
    /// the given PEM files; ready when every public port accepts connections.
    /// </summary>
    public static async Task<Nginx> StartAsync(string folder, string site, IEnumerable<(int Public, int Agency)> servers, string certificate, string key)
    {
        Assert.True(File.Exists(Path), $"{Path} is missing: install Debian's nginx (apt-get install -y nginx), as .ci/run does");
        foreach (string documented in new[] { DocumentedListen, DocumentedCertificate, DocumentedKey, DocumentedUpstream })
        {
            Assert.True(site.Contains(documented, StringComparison.Ordinal), $"the documented nginx block no longer says '{documented}'");
        }

        Directory.CreateDirectory(folder);
        var config = new StringBuilder();
        config.AppendLine("daemon off;");
        config.AppendLine("worker_processes 1;");
        config.AppendLine($"pid {folder}/nginx.pid;");
        config.AppendLine($"error_log {folder}/error.log notice;");
        if (Environment.UserName == "root")
        {
            // Workers would otherwise run as nobody, who cannot write the test's temporary folders.
            config.AppendLine("user root root;");
        }

        config.AppendLine("events { worker_connections 256; }");
        config.AppendLine("http {");
        config.AppendLine($"    access_log {folder}/access.log;");
        foreach (string temp in new[] { "client_body", "proxy", "fastcgi", "uwsgi", "scgi" })
        {
            config.AppendLine($"    {temp}_temp_path {folder}/{temp};");
        }

        var ports = new List<int>();
        foreach (var (publicPort, agencyPort) in servers)
        {
            ports.Add(publicPort);
            config.AppendLine(site
                .Replace(DocumentedListen, $"listen 127.0.0.1:{publicPort} ssl http2;", StringComparison.Ordinal)
                .Replace(DocumentedCertificate, certificate, StringComparison.Ordinal)
                .Replace(DocumentedKey, key, StringComparison.Ordinal)
                .Replace(DocumentedUpstream, $"proxy_pass http://127.0.0.1:{agencyPort};", StringComparison.Ordinal));
        }

        config.AppendLine("}");
        string file = System.IO.Path.Combine(folder, "nginx.conf");
        await File.WriteAllTextAsync(file, config.ToString());

        var start = new ProcessStartInfo(Path, ["-p", folder, "-c", file, "-e", System.IO.Path.Combine(folder, "error.log")])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("nginx did not start");
        var nginx = new Nginx(process, folder);
        try
        {
            await nginx.WaitUntilListeningAsync(ports, TimeSpan.FromSeconds(30));
            return nginx;
        }
        catch
        {
            await nginx.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(List<int> ports, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        foreach (int port in ports)
        {
            while (true)
            {
                if (_process.HasExited)
                {
                    throw new InvalidOperationException($"nginx exited with {_process.ExitCode}:\n{ErrorLog()}");
                }

                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < until)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    /// <summary>nginx's own error log, for failure messages.</summary>
    public string ErrorLog()
    {
        string log = System.IO.Path.Combine(_folder, "error.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no error log)";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
