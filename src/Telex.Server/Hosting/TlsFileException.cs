namespace Telex.Server.Hosting;

/// <summary>
/// A TLS file an option names (<c>Tls:Certificate</c>, <c>Tls:Key</c>, <c>Tls:TrustedCertificates</c>) is missing or
/// does not load; the message names the option, the file and why. Thrown while the server is built, before it serves.
/// </summary>
public sealed class TlsFileException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TlsFileException()
        : base("a TLS file could not be used")
    {
    }

    /// <summary>Creates the exception.</summary>
    public TlsFileException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the loader's own error as <paramref name="inner"/>.</summary>
    public TlsFileException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
