using System.Diagnostics;
using System.Globalization;

namespace Telex.TestKit.Faults;

/// <summary>
/// A tmpfs the test mounts itself (it runs as root) to hold an agency's data folder, so that the disk can be made to
/// refuse writes for real: <see cref="FillAsync"/> shrinks the file system to what it holds plus a little and fills that
/// little with a filler file until a write fails; <see cref="FreeAsync"/> deletes the filler and gives the room back.
/// </summary>
public sealed class Tmpfs : IAsyncDisposable
{
    private const long Reserve = 4L << 20;
    private readonly long _size;
    private bool _mounted;

    private Tmpfs(string directory, long size)
    {
        Directory = directory;
        _size = size;
    }

    /// <summary>The mount point.</summary>
    public string Directory { get; }

    /// <summary>True while the filler is there.</summary>
    public bool IsFull { get; private set; }

    private string Filler => Path.Combine(Directory, "filler");

    /// <summary>Creates <paramref name="directory"/> and mounts a tmpfs of <paramref name="size"/> bytes on it.</summary>
    public static async Task<Tmpfs> MountAsync(string directory, long size)
    {
        System.IO.Directory.CreateDirectory(directory);
        var fs = new Tmpfs(directory, size);
        await RunAsync("mount", "-t", "tmpfs", "-o", $"size={size},mode=0700", "tmpfs", directory).ConfigureAwait(false);
        fs._mounted = true;
        return fs;
    }

    /// <summary>Bytes in use on the file system.</summary>
    public long Used
    {
        get
        {
            var drive = new DriveInfo(Directory);
            return drive.TotalSize - drive.TotalFreeSpace;
        }
    }

    /// <summary>Makes the disk refuse writes: shrinks it to what it holds plus a few MiB, then fills those with a filler file until a write fails.</summary>
    public async Task FillAsync()
    {
        long size = ((Used + Reserve) / 4096 + 1) * 4096;
        await RunAsync("mount", "-o", $"remount,size={size}", Directory).ConfigureAwait(false);
        byte[] block = new byte[64 * 1024];
        try
        {
            using var filler = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
            // No space left on the device: the disk is full.
        }

        IsFull = true;
    }

    /// <summary>Deletes the filler and gives the file system its full size again.</summary>
    public async Task FreeAsync()
    {
        File.Delete(Filler);
        await RunAsync("mount", "-o", $"remount,size={_size}", Directory).ConfigureAwait(false);
        IsFull = false;
    }

    /// <summary>Unmounts the file system (everything on it is gone).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_mounted)
        {
            return;
        }

        _mounted = false;
        try
        {
            await RunAsync("umount", "-l", Directory).ConfigureAwait(false);
            System.IO.Directory.Delete(Directory);
        }
        catch (InvalidOperationException)
        {
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not run " + file);
        string error = await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()} (mounting a tmpfs needs root)"));
        }
    }
}
