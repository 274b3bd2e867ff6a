namespace Telex.Cli.Demo;

/// <summary>One telegram of the demonstration: from and to are agency indexes; <see cref="Replies"/> an earlier one's index.</summary>
internal sealed record DemoTelegram(int From, int To, string Issue, Precedence Precedence, string Subject, string Body,
    string? OnBehalfOf = null, IReadOnlyList<string>? Attendees = null, int? Replies = null);

/// <summary>One issue of the demonstration, opened by <see cref="Opener"/> with <see cref="With"/> (agency indexes).</summary>
internal sealed record DemoIssue(string Key, int Opener, int With, string Title);

/// <summary>An outcome an agency records on an issue; a referral names the agency it brings in.</summary>
internal sealed record DemoOutcome(int By, string Issue, string Term, string Text, int? ReferredTo = null);

/// <summary>
/// The demonstration network's agencies and traffic. The exchange retells the 1949 cable that inspired Telex
/// (<c>shared/seed/cable-1949-05-18.txt</c>) between organizations of today: three issues raised by a visiting
/// delegate, a bureau judged premature, aid granted, and a question referred to a regional office.
/// </summary>
internal static class DemoScript
{
    /// <summary>The admin password of every demonstration agency: known, so the demo can be explored at once.</summary>
    public const string Password = "telex-demo-1949";

    /// <summary>Agency names; twelve, as the cable's "12 countries".</summary>
    public static readonly string[] Names =
    [
        "Lighthouse", "Meridian", "Harbor", "Summit", "Riverside", "Northgate", "Cedar", "Aurora", "Granite", "Willow", "Beacon", "Compass",
    ];

    /// <summary>The bureau the founder proposes once it knows of twelve organizations in the region.</summary>
    public const string BureauName = "Joint Information Bureau";

    /// <summary>The bureau's purpose.</summary>
    public const string BureauPurpose = "To exchange information on the situation in the region among its organizations.";

    /// <summary>How many counterparts the founder's directory holds: "the twelve organizations in the region".</summary>
    public const int DirectorySize = 12;

    /// <summary>
    /// The organizations the founder knows by name only: the names of the twelve no agency of this run uses, and the
    /// regional office the cable refers a question to.
    /// </summary>
    public static IEnumerable<string> KnownByName(int agencies) => Names.Skip(agencies).Append("Regional Office").Take(DirectorySize - (agencies - 1));

    /// <summary>The bulletin the founder sends to every member once the bureau is chartered.</summary>
    public static DemoTelegram Bulletin { get; } = new(0, -1, "information-bureau", Precedence.Priority, "The information bureau is chartered",
        "Now that ties with every organization of the bureau are established, the joint information bureau is chartered. "
        + "Each member receives its bulletins as its own telegram, acknowledged by its own receipt.");

    /// <summary>The telegram sent through the founder between two agencies that hold no tie with each other.</summary>
    public static DemoTelegram Relayed(int from, int to) => new(from, to, "hydroelectric-station", Precedence.Routine, "Relayed: a question on the hydroelectric station",
        $"{Names[from]} holds no tie with {Names[to]} yet, so this telegram travels through {Names[0]}, which forwards it without being able to read it. "
        + "We would like to join the talks on the hydroelectric station at the regional office.");

    /// <summary>The file name the seed cable is imported under.</summary>
    public const string SeedCableName = "cable-1949-05-18.txt";

