namespace Telex.Cli.Client;

/// <summary>
/// What one run of <c>telex</c> did that its last words depend on: which agency it acted on (set where a client
/// connects, <see cref="Commands.ClientOptions.Connect"/>, or signs in), and whether its standard output carries data
/// (an export) rather than text for a person. <see cref="TelexCli"/> names the agency once, at the end, from here.
/// </summary>
internal sealed class Invocation
{
    private static readonly AsyncLocal<Invocation?> Slot = new();

    /// <summary>The run in progress on this flow, if one began.</summary>
    public static Invocation? Current => Slot.Value;

    /// <summary>The agency acted on: its name if known, its URL, and the token used (to learn its name if unknown).</summary>
    public (string? Name, Uri Url, string? Token)? Agency { get; private set; }

    /// <summary>Whether standard output carries data for a file or pipe, which a line naming the agency would corrupt.</summary>
    public bool StdoutIsData { get; private set; }

    /// <summary>Starts a run on the current flow (one per command line).</summary>
    public static Invocation Begin()
    {
        var invocation = new Invocation();
        Slot.Value = invocation;
        return invocation;
    }

    /// <summary>Records the agency a command talks to.</summary>
    public static void ActOn(string? name, Uri url, string? token)
    {
        if (Current is { } run)
        {
            run.Agency = (name, url, token);
        }
    }

    /// <summary>
    /// The names of the agencies the agency acted on knows, by DID (<c>GET /api/names</c>), read once when output first
    /// names an agency; empty when no agency was acted on or it could not say.
    /// </summary>
    public IReadOnlyDictionary<string, string> AgencyNames()
    {
        if (_names is null)
        {
            _names = new Dictionary<string, string>();
            if (Agency is { } agency)
            {
                try
                {
                    using var api = new ApiClient(agency.Url, agency.Token);
                    _names = api.NamesAsync(CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (CliException)
                {
                    // An agency that cannot name its counterparts leaves them unnamed; the command's own answer stands.
                }
            }
        }

        return _names;
    }

    private IReadOnlyDictionary<string, string>? _names;

    /// <summary>Records that standard output carries data.</summary>
    public static void DataOnStdout()
    {
        if (Current is { } run)
        {
            run.StdoutIsData = true;
        }
    }
}
