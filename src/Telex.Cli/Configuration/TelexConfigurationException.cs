namespace Telex.Cli.Configuration;

/// <summary>The configuration is invalid: an unknown key, a value of the wrong type, or a value out of range.</summary>
internal sealed class TelexConfigurationException : Exception
{
    public TelexConfigurationException(string message)
        : base(message)
    {
    }

    public TelexConfigurationException()
    {
    }

    public TelexConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
