using System.Net;
using System.Net.Sockets;

namespace Telex.Core.Security;

/// <summary>
/// Which endpoints this agency posts to. A peer chooses the endpoint in its DID, so without a rule a stranger with an
/// invitation, a tie request or a key rotation could make the agency send requests into the network it runs in.
/// Allowed: <c>https</c> URLs without user name or password whose host is a public address or a name (names are
/// checked again, address by address, when the connection is made). Refused: private, shared (carrier-grade NAT),
/// loopback, link-local, multicast, unspecified, reserved and cloud metadata addresses, also when written as an
/// IPv4-mapped, IPv4-compatible, 6to4 or NAT64 IPv6 address, unless one of <see cref="AllowedNetworks"/> holds them.
/// An agency whose own endpoint is loopback (the demo, tests, a trial on one machine) may also reach loopback
/// addresses, and only those over plain <c>http</c>.
/// </summary>
public sealed class PeerEndpointPolicy
{
    /// <summary>The DIDComm problem code with which a peer naming an endpoint this agency does not post to is refused.</summary>
    public const string RefusedCode = "e.p.did.endpoint-refused";

    // Where clouds answer instance metadata (credentials included): named in refusals so an operator sees why.
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, Azure, GCP, OpenStack, Oracle, DigitalOcean
        IPAddress.Parse("169.254.170.2"), // AWS ECS task credentials
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
        IPAddress.Parse("fd00:ec2::254"), // AWS over IPv6
    ];

    private static readonly (IPNetwork Network, string What)[] RefusedV4 =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "private (shared address space)"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("192.0.2.0/24"), "reserved (documentation)"),
        (IPNetwork.Parse("192.88.99.0/24"), "reserved"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved (benchmarking)"),
        (IPNetwork.Parse("198.51.100.0/24"), "reserved (documentation)"),
        (IPNetwork.Parse("203.0.113.0/24"), "reserved (documentation)"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
    ];

    // IPv6 outside 2000::/3 (global unicast) is refused as a whole; these are the parts of it that are not public.
    private static readonly (IPNetwork Network, string What)[] RefusedV6Global =
    [
        (IPNetwork.Parse("2001::/23"), "reserved (protocol assignments, Teredo)"),
        (IPNetwork.Parse("2001:db8::/32"), "reserved (documentation)"),
        (IPNetwork.Parse("3fff::/20"), "reserved (documentation)"),
    ];

    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork Nat64Local = IPNetwork.Parse("64:ff9b:1::/48");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");
    private static readonly IPNetwork V4Compatible = IPNetwork.Parse("::/96");
    private static readonly IPNetwork UniqueLocal = IPNetwork.Parse("fc00::/7");
    private static readonly IPNetwork SiteLocal = IPNetwork.Parse("fec0::/10");

    /// <summary>Creates the policy of an agency whose own endpoint is <paramref name="ownEndpoint"/>.</summary>
    /// <param name="ownEndpoint">The agency's endpoint (the one in its DID); a loopback one makes it a loopback agency.</param>
    /// <param name="allowedNetworks">
    /// Networks, in CIDR notation and separated by commas, whose addresses peers may have besides public ones
    /// (<see cref="AgencyOptions.AllowedPeerNetworks"/>); null or empty for none.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="allowedNetworks"/> is not a list of networks.</exception>
    public PeerEndpointPolicy(string ownEndpoint, string? allowedNetworks = null)
    {
        ArgumentNullException.ThrowIfNull(ownEndpoint);
        if (!TryParseNetworks(allowedNetworks, out var networks, out string error))
        {
            throw new ArgumentException(error, nameof(allowedNetworks));
        }

        AllowedNetworks = networks;
        LoopbackAgency = Uri.TryCreate(ownEndpoint, UriKind.Absolute, out var own) && IsLoopbackHost(own);
    }

    /// <summary>True when the agency's own endpoint is loopback: it may then reach loopback peers, over plain http too.</summary>
    public bool LoopbackAgency { get; }

    /// <summary>Networks whose addresses are allowed although they are not public.</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; }

    /// <summary>
    /// Why this agency would not post to <paramref name="endpoint"/>, judged from the URL alone (no name is resolved),
    /// or null when it may. Called where an endpoint is learned (an invitation, a tie request, a key rotation) and before
    /// every request; a name that passes is checked again on the addresses it resolves to (<see cref="Refusal(IPAddress)"/>).
    /// </summary>
    public string? Refusal(string endpoint)
    {
        if (FormRefusal(endpoint) is { } form)
        {
            return form;
        }

        var uri = new Uri(endpoint, UriKind.Absolute);
        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopbackHost(uri))
        {
            return "it must be https (plain http only to a loopback address)";
        }

        if (IsLoopbackName(uri.IdnHost))
        {
            // RFC 6761: localhost and its subdomains are loopback whatever a resolver says.
            bool allowed = LoopbackAgency || AllowedNetworks.Any(n => n.Contains(IPAddress.Loopback) || n.Contains(IPAddress.IPv6Loopback));
            return allowed ? null : "its host is loopback";
        }

        return AddressOf(uri) is { } address ? Refusal(address) : null;
    }

    /// <summary>
    /// Why this agency would not connect to <paramref name="address"/>, or null when it may: checked on every address
    /// a peer's host name resolves to, just before connecting, so a name that later resolves elsewhere (DNS rebinding)
    /// reaches nothing it may not.
    /// </summary>
    public string? Refusal(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var plain = Unwrap(address);
        if (AllowedNetworks.Any(n => n.Contains(plain) || n.Contains(address)))
        {
            return null;
        }

        if (Classify(plain) is not { } what)
        {
            return null;
        }

        return what == "loopback" && LoopbackAgency ? null : $"its address {address} is {what}";
    }

    /// <summary>
    /// Why <paramref name="endpoint"/> is no endpoint at all, whichever agency asks, or null: it must be an absolute
    /// http or https URL of at most 2,048 characters, without user name, password or fragment.
    /// </summary>
    public static string? FormRefusal(string? endpoint)
    {
        if (string.IsNullOrEmpty(endpoint) || endpoint.Length > 2048 || !Uri.TryCreate(endpoint, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.IdnHost.Length == 0)
        {
            return "it is not an absolute http or https URL";
        }

        if (uri.UserInfo.Length > 0)
        {
            return "it carries a user name or password";
        }

        return uri.Fragment.Length > 0 ? "it carries a fragment" : null;
    }

    /// <summary>
    /// Reads <paramref name="text"/>: networks in CIDR notation (<c>10.20.0.0/16</c>, <c>fd12:3456::/48</c>) or single
    /// addresses, separated by commas; null or blank is none. False with a reason when an entry is no network.
    /// </summary>
    public static bool TryParseNetworks(string? text, out IReadOnlyList<IPNetwork> networks, out string error)
    {
        var list = new List<IPNetwork>();
        networks = list;
        error = "";
        foreach (string entry in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int slash = entry.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && IPNetwork.TryParse(entry, out var network) && IPAddress.TryParse(entry[..slash], out var start) && start.Equals(network.BaseAddress))
            {
                list.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var single) && !entry.Contains('/', StringComparison.Ordinal))
            {
                list.Add(new IPNetwork(single, single.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                error = $"'{entry}' is not a network in CIDR notation (such as 10.20.0.0/16, with no bits set after the prefix) or an address";
                return false;
            }
        }

        return true;
    }

    /// <summary>What kind of address that is not public <paramref name="address"/> is, or null for a public one.</summary>
    internal static string? Classify(IPAddress address)
    {
        var plain = Unwrap(address);
        if (MetadataAddresses.Contains(plain))
        {
            return "a cloud metadata address";
        }

        if (plain.AddressFamily == AddressFamily.InterNetwork)
        {
            return plain.Equals(IPAddress.Broadcast) ? "broadcast" : RefusedV4.FirstOrDefault(r => r.Network.Contains(plain)).What;
        }

        if (plain.Equals(IPAddress.IPv6Any))
        {
            return "unspecified";
        }

        if (plain.Equals(IPAddress.IPv6Loopback))
        {
            return "loopback";
        }

        if (plain.IsIPv6Multicast)
        {
            return "multicast";
        }

        if (plain.IsIPv6LinkLocal)
        {
            return "link-local";
        }

        if (UniqueLocal.Contains(plain) || SiteLocal.Contains(plain) || Nat64Local.Contains(plain))
        {
            return "private";
        }

        if (!GlobalUnicastV6.Contains(plain))
        {
            return "reserved";
        }

        return RefusedV6Global.FirstOrDefault(r => r.Network.Contains(plain)).What;
    }

    /// <summary>
    /// The IPv4 address an IPv6 address stands for when it embeds one (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96,
    /// 6to4 2002::/16): it reaches that IPv4 host, so it is judged as that address. Others are returned as they are.
    /// </summary>
    internal static IPAddress Unwrap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        byte[] bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || (V4Compatible.Contains(address) && !address.Equals(IPAddress.IPv6Any) && !address.Equals(IPAddress.IPv6Loopback)))
        {
            return new IPAddress(bytes.AsSpan(12, 4));
        }

        return SixToFour.Contains(address) ? new IPAddress(bytes.AsSpan(2, 4)) : address;
    }

    /// <summary>The address a URL's host is written as, or null when the host is a name.</summary>
    internal static IPAddress? AddressOf(Uri uri) =>
        uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var address)
            ? address
            : null;

    private static bool IsLoopback(IPAddress address) => IPAddress.IsLoopback(Unwrap(address));

    private static bool IsLoopbackName(string host)
    {
        host = host.TrimEnd('.');
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsLoopbackHost(Uri uri) =>
        IsLoopbackName(uri.IdnHost) || (AddressOf(uri) is { } address && IsLoopback(address));
}
