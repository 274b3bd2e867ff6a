namespace Telex.Cli;

/// <summary>A refusal the CLI reports as one line on stderr and an exit code from <see cref="ExitCodes"/>.</summary>
internal sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = exitCode;
}