    /// <summary>
    /// The 1949 cable itself (No. 477, Kovalev; Nº 54611 where it was received), embedded from <c>Demo/cable-1949-05-18.txt</c>,
    /// a copy of the project's seed fixture: the demo files it in the first agency's register as imported history.
    /// </summary>
    public static string SeedCable()
    {
        using var stream = typeof(DemoScript).Assembly.GetManifestResourceStream("Telex.Cli.Demo." + SeedCableName)
            ?? throw new InvalidOperationException("the seed cable is not embedded in this build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The cable's issues, opened as real issues before the telegrams that name them (by key) are sent.</summary>
    public static IReadOnlyList<DemoIssue> Issues { get; } =
    [
        new("regional-situation", 0, 1, "The situation in the region"),
        new("information-bureau", 0, 1, "Creating a joint information bureau"),
        new("aid-staff-equipment", 2, 0, "Aid with trained staff and equipment"),
        new("trade-and-power", 2, 1, "Trade and the hydroelectric station"),
    ];

    /// <summary>The cable's outcomes, recorded once the telegrams are delivered: premature, granted, and a referral.</summary>
    public static IReadOnlyList<DemoOutcome> Outcomes { get; } =
    [
        new(1, "information-bureau", "premature",
            "Creating the bureau is still premature: ties with only five of the twelve organizations. Establish the ties first."),
        new(0, "aid-staff-equipment", "granted", "Granted: two field teams, one of them experienced, and 200 volunteers within a month."),
        new(1, "trade-and-power", "referred", "Come to an agreement on these issues at the regional office, which Lighthouse keeps.", ReferredTo: 0),
    ];

    /// <summary>The telegram the agency a referral brought in sends on the referred issue.</summary>
    public static DemoTelegram AfterReferral { get; } = new(0, 2, "trade-and-power", Precedence.Priority, "The regional office will receive your delegate",
        "The issue of trade and the hydroelectric station has been referred to us. Our regional office will receive your delegate next week "
        + "to come to an agreement on both questions.");

    public static IReadOnlyList<DemoTelegram> Telegrams(int agencies)
    {
        var list = new List<DemoTelegram>
        {
            new(0, 1, "regional-situation", Precedence.Priority, "A delegate has arrived with three issues",
                "Yesterday our chair asked us to inform you of the following.\n\n"
                + "The head of the northern field office has arrived. She has the authority to discuss three issues with you:\n"
                + "1. The situation in the region.\n2. The creation of a joint information bureau.\n"
                + "3. Aid with trained staff and equipment.\n\nWe ask for your views on each before the end of the week.",
                OnBehalfOf: "the Chair", Attendees: ["A. Okafor", "L. Lindqvist", "R. Tanaka"]),
            new(1, 0, "information-bureau", Precedence.Routine, "An information bureau is still premature",
                "Our chair thinks that creating a joint information bureau is still premature. Of the twelve organizations "
                + "in the region we have ties for now with only five, and with the others permanent ties have not been "
                + "organized. We know little of their situation. It is better first to establish these ties, study the "
                + "situation, and only then create the bureau. Until then we should limit ourselves to mutual agencies "
                + "through which ideas on specific issues are exchanged as they arise.",
                OnBehalfOf: "the Chair", Replies: 0),
            new(0, 2, "aid-staff-equipment", Precedence.Immediate, "Aid with staff and equipment will be granted",
                "Such aid will be granted. Two field teams have been formed, one of them experienced. We can transfer them "
                + "at any time at your request; until you need them we will equip and train them. In addition, 200 "
                + "volunteers are completing their training and can be sent in a month.",
                Attendees: ["A. Okafor", "M. Haddad"]),
            new(2, 0, "aid-staff-equipment", Precedence.Flash, "Please make the first field team ready",
                "We ask that the first field team be made ready to move. We will take every step in this direction only "
                + "after coordinating it with you.", Replies: 2),
            new(1, 2, "trade-and-power", Precedence.Routine, "Trade and the hydroelectric station: referred to the regional office",
                "As regards trade relations and the use of the hydroelectric station on the river, we suggest that your "
                + "delegate go to the regional office and come to an agreement on these issues there."),
            new(2, 1, "trade-and-power", Precedence.Priority, "Our delegate will travel to the regional office",
                "Agreed. Our delegate will travel to the regional office next week to negotiate both questions.", Replies: 4),
        };
        for (int i = 3; i < agencies; i++)
        {
            list.Add(new(i, 0, "directory", Precedence.Routine, "Tie established",
                $"{Names[i]} confirms its tie with {Names[0]} and is ready to exchange ideas on specific issues as they arise."));
        }

        return list;
    }
}
