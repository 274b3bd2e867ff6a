namespace Telex.Cli;

/// <summary>A refusal the CLI reports as one line on stderr and an exit code from <see cref="ExitCodes"/>.</summary>
internal sealed class CliException : Exception
{
    public CliException(int exitCode, string message)
        : base(message)
    {
        ExitCode = exitCode;
    }

    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The process exit code.</summary>
    public int ExitCode { get; } = ExitCodes.Unexpected;
}
