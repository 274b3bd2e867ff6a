using System.Globalization;
using System.Text;

namespace Telex.TestKit.Faults;

/// <summary>What a run of the fault suite does: how much load, and how many faults of each kind.</summary>
public sealed record FaultPlan
{
    /// <summary>Telegrams the client submits (each until the sender's API accepts it).</summary>
    public int Telegrams { get; init; } = 1000;

    /// <summary>SIGKILLs with an immediate restart, each of a role drawn at random (sender, receiver, relay).</summary>
    public int Kills { get; init; } = 10;

    /// <summary>Outages: a peer (receiver or relay) killed and kept down for a random interval, then restarted.</summary>
    public int Outages { get; init; } = 2;

    /// <summary>Episodes of a full disk, alternating between the sender's and the direct receiver's tmpfs.</summary>
    public int DiskFullEpisodes { get; init; } = 2;

    /// <summary>How long an outage lasts, at least.</summary>
    public TimeSpan OutageMin { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long an outage lasts, at most.</summary>
    public TimeSpan OutageMax { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long the disk stays full once the agency has said so.</summary>
    public TimeSpan DiskFullHold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Out of every 4 telegrams, how many go through the relay (the rest go direct).</summary>
    public int RelayedOfFour { get; init; } = 1;

    /// <summary>Submissions in flight at once.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Size of each tmpfs (sender and direct receiver), bytes.</summary>
    public long TmpfsBytes { get; init; } = 512L << 20;

    /// <summary>How long the backlog may take to drain after the last fault before the run fails.</summary>
    public TimeSpan DrainDeadline { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Seed of the random choices (roles, points, intervals).</summary>
    public int Seed { get; init; } = Environment.TickCount;

    /// <summary>Log level of the agencies' processes.</summary>
    public string LogLevel { get; init; } = "Warning";

    /// <summary>Where progress lines go (null: nowhere).</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>What a run of the fault suite measured.</summary>
public sealed record FaultFigures
{
    /// <summary>The seed the run used.</summary>
    public int Seed { get; init; }

    /// <summary>Telegrams the sender released (filed in its register): what must arrive.</summary>
    public int Sent { get; init; }

    /// <summary>Of those, sent directly to the receiver.</summary>
    public int Direct { get; init; }

    /// <summary>Of those, sent through the relay.</summary>
    public int Relayed { get; init; }

    /// <summary>Submissions the sender's API refused with 507 (storage full), later submitted again.</summary>
    public int RefusedStorageFull { get; init; }

    /// <summary>Attempts that got no answer (the sender was down or killed while answering); each was tried again, and one released before the kill counts as sent.</summary>
    public int Ambiguous { get; init; }

    /// <summary>Submissions answered with anything but 201, 507 with the storage-full problem, or no answer at all. Must be 0.</summary>
    public int Unexpected { get; init; }

    /// <summary>Kills per role.</summary>
    public IReadOnlyDictionary<string, int> Kills { get; init; } = new Dictionary<string, int>();

    /// <summary>Outages (a peer kept down for a while).</summary>
    public int Outages { get; init; }

    /// <summary>Total time peers were kept down.</summary>
    public TimeSpan OutageTime { get; init; }

    /// <summary>Disk-full episodes per role.</summary>
    public IReadOnlyDictionary<string, int> DiskFull { get; init; } = new Dictionary<string, int>();

    /// <summary>Times each agency said, in its log, that its storage was full (once per episode expected).</summary>
    public IReadOnlyDictionary<string, int> DiskFullLogLines { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Released telegrams missing at their receiver, accepted submissions missing at the sender, or telegrams without a
    /// receipt at the sender after the drain deadline. Must be 0.
    /// </summary>
    public int Lost { get; init; }

    /// <summary>
    /// Telegrams registered more than once, registered but never released, refused yet released, or serials and registry
    /// numbers not gap-free. Must be 0.
    /// </summary>
    public int Duplicated { get; init; }

    /// <summary>What was wrong, one line each (empty when all is well).</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Agencies whose register verified (every one is checked).</summary>
    public IReadOnlyDictionary<string, bool> RegistersVerified { get; init; } = new Dictionary<string, bool>();

    /// <summary>Time from the end of the last fault (and of the load) until every telegram had its receipt at the sender.</summary>
    public TimeSpan Drain { get; init; }

    /// <summary>Time of the whole run, setup excluded.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>The figures, one per line.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"seed                   {Seed}");
        s.AppendLine(c, $"telegrams sent         {Sent} ({Direct} direct, {Relayed} through the relay)");
        s.AppendLine(c, $"kills (SIGKILL)        {Kills.Values.Sum()} ({string.Join(", ", Kills.Select(k => $"{k.Key} {k.Value}"))})");
        s.AppendLine(c, $"outages                {Outages} ({OutageTime.TotalSeconds:0.0} s down in all)");
        s.AppendLine(c, $"disk-full episodes     {DiskFull.Values.Sum()} ({string.Join(", ", DiskFull.Select(k => $"{k.Key} {k.Value}"))}); log lines at Error: {string.Join(", ", DiskFullLogLines.Select(k => $"{k.Key} {k.Value}"))}");
        s.AppendLine(c, $"refused (507), retried {RefusedStorageFull}");
        s.AppendLine(c, $"no answer (sender down) {Ambiguous} attempts");
        s.AppendLine(c, $"unexpected answers     {Unexpected}");
        s.AppendLine(c, $"lost                   {Lost}");
        s.AppendLine(c, $"duplicated             {Duplicated}");
        s.AppendLine(c, $"registers verify       {string.Join(", ", RegistersVerified.Select(k => $"{k.Key} {(k.Value ? "yes" : "NO")}"))}");
        s.AppendLine(c, $"drain after last fault {Drain.TotalSeconds:0.0} s");
        s.AppendLine(c, $"run time               {Elapsed.TotalSeconds:0} s ({(Elapsed.TotalSeconds > 0 ? Sent / Elapsed.TotalSeconds : 0):0} telegrams/s)");
        foreach (string p in Problems.Take(20))
        {
            s.AppendLine(c, $"problem: {p}");
        }

        return s.ToString();
    }
}
