namespace Telex.Core;

/// <summary>
/// The whole configuration of an agency node, one immutable tree. Sources, later ones winning: these defaults,
/// the data folder's <c>telex.json</c>, <c>TELEX__</c> environment variables (<c>TELEX__Listen</c>,
/// <c>TELEX__Delivery__ReceiptWait</c>), then the command line. An unknown key is an error.
/// </summary>
public sealed record TelexOptions
{
    /// <summary>The agency's display name. Default "Telex agency".</summary>
    public string Name { get; init; } = "Telex agency";

    /// <summary>
    /// Where this node listens (Kestrel URL). Default <c>http://127.0.0.1:7400</c>: loopback only until an operator
    /// puts TLS in front or configures HTTPS. An <c>https://</c> URL serves TLS with the certificate and key files
    /// named by <c>Tls:Certificate</c> and <c>Tls:Key</c>.
    /// </summary>
    public string Listen { get; init; } = "http://127.0.0.1:7400";

    /// <summary>
    /// The public federation endpoint other agencies post to, carried in the agency's DID. Default the
    /// <see cref="Listen"/> URL with <c>/didcomm</c>. Plain http is accepted only for loopback addresses.
    /// </summary>
    public string? PublicEndpoint { get; init; }

    /// <summary>Storage settings.</summary>
    public StorageOptions Storage { get; init; } = new();

    /// <summary>Delivery settings.</summary>
    public AgencyOptions Delivery { get; init; } = new();

    /// <summary>Client API settings.</summary>
    public ApiOptions Api { get; init; } = new();

    /// <summary>Limits on every HTTP connection (client API, console and federation alike).</summary>
    public HttpOptions Http { get; init; } = new();

    /// <summary>TLS: the certificate this node serves and the certificate authorities it trusts beyond the system's.</summary>
    public TlsOptions Tls { get; init; } = new();

    /// <summary>The endpoint other agencies use.</summary>
    public string EffectiveEndpoint => PublicEndpoint ?? Listen.TrimEnd('/') + "/didcomm";
}

/// <summary>Which store and where.</summary>
public sealed record StorageOptions
{
    /// <summary>
    /// <c>sqlite</c> (default, embedded: one file in the data folder) or <c>postgres</c> (a PostgreSQL database named by
    /// <see cref="ConnectionString"/>, which several agency nodes may share).
    /// </summary>
    public string Provider { get; init; } = "sqlite";

    /// <summary>The SQLite file, relative to the data folder. Default <c>telex.db</c>.</summary>
    public string Path { get; init; } = "telex.db";

    /// <summary>
    /// Make every commit survive power loss (SQLite <c>synchronous=FULL</c>). Default true; false keeps commits
    /// safe from a crash of the process but not of the machine.
    /// </summary>
    public bool FullSync { get; init; } = true;

    /// <summary>
    /// The PostgreSQL connection string (Npgsql syntax, e.g. <c>Host=db;Database=telex;Username=telex;Password=...</c>),
    /// required when <see cref="Provider"/> is <c>postgres</c>; give it in the environment
    /// (<c>TELEX__Storage__ConnectionString</c>) rather than in a file when it holds a password. Default none.
    /// </summary>
    public string? ConnectionString { get; init; }
}

/// <summary>The client API.</summary>
public sealed record ApiOptions
{
    /// <summary>How long a bearer token is valid. Default 12 hours: one working day.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(12);

    /// <summary>Failed sign-ins before an officer is locked out. Default 5.</summary>
    public int MaxFailedSignIns { get; init; } = 5;

    /// <summary>How long a lockout lasts. Default 15 minutes.</summary>
    public TimeSpan Lockout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Largest request body on the client API, in bytes. Default 64 MiB (attachments included).</summary>
    public long MaxRequestBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>
    /// Failed sign-ins (wrong name or password, API and console together) from one network address within a minute:
    /// while that many of its failures are less than a minute old, further attempts from it are answered 429 without
    /// being checked. Default 20: an officer
    /// who mistypes fails a few times, while the per-officer lockout alone would let one address try name after name.
    /// Together with <see cref="MaxFailedSignIns"/> it bounds guessing per officer and per address.
    /// </summary>
    public int FailedSignInsPerMinute { get; init; } = 20;

