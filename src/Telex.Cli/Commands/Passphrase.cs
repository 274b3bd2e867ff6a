using Telex.Core.Identity;

namespace Telex.Cli.Commands;

/// <summary>
/// The passphrase that seals an agency's secret keys: from <c>--passphrase-file</c> (for services), else the
/// <c>TELEX_PASSPHRASE</c> environment variable, else a prompt without echo on a terminal. Never from a command-line value:
/// it would show in <c>ps</c>.
/// </summary>
internal static class Passphrase
{
    /// <summary>The environment variable read when no file is given.</summary>
    public const string EnvironmentVariable = "TELEX_PASSPHRASE";

    /// <summary>Longest passphrase accepted.</summary>
    private const int MaxLength = 1024;

    /// <summary><c>--passphrase-file FILE</c>.</summary>
    public static Option<string?> FileOption() => new("--passphrase-file")
    {
        Description = $"Read the passphrase sealing the agency's keys from this file (owner-only, like the key file) instead of ${EnvironmentVariable} or a prompt",
        HelpName = "FILE",
    };

    /// <summary>
    /// Reads the passphrase from <paramref name="file"/>, else the environment, else a prompt (asked twice when
    /// <paramref name="confirm"/>, for a new passphrase); a <see cref="CliException"/> when there is none.
    /// </summary>
    public static string Read(string? file, bool confirm)
    {
        if (file is not null)
        {
            return FromFile(file);
        }

        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            return Checked(env, EnvironmentVariable);
        }

        if (!Terminal.CanPrompt)
        {
            throw new CliException(ExitCodes.Usage,
                $"the agency's keys are sealed with a passphrase and there is no terminal to ask for it: set {EnvironmentVariable} or pass --passphrase-file FILE");
        }

        var terminal = new Terminal(json: false, stdout: Console.Error);
        string passphrase = Checked(terminal.ReadSecret("Passphrase for the agency's keys:"), "the passphrase");
        if (confirm && terminal.ReadSecret("The same passphrase again:") != passphrase)
        {
            throw new CliException(ExitCodes.Usage, "the two passphrases differ; nothing was changed");
        }

        return passphrase;
    }

    private static string FromFile(string file)
    {
        string text;
        try
        {
            PrivateFile.Check(file, "passphrase file");
            text = File.ReadAllText(file);
        }
        catch (KeyFileException e)
        {
            throw new CliException(ExitCodes.Usage, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(e is FileNotFoundException or DirectoryNotFoundException ? ExitCodes.NotFound : ExitCodes.Usage,
                $"passphrase file {file}: {e.Message}");
        }

        // One line; the newline an editor or echo adds is not part of it.
        return Checked(text.TrimEnd('\n', '\r'), $"passphrase file {file}");
    }

    private static string Checked(string passphrase, string source) => passphrase switch
    {
        { Length: 0 } => throw new CliException(ExitCodes.Usage, $"{source}: the passphrase is empty"),
        { Length: > MaxLength } => throw new CliException(ExitCodes.Usage, $"{source}: the passphrase is longer than {MaxLength} characters"),
        _ => passphrase,
    };
}
