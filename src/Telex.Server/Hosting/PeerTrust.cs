using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telex.Server.Hosting;

/// <summary>
/// Which TLS certificates of other agencies' endpoints are believed: those the system's trust store accepts, and, for a
/// private PKI, those that chain to a CA of the bundle <c>Tls:TrustedCertificates</c>. The bundle only ever adds roots:
/// a certificate whose name does not match the endpoint, or that is outside its validity, is refused whatever it chains to.
/// </summary>
internal sealed class PeerTrust
{
    /// <summary>Largest CA bundle read: Debian's whole system bundle is about 200 KiB.</summary>
    public const long MaxBundleBytes = 4 * 1024 * 1024;

    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");

    private readonly X509Certificate2Collection _authorities;

    private PeerTrust(X509Certificate2Collection authorities) => _authorities = authorities;

    /// <summary>Reads the bundle.</summary>
    /// <exception cref="TlsFileException">The file is missing, unreadable or holds no certificate; the message names the option.</exception>
    public static PeerTrust Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        const string option = "Tls:TrustedCertificates";
        string pem = TlsFile.ReadText(option, path, MaxBundleBytes, $"{MaxBundleBytes / 1024 / 1024} MiB, not a CA bundle");
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPem(pem);
        }
        catch (CryptographicException e)
        {
            throw new TlsFileException($"{option} = '{path}': not a PEM file of CA certificates ({e.Message})", e);
        }

        return authorities.Count > 0
            ? new PeerTrust(authorities)
            : throw new TlsFileException($"{option} = '{path}': holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }

    /// <summary>Trust in the system's store only.</summary>
    public static PeerTrust SystemOnly { get; } = new([]);

    /// <summary>
    /// The client's certificate check: what the system accepted stands; a chain the system refused only for its root
    /// is built again with the bundle's CAs as the only roots; anything else (name mismatch, no certificate, expiry) is
    /// refused. Null when accepted, otherwise why not, in a few words.
    /// </summary>
    public string? Refusal(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || certificate is not X509Certificate2 presented)
        {
            return "it presented none";
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "it is not issued for the endpoint's name";
        }

        if (_authorities.Count == 0)
        {
            return Describe(chain);
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        custom.ChainPolicy.VerificationTime = DateTime.Now;

        // The intermediates the server sent, to chain through.
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        try
        {
            return custom.Build(presented) ? null : Describe(custom);
        }
        finally
        {
            foreach (var element in custom.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }
    }

    /// <summary>Why a chain failed, in this agency's words (never text the peer chose).</summary>
    private static string Describe(X509Chain? chain)
    {
        var status = chain?.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status) ?? X509ChainStatusFlags.NoError;
        if (status.HasFlag(X509ChainStatusFlags.NotTimeValid))
        {
            return "it has expired or is not yet valid";
        }

        if (status.HasFlag(X509ChainStatusFlags.UntrustedRoot) || status.HasFlag(X509ChainStatusFlags.PartialChain))
        {
            return "it is not issued by a trusted certificate authority (see Tls:TrustedCertificates)";
        }

        return status == X509ChainStatusFlags.NoError ? "its chain does not verify" : "its chain does not verify (" + status + ")";
    }
}
