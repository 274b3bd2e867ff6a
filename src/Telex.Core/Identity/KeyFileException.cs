namespace Telex.Core.Identity;

/// <summary>Why a key file could not be loaded.</summary>
public enum KeyFileProblem
{
    /// <summary>The file is not a valid key file.</summary>
    Invalid,

    /// <summary>The file, or the folder holding it, is open to group or others.</summary>
    Permissions,

    /// <summary>The file is sealed and no passphrase was given.</summary>
    NeedsPassphrase,

    /// <summary>The passphrase given does not open the sealed keys.</summary>
    WrongPassphrase,
}

/// <summary>A key file that could not be loaded; the message is one line a person can act on.</summary>
public sealed class KeyFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public KeyFileException(KeyFileProblem problem, string message)
        : base(message) => Problem = problem;

    /// <summary>Creates an invalid-file exception.</summary>
    public KeyFileException()
        : this(KeyFileProblem.Invalid, "invalid key file")
    {
    }

    /// <summary>Creates an invalid-file exception.</summary>
    public KeyFileException(string message)
        : this(KeyFileProblem.Invalid, message)
    {
    }

    /// <summary>Creates an invalid-file exception.</summary>
    public KeyFileException(string message, Exception innerException)
        : base(message, innerException) => Problem = KeyFileProblem.Invalid;

    /// <summary>Why the file could not be loaded.</summary>
    public KeyFileProblem Problem { get; }
}

/// <summary>
/// Files only their owner may read or change: key files and passphrase files. Group or other access is refused, and so
/// is a folder that group or others may write (unless sticky): whoever can write the folder can replace the file (or plant
/// the temporary file a rewrite goes through), even without reading it.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode OpenFile = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode OpenFolder = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>
    /// Throws a <see cref="KeyFileException"/> (<see cref="KeyFileProblem.Permissions"/>) naming the file, its mode and the
    /// fix when <paramref name="path"/> or its folder is open to group or others. Does nothing on Windows.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for the message: "key file", "passphrase file".</param>
    public static void Check(string path, string what)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string full = Path.GetFullPath(path);
        var mode = File.GetUnixFileMode(full);
        if ((mode & OpenFile) != 0)
        {
            throw new KeyFileException(KeyFileProblem.Permissions,
                $"{what} {full} has mode {Octal(mode)}, open to group or others; it must be readable by its owner only: run chmod 600 {full}");
        }

        // A sticky folder (/tmp) is open to writing, but only a file's owner may rename or delete it there.
        string? folder = Path.GetDirectoryName(full);
        if (folder is not null && File.GetUnixFileMode(folder) is var folderMode
            && (folderMode & OpenFolder) != 0 && (folderMode & UnixFileMode.StickyBit) == 0)
        {
            throw new KeyFileException(KeyFileProblem.Permissions,
                $"the folder {folder} holding the {what} has mode {Octal(File.GetUnixFileMode(folder))}, writable by group or others, who could replace the file: run chmod go-w {folder}");
        }
    }

    /// <summary>A Unix mode as four octal digits, e.g. 0644.</summary>
    public static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
}