    /// <summary>
    /// How long the client request id (<c>Idempotency-Key</c> header) of a release — a telegram sent, a draft released, a
    /// bulletin sent — is kept: a retry with the same key by the same officer within this time gets the first answer
    /// instead of a second telegram; after it the key is free again. Default 24 hours: a client retries a lost answer
    /// within minutes, and a day covers a laptop that slept through a connection loss, as Stripe keeps its keys.
    /// </summary>
    public TimeSpan IdempotencyKeyLifetime { get; init; } = TimeSpan.FromHours(24);
}

/// <summary>Bounds on how long and how slowly a client may hold a connection, so slow clients cannot exhaust the node.</summary>
public sealed record HttpOptions
{
    /// <summary>
    /// Longest time a client may take to send a request's headers before the connection is closed. Default 30 seconds
    /// (Kestrel's): enough for a slow link, while a client dribbling headers byte by byte ("slowloris") holds a
    /// connection no longer than this.
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Slowest request body accepted, in bytes per second, after <see cref="MinRequestBodyGracePeriod"/>; a slower upload
    /// is cut off. Default 240 (Kestrel's): far below any working link, so only a client holding a connection open on
    /// purpose, by sending next to nothing, is cut off.
    /// </summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>How long a request body may start slowly before <see cref="MinRequestBodyBytesPerSecond"/> applies. Default 5 seconds (Kestrel's).</summary>
    public TimeSpan MinRequestBodyGracePeriod { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest size of a request's headers together, in bytes; more is answered 431. Default 32 KiB (Kestrel's): a bearer
    /// token and cookies take well under 1 KiB.
    /// </summary>
    public int MaxRequestHeadersBytes { get; init; } = 32 * 1024;

    /// <summary>
    /// Reverse proxies (TLS terminators, load balancers) whose <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c>
    /// headers are believed: their IP addresses, separated by commas (<c>10.0.0.5, 10.0.0.6</c>). Behind a proxy, a
    /// request's client address (for the per-address sign-in limit) and whether it came over TLS (for HSTS and Secure
    /// cookies) are what the proxy says, but only a request arriving from a listed proxy may say so. Default none:
    /// nothing is believed, since any client could send these headers.
    /// </summary>
    public string? KnownProxies { get; init; }

    /// <summary>
    /// Like <see cref="KnownProxies"/>, whole networks in CIDR notation separated by commas (<c>10.0.0.0/24, fd00::/64</c>).
    /// Default none.
    /// </summary>
    public string? KnownNetworks { get; init; }
}

/// <summary>
/// TLS served by the node itself (when <see cref="TelexOptions.Listen"/> is an <c>https://</c> URL) and trusted when it
/// connects to other agencies. Paths are relative to the data folder.
/// </summary>
public sealed record TlsOptions
{
    /// <summary>
    /// The certificate served over HTTPS: a PEM file (relative to the data folder) holding the node's certificate
    /// first, then any intermediate certificates to send with it. Required when <see cref="TelexOptions.Listen"/> is https. The file is read again
    /// when it changes (a renewal takes effect for new connections without a restart); a new file that does not load
    /// leaves the previous certificate in use, with a warning in the log. Default none.
    /// </summary>
    public string? Certificate { get; init; }

    /// <summary>
    /// The private key of the certificate in <c>Tls:Certificate</c>: an unencrypted PEM file (PKCS #8, RSA or EC;
    /// relative to the data folder), readable by the account running the agency only. Read again when it changes, as the certificate is. Default none.
    /// </summary>
    public string? Key { get; init; }

    /// <summary>
    /// Certificate authorities trusted for other agencies' endpoints besides the system's: a PEM file of CA certificates
    /// (relative to the data folder), for a private PKI. A peer's certificate that does not chain to a system root is accepted when it chains to one of
    /// these; its name must still match and it must still be within its validity. Read when the node starts. Default
    /// none: the system's trust store only.
    /// </summary>
    public string? TrustedCertificates { get; init; }
}
