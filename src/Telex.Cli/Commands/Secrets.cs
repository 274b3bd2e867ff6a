namespace Telex.Cli.Commands;

/// <summary>Passwords from a prompt without echo, or from stdin for scripts; never from a flag (it would show in ps).</summary>
internal static class Secrets
{
    /// <summary>Longest password line read from stdin.</summary>
    private const int MaxLength = 1024;

    public static string Read(Terminal terminal, bool fromStdin, string prompt)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        if (fromStdin)
        {
            string? line = Console.In.ReadLine();
            if (string.IsNullOrEmpty(line))
            {
                throw new CliException(ExitCodes.Usage, "--password-stdin: expected a line on stdin");
            }

            return line.Length <= MaxLength ? line : throw new CliException(ExitCodes.Usage, "--password-stdin: the line is too long");
        }

        if (!Terminal.CanPrompt)
        {
            throw new CliException(ExitCodes.Usage, "no terminal to ask for the password; pipe it and pass --password-stdin");
        }

        return terminal.ReadSecret(prompt);
    }
}
