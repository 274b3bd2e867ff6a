namespace Telex.Cli.Hosting;

/// <summary>
/// An advisory lock on an agency's data folder, the file <c>agency.lock</c> in it. Whatever opens the agency
/// (<c>telex serve</c> and the commands that read its store) holds it shared for as long as the agency is open, so
/// several nodes of one agency may share a folder; <c>telex keys seal</c> and <c>unseal</c>, which rewrite the key
/// file, take it exclusively and so refuse while any process has the agency open: a running agency would
/// otherwise keep the keys it loaded and write them back in the old form at its next key rotation. The kernel
/// drops the lock when the process ends, however it ends, so a killed agency leaves nothing to clean up.
/// </summary>
internal sealed class FolderLock : IDisposable
{
    /// <summary>The lock file's name in the data folder. It stays empty.</summary>
    public const string FileName = "agency.lock";

    private readonly FileStream _file;

    private FolderLock(FileStream file) => _file = file;

    /// <summary>Takes the lock shared (.NET's <c>flock(LOCK_SH)</c> for a file opened to read); null while it is held exclusively.</summary>
    public static FolderLock? TryShared(string directory) => TryOpen(directory, FileAccess.Read, FileShare.ReadWrite);

    /// <summary>Takes the lock exclusively (<c>flock(LOCK_EX)</c>); null while anyone holds it.</summary>
    public static FolderLock? TryExclusive(string directory) => TryOpen(directory, FileAccess.ReadWrite, FileShare.None);

    /// <summary>The lock file of a data folder.</summary>
    public static string PathIn(string directory) => Path.Combine(directory, FileName);

    public void Dispose() => _file.Dispose();

    private static FolderLock? TryOpen(string directory, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = access, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            return new FolderLock(new FileStream(PathIn(directory), options));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException and not PathTooLongException)
        {
            // The sharing violation .NET reports when flock finds the lock taken.
            return null;
        }
    }
}
