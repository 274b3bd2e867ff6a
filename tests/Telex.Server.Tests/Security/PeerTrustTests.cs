using System.Net;
using System.Security.Cryptography.X509Certificates;

using Telex.Core;
using Telex.Server.Hosting;
using Telex.TestKit;

namespace Telex.Server.Tests.Security;

/// <summary>
/// The outbound client's trust in a peer's TLS certificate (<c>Tls:TrustedCertificates</c>): the CA bundle of a private
/// PKI adds roots and nothing else. Real TLS: an agency served by Kestrel on loopback with a certificate the test's CA
/// issues, posted to by the real <see cref="HttpTransport"/>.
/// </summary>
public sealed class PeerTrustTests : IDisposable
{
    private readonly TestPki _pki = TestPki.Create("Telex Test CA");
    private readonly string _bundle = Path.Combine(Path.GetTempPath(), "telex-ca-" + Guid.NewGuid().ToString("N")[..12] + ".pem");

    public PeerTrustTests() => File.WriteAllText(_bundle, _pki.CaPem);

    public void Dispose()
    {
        _pki.Dispose();
        File.Delete(_bundle);
    }

    /// <summary>Posts a few bytes to an agency serving <paramref name="issued"/>, trusting the test CA when <paramref name="withBundle"/>.</summary>
    private async Task<TransportResult> PostAsync((string Certificate, string Key, string Serial) issued, bool withBundle)
    {
        using var certificate = X509Certificate2.CreateFromPem(issued.Certificate, issued.Key);
        await using var peer = await SecureAgency.StartAsync(certificate: certificate);
        using var transport = new HttpTransport(TestAgency.LoopbackPolicy, null, null, withBundle ? PeerTrust.Load(_bundle) : null);
        return await transport.SendAsync(peer.Url + "/didcomm", "{}"u8.ToArray(), CancellationToken.None);
    }

    [Fact]
    public async Task A_peer_certificate_from_a_private_ca_is_refused_without_the_bundle_and_reaches_the_peer_with_it()
    {
        var issued = _pki.Issue("peer", IPAddress.Loopback);

        var refused = await PostAsync(issued, withBundle: false);
        Assert.Equal(0, refused.Status);
        Assert.Equal("the endpoint's TLS certificate is refused: it is not issued by a trusted certificate authority (see Tls:TrustedCertificates)", refused.Detail);

        // With the bundle the handshake completes and the peer answers: it refuses the bytes, which are no DIDComm message.
        var answered = await PostAsync(issued, withBundle: true);
        Assert.Equal(400, answered.Status);
    }

    [Fact]
    public async Task The_bundle_never_excuses_a_certificate_for_another_name()
    {
        var result = await PostAsync(_pki.Issue("elsewhere", IPAddress.Parse("10.1.2.3")), withBundle: true);
        Assert.Equal(0, result.Status);
        Assert.Equal("the endpoint's TLS certificate is refused: it is not issued for the endpoint's name", result.Detail);
    }

    [Fact]
    public async Task The_bundle_never_excuses_an_expired_certificate()
    {
        var expired = _pki.Issue("peer", IPAddress.Loopback, DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddMinutes(-10));
        var result = await PostAsync(expired, withBundle: true);
        Assert.Equal(0, result.Status);
        Assert.Equal("the endpoint's TLS certificate is refused: it has expired or is not yet valid", result.Detail);
    }

    [Fact]
    public async Task The_bundle_trusts_only_its_own_authorities()
    {
        using var other = TestPki.Create("Another CA");
        var result = await PostAsync(other.Issue("peer", IPAddress.Loopback), withBundle: true);
        Assert.Equal(0, result.Status);
        Assert.Equal("the endpoint's TLS certificate is refused: it is not issued by a trusted certificate authority (see Tls:TrustedCertificates)", result.Detail);
    }

    [Fact]
    public void A_bundle_file_without_a_certificate_is_refused_naming_the_option()
    {
        File.WriteAllText(_bundle, "not a certificate\n");
        var e = Assert.Throws<TlsFileException>(() => PeerTrust.Load(_bundle));
        Assert.Equal($"Tls:TrustedCertificates = '{_bundle}': holds no PEM certificate (-----BEGIN CERTIFICATE-----)", e.Message);
    }
}
