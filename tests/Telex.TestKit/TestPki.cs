using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telex.TestKit;

/// <summary>A private certificate authority made by the test (System.Security.Cryptography), issuing server certificates as PEM.</summary>
public sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey;

    private TestPki(ECDsa caKey, X509Certificate2 ca)
    {
        _caKey = caKey;
        Ca = ca;
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The CA certificate as PEM: what <c>Tls:TrustedCertificates</c> names.</summary>
    public string CaPem => Ca.ExportCertificatePem();

    public static TestPki Create(string name)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-7), DateTimeOffset.UtcNow.AddDays(7));
        return new TestPki(key, ca);
    }

    /// <summary>A server certificate for <paramref name="address"/> (an IP subject alternative name), as PEM certificate and key.</summary>
    public (string Certificate, string Key, string Serial) Issue(string subject, IPAddress address, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(address);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(Ca, notBefore ?? DateTimeOffset.UtcNow.AddMinutes(-30), notAfter ?? DateTimeOffset.UtcNow.AddDays(1), serial);
        return (issued.ExportCertificatePem() + "\n", key.ExportPkcs8PrivateKeyPem() + "\n", issued.SerialNumber);
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
    }
}
