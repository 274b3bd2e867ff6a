using System.Net.Sockets;

namespace Telex.Cli.Tests.Process;

/// <summary>
/// <c>telex serve</c> is started from whatever folder its service manager or its operator is in — systemd's default is
/// <c>/</c>. The folder is none of Telex's business: nothing in it configures the agency, and nothing under it is
/// watched (watching it recursively costs an inotify watch per subfolder, and CPU for every change anywhere below it).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkingFolderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The inotify watches a process holds, from its file descriptors' <c>fdinfo</c>.</summary>
    private static int InotifyWatches(int pid)
    {
        int watches = 0;
        foreach (string info in Directory.EnumerateFiles($"/proc/{pid}/fdinfo"))
        {
            try
            {
                watches += File.ReadLines(info).Count(line => line.StartsWith("inotify wd:", StringComparison.Ordinal));
            }
            catch (IOException)
            {
                // The descriptor closed while being read.
            }
        }

        return watches;
    }

    [Fact]
    public async Task An_agency_served_from_a_busy_folder_reads_no_settings_from_it_and_watches_nothing_under_it()
    {
        string cwd = _folder.File("operator");
        for (int i = 0; i < 30; i++)
        {
            Directory.CreateDirectory(Path.Combine(cwd, $"folder-{i}", "inner"));
        }

        // What ASP.NET Core would read from an appsettings.json in its content root: another endpoint to listen on.
        int stray = Cli.FreePort();
        await File.WriteAllTextAsync(Path.Combine(cwd, "appsettings.json"),
            $$"""{ "Kestrel": { "Endpoints": { "Stray": { "Url": "http://127.0.0.1:{{stray}}" } } } }""");

        var cli = new Cli(_folder.File("home")) { WorkingDirectory = cwd };
        await using var agency = await ServedAgency.StartAsync(cli, _folder.Path, "Alpha");

        Assert.Equal(0, InotifyWatches(agency.Process.Id));
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var refused = await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync("127.0.0.1", stray));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }
}
