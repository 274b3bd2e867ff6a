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
    /// puts TLS in front or configures HTTPS.
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
}
