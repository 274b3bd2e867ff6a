using System.Net;

using Telex.Core.Security;

namespace Telex.Core.Tests.Security;

/// <summary>
/// Which endpoints an agency posts to, judged from the URL alone and from each address a name resolves to. Nothing
/// here connects anywhere.
/// </summary>
public sealed class PeerEndpointPolicyTests
{
    private static readonly PeerEndpointPolicy Public = new("https://guarded.example/didcomm");
    private static readonly PeerEndpointPolicy Loopback = new("http://127.0.0.1:7400/didcomm");

    public static TheoryData<string, string> RefusedEverywhere => new()
    {
        { "https://10.1.2.3/didcomm", "is private" },
        { "https://172.16.0.9/didcomm", "is private" },
        { "https://192.168.1.1/didcomm", "is private" },
        { "https://100.64.0.1/didcomm", "is private (shared address space)" },
        { "http://169.254.169.254/latest/meta-data/", "must be https" },
        { "https://169.254.169.254/latest/meta-data/", "is a cloud metadata address" },
        { "https://100.100.100.200/latest/meta-data/", "is a cloud metadata address" },
        { "https://[fd00:ec2::254]/latest/meta-data/", "is a cloud metadata address" },
        { "https://169.254.1.1/", "is link-local" },
        { "https://[fe80::1]/", "is link-local" },
        { "https://[fd12:3456::1]/", "is private" },
        { "https://[fec0::1]/", "is private" },
        { "https://0.0.0.0/", "is unspecified" },
        { "https://[::]/", "is unspecified" },
        { "https://224.0.0.1/", "is multicast" },
        { "https://[ff02::1]/", "is multicast" },
        { "https://255.255.255.255/", "is broadcast" },
        { "https://240.0.0.1/", "is reserved" },
        { "https://192.0.2.10/", "is reserved (documentation)" },
        { "https://[2001:db8::1]/", "is reserved (documentation)" },
        { "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "is reserved (protocol assignments, Teredo)" },
        // IPv6 forms of refused IPv4 addresses reach those addresses, and are judged as them.
        { "https://[::ffff:10.1.2.3]/", "is private" },
        { "https://[::ffff:169.254.169.254]/", "is a cloud metadata address" },
        { "https://[64:ff9b::a01:203]/", "is private" },
        { "https://[64:ff9b::a9fe:a9fe]/", "is a cloud metadata address" },
        { "https://[2002:a01:203::1]/", "is private" },
        { "https://[2002:a9fe:a9fe::]/", "is a cloud metadata address" },
        { "https://[::10.1.2.3]/", "is private" },
        { "https://[64:ff9b:1::a01:203]/", "is private" },
        { "http://peer.example/didcomm", "must be https" },
        { "http://10.1.2.3/didcomm", "must be https" },
        { "https://admin:secret@peer.example/didcomm", "user name or password" },
        { "https://peer.example/didcomm#x", "fragment" },
        { "ftp://peer.example/didcomm", "not an absolute http or https URL" },
        { "/didcomm", "not an absolute http or https URL" },
        { "", "not an absolute http or https URL" },
    };

    [Theory]
    [MemberData(nameof(RefusedEverywhere))]
    public void An_endpoint_inside_a_network_or_not_https_is_refused_by_every_agency_naming_why(string endpoint, string why)
    {
        Assert.Contains(why, Public.Refusal(endpoint), StringComparison.Ordinal);
        Assert.Contains(why, Loopback.Refusal(endpoint), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7401/didcomm")]
    [InlineData("https://127.0.0.1:7401/didcomm")]
    [InlineData("http://127.8.9.10/didcomm")]
    [InlineData("http://[::1]:7401/didcomm")]
    [InlineData("http://[::ffff:127.0.0.1]:7401/didcomm")]
    [InlineData("http://localhost:7401/didcomm")]
    [InlineData("https://agency.localhost./didcomm")]
    [InlineData("https://2130706433/didcomm")]
    [InlineData("https://0x7f.1/didcomm")]
    [InlineData("https://0177.0.0.1/didcomm")]
    [InlineData("https://[::ffff:7f00:1]/didcomm")]
    [InlineData("https://[::127.0.0.1]/didcomm")]
    public void A_loopback_endpoint_is_refused_by_an_agency_on_the_internet_and_allowed_to_an_agency_on_loopback(string endpoint)
    {
        Assert.Contains("loopback", Public.Refusal(endpoint), StringComparison.Ordinal);
        Assert.Null(Loopback.Refusal(endpoint));
    }

    [Theory]
    [InlineData("https://peer.example/didcomm")]
    [InlineData("https://peer.example:8443/telex/didcomm?x=1")]
    [InlineData("https://93.184.215.14/didcomm")]
    [InlineData("https://[2606:4700::6810:84e5]/didcomm")]
    public void A_public_https_endpoint_or_a_name_is_allowed_before_resolving(string endpoint)
    {
        Assert.Null(Public.Refusal(endpoint));
        Assert.Null(Loopback.Refusal(endpoint));
    }

    [Fact]
    public void Networks_the_option_names_are_allowed_and_only_those()
    {
        var policy = new PeerEndpointPolicy("https://guarded.example/didcomm", "10.20.0.0/16, fd12:3456::/48, 192.168.7.7");

        Assert.Null(policy.Refusal("https://10.20.3.4/didcomm"));
        Assert.Null(policy.Refusal("https://[::ffff:10.20.3.4]/didcomm"));
        Assert.Null(policy.Refusal("https://[fd12:3456::9]/didcomm"));
        Assert.Null(policy.Refusal(IPAddress.Parse("192.168.7.7")));
        Assert.Contains("is private", policy.Refusal("https://10.21.0.1/didcomm"), StringComparison.Ordinal);
        Assert.Contains("is private", policy.Refusal(IPAddress.Parse("192.168.7.8")), StringComparison.Ordinal);
        Assert.Contains("must be https", policy.Refusal("http://10.20.3.4/didcomm"), StringComparison.Ordinal);
        Assert.Contains("loopback", policy.Refusal("https://127.0.0.1/didcomm"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("intranet")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.1/8")]
    public void A_list_of_networks_with_an_entry_that_is_none_is_refused(string entry)
    {
        Assert.False(PeerEndpointPolicy.TryParseNetworks("10.20.0.0/16," + entry, out _, out string error));
        Assert.Contains(entry, error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PeerEndpointPolicy("https://guarded.example/didcomm", entry));
    }

    [Theory]
    [InlineData("https://guarded.example/didcomm", false)]
    [InlineData("https://10.0.0.5/didcomm", false)]
    [InlineData("http://127.0.0.1:7400/didcomm", true)]
    [InlineData("http://localhost:7400/didcomm", true)]
    [InlineData("https://[::1]:7400/didcomm", true)]
    public void An_agency_is_a_loopback_agency_when_its_own_endpoint_is_loopback(string own, bool loopback) =>
        Assert.Equal(loopback, new PeerEndpointPolicy(own).LoopbackAgency);
}
