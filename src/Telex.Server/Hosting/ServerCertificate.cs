using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telex.Server.Hosting;

/// <summary>
/// The certificate a node serves over HTTPS, from the PEM files <c>Tls:Certificate</c> and <c>Tls:Key</c>, asked for at
/// every TLS handshake. The files are looked at again at most every <see cref="CheckInterval"/>: when either one's time
/// or size changed, both are read again and new connections get the new certificate, so a renewal (certbot, an ACME
/// client, an operator copying files) needs no restart. Connections already open keep theirs. A new pair that does not
/// load (a file half written, a key that is not the certificate's) leaves the previous certificate in use and logs a
/// warning; it is tried again when the files change again.
/// </summary>
internal sealed partial class ServerCertificate : IDisposable
{
    /// <summary>
    /// How often the files' times are looked at, at most: once a second costs two <c>stat</c> calls a second under any
    /// load, and a renewal is served within a second of being written.
    /// </summary>
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Largest certificate or key file read: a certificate chain is a few kilobytes.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    private readonly string _certificatePath;
    private readonly string _keyPath;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Loaded _current;
    private (Stamp Certificate, Stamp Key) _seen;
    private long _nextCheck;

    private ServerCertificate(string certificatePath, string keyPath, Loaded first, TimeProvider time)
    {
        _certificatePath = certificatePath;
        _keyPath = keyPath;
        _current = first;
        _seen = (first.CertificateStamp, first.KeyStamp);
        _time = time;
        _nextCheck = time.GetTimestamp() + Ticks(CheckInterval);
    }

    /// <summary>The certificate served now (its subject and validity are what a client sees).</summary>
    public X509Certificate2 Certificate => Volatile.Read(ref _current).Leaf;

    /// <summary>
    /// Loads the pair for the first time.
    /// </summary>
    /// <exception cref="TlsFileException">A file is missing or does not load; the message names its option.</exception>
    public static ServerCertificate Open(string certificatePath, string keyPath, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(certificatePath);
        ArgumentNullException.ThrowIfNull(keyPath);
        var loaded = Load(certificatePath, keyPath);
        return new ServerCertificate(certificatePath, keyPath, loaded, time ?? TimeProvider.System);
    }

    /// <summary>Where renewals and failed reloads are logged; set once the server's loggers exist.</summary>
    public ILogger Logger { get; set; } = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    /// <summary>What a TLS handshake gets: the current certificate with its chain, after a look at the files when due.</summary>
    public SslStreamCertificateContext Context
    {
        get
        {
            long now = _time.GetTimestamp();
            if (now >= Volatile.Read(ref _nextCheck))
            {
                Refresh(now);
            }

            return Volatile.Read(ref _current).Context;
        }
    }

    private void Refresh(long now)
    {
        lock (_lock)
        {
            if (now < _nextCheck)
            {
                return; // another handshake looked meanwhile
            }

            _nextCheck = now + Ticks(CheckInterval);
            var stamps = (Stamp.Of(_certificatePath), Stamp.Of(_keyPath));
            if (stamps == _seen)
            {
                return;
            }

            _seen = stamps;
            try
            {
                // The previous certificate is not disposed: a handshake on another thread may be using it.
                var loaded = Load(_certificatePath, _keyPath);
                _seen = (loaded.CertificateStamp, loaded.KeyStamp);
                Volatile.Write(ref _current, loaded);
                Reloaded(Logger, loaded.Leaf.Subject, loaded.Leaf.NotAfter.ToUniversalTime());
            }
            catch (TlsFileException e)
            {
                ReloadFailed(Logger, e.Message, _current.Leaf.Subject);
            }
        }
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * TimeProvider.System.TimestampFrequency);

    private static Loaded Load(string certificatePath, string keyPath)
    {
        var certificateStamp = Stamp.Of(certificatePath);
        var keyStamp = Stamp.Of(keyPath);
        string certificatePem = Read("Tls:Certificate", certificatePath);
        string keyPem = Read("Tls:Key", keyPath);
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificatePem);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException($"Tls:Certificate = '{certificatePath}': not a PEM certificate ({e.Message})", e);
        }

        if (chain.Count == 0)
        {
            throw new TlsFileException($"Tls:Certificate = '{certificatePath}': holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509Certificate2.CreateFromPem(certificatePem, keyPem);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException(
                $"Tls:Key = '{keyPath}': not an unencrypted PEM private key of the certificate in Tls:Certificate = '{certificatePath}' ({e.Message})", e);
        }
        catch (ArgumentException e)
        {
            throw new TlsFileException($"Tls:Key = '{keyPath}': holds no PEM private key ({e.Message})", e);
        }

        // The first certificate of the file is the node's own; the rest are intermediates sent with it.
        var intermediates = new X509Certificate2Collection();
        for (int i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        chain[0].Dispose();
        var context = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
        return new Loaded(leaf, context, certificateStamp, keyStamp);
    }

    private static string Read(string option, string path) => TlsFile.ReadText(option, path, MaxFileBytes, $"{MaxFileBytes / 1024} KiB, not a PEM file");

    public void Dispose()
    {
        lock (_lock)
        {
            _current.Leaf.Dispose();
        }
    }

    [LoggerMessage(EventId = 2910, Level = LogLevel.Information, Message = "Serving the renewed TLS certificate {Subject}, valid until {NotAfter:u}")]
    private static partial void Reloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 2911, Level = LogLevel.Warning,
        Message = "The TLS certificate files changed but do not load; still serving {Subject} ({Reason})")]
    private static partial void ReloadFailed(ILogger logger, string reason, string subject);

    private sealed record Loaded(X509Certificate2 Leaf, SslStreamCertificateContext Context, Stamp CertificateStamp, Stamp KeyStamp);

    /// <summary>What tells that a file changed: its modification time and size (a missing file has neither).</summary>
    private readonly record struct Stamp(DateTime Written, long Length)
    {
        public static Stamp Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new Stamp(info.LastWriteTimeUtc, info.Length) : default;
        }
    }
}
