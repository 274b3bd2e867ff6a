using System.Net;
using System.Net.Sockets;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Server;

namespace Telex.Cli.Demo;

/// <summary>One running agency of the demonstration network.</summary>
internal sealed class DemoAgency(LocalAgency local, WebApplication app, Socket socket, string url) : IAsyncDisposable
{
    public LocalAgency Local { get; } = local;

    public Agency Agency { get; } = app.Services.GetRequiredService<Agency>();

    public string Name => Local.Identity.Name;

    public string Did => Local.Identity.Did;

    public string Url { get; } = url;

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await app.DisposeAsync().ConfigureAwait(false);
        socket.Dispose();
        await Local.DisposeAsync().ConfigureAwait(false);
    }
}

/// <summary>A sent demonstration telegram and where it ended up.</summary>
internal sealed record DemoResult(DemoTelegram Script, DemoAgency From, DemoAgency To, TelegramRecord Sent, TelegramRecord? Received);

/// <summary>The demonstration bureau: its coverage while premature, who was missing, the refusal, its coverage once ready, and the bulletin's copies.</summary>
internal sealed record DemoBureauResult(Bureau Bureau, string Premature, IReadOnlyList<string> Missing, string Refusal, string Ready, long Epoch, IReadOnlyList<DemoResult> Bulletin);

/// <summary>
/// A small local network: real agencies (each its own Kestrel server on a loopback port and its own SQLite file),
/// tied through invitations and verified, with a directory, a bureau chartered once ready, a bulletin to its members, a
/// telegram relayed between two agencies without a tie, and a handful of telegrams, each until its receipt arrives.
/// </summary>
internal sealed class DemoNetwork : IAsyncDisposable
{
    /// <summary>How long setup waits for a tie or a receipt; loopback takes milliseconds, so this only bounds a fault.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private readonly List<DemoAgency> _agencies = [];

    public IReadOnlyList<DemoAgency> Agencies => _agencies;

    /// <summary>Starts <paramref name="count"/> agencies in subfolders of <paramref name="directory"/>.</summary>
    public async Task StartAsync(string directory, int count, int basePort, Action<ILoggingBuilder>? logging, CancellationToken ct)
    {
        for (int i = 0; i < count; i++)
        {
            string name = DemoScript.Names[i];
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, basePort == 0 ? 0 : basePort + i));
                socket.Listen(512);
            }
            catch (SocketException e)
            {
                socket.Dispose();
                throw new CliException(ExitCodes.Conflict, $"cannot listen on 127.0.0.1:{basePort + i} ({e.Message}); choose another --base-port, or 0 for any free ports");
            }

            int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            string url = $"http://127.0.0.1:{port}";
            string folder = Path.Combine(directory, name.ToLowerInvariant());
            var options = TelexConfiguration.Load(null, ["Name=" + name, "Listen=" + url]);
            LocalAgency local;
            try
            {
                local = await AgencyFolder.CreateAsync(folder, options, DemoScript.Password, mustChangePassword: false, ct).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }

            var app = AgencyServer.Build(options, local.Identity, local.Store, logging: logging, listenSocket: socket,
                keyFile: Path.Combine(local.Directory, AgencyFolder.KeyFile));
            var agency = new DemoAgency(local, app, socket, url);
            _agencies.Add(agency);
            await app.StartAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ties the first three agencies pairwise (the founder's ties "for now with only" a few): the others are tied later,
    /// when the bureau asks for it (<see cref="TieFounderWithTheRestAsync"/>).
    /// </summary>
    public async Task TieFirstThreeAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        for (int i = 0; i < 3; i++)
        {
            for (int j = i + 1; j < 3; j++)
            {
                await TieAsync(_agencies[i], _agencies[j], progress, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Ties the founder (the first agency) with every agency it has no tie with yet.</summary>
    public async Task TieFounderWithTheRestAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        for (int i = 3; i < _agencies.Count; i++)
        {
            await TieAsync(_agencies[0], _agencies[i], progress, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Ties two agencies through an invitation, waits until both hold it established, and verifies both sides.</summary>
    private static async Task TieAsync(DemoAgency inviter, DemoAgency invitee, Action<string> progress, CancellationToken ct)
    {
        progress($"Tying {inviter.Name} and {invitee.Name}…");
        var invitation = await inviter.Agency.Ties.CreateInvitationAsync(note: "demo: " + invitee.Name, ct: ct).ConfigureAwait(false);
        await invitee.Agency.Ties.AcceptInvitationAsync(invitation.Url, ct).ConfigureAwait(false);
        await UntilAsync(async () => (await invitee.Local.Store.Ties.GetTieAsync(inviter.Did, ct).ConfigureAwait(false))?.Status == TieStatus.Established,
            $"{invitee.Name} holds an established tie with {inviter.Name}", ct).ConfigureAwait(false);
        await UntilAsync(async () => (await inviter.Local.Store.Ties.GetTieAsync(invitee.Did, ct).ConfigureAwait(false))?.Status == TieStatus.Established,
            $"{inviter.Name} holds an established tie with {invitee.Name}", ct).ConfigureAwait(false);

        // In the demo both "officers" are this process; for real ties, people compare the fingerprint first.
        await inviter.Agency.Ties.VerifyTieAsync(invitee.Did, ct).ConfigureAwait(false);
        await invitee.Agency.Ties.VerifyTieAsync(inviter.Did, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Opens the cable's issues, releases the script's telegrams on them and waits for every receipt; then records
    /// the outcomes (premature, granted, a referral to a third agency) and sends the telegram the agency referred to
    /// writes on the issue it received.
    /// </summary>
    public async Task<(IReadOnlyList<DemoResult> Telegrams, IReadOnlyList<Issue> Issues)> ExchangeAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var issues = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var i in DemoScript.Issues)
        {
            var (opener, with) = (_agencies[i.Opener], _agencies[i.With]);
            progress($"{opener.Name} opens the issue “{i.Title}” with {with.Name}…");
            var issue = await opener.Agency.Issues.OpenIssueAsync(with.Did, i.Title, AgencyFolder.FirstOfficer, ct).ConfigureAwait(false);
            await UntilAsync(async () => await with.Local.Store.Issues.GetIssueAsync(issue.Id, ct).ConfigureAwait(false) is not null,
                $"{with.Name} holds the issue “{i.Title}”", ct).ConfigureAwait(false);
            issues[i.Key] = issue.Id;
        }

        var sent = new List<(DemoTelegram Script, TelegramRecord Record)>();
        foreach (var script in DemoScript.Telegrams(_agencies.Count))
        {
            sent.Add((script, await ReleaseAsync(script, issues, sent.Select(x => x.Record).ToList(), progress, ct).ConfigureAwait(false)));
        }

        var results = new List<DemoResult>();
        foreach (var (script, record) in sent)
        {
            results.Add(await DeliveredAsync(script, _agencies[script.From], _agencies[script.To], record, progress, ct).ConfigureAwait(false));
        }

        foreach (var o in DemoScript.Outcomes)
        {
            var by = _agencies[o.By];
            var referred = o.ReferredTo is { } r ? _agencies[r] : null;
            progress(referred is null ? $"{by.Name} records the issue “{o.Issue}” as {o.Term}…" : $"{by.Name} refers the issue “{o.Issue}” to {referred.Name}…");
            var change = await by.Agency.Issues.ChangeIssueAsync(issues[o.Issue], o.Term, o.Text, referred?.Name, AgencyFolder.FirstOfficer, ct: ct).ConfigureAwait(false);
            var scripted = DemoScript.Issues.Single(i => i.Key == o.Issue);
            foreach (var party in new[] { _agencies[scripted.Opener], _agencies[scripted.With], referred }.OfType<DemoAgency>())
            {
                await UntilAsync(async () => (await party.Local.Store.Issues.ListIssueEventsAsync(change.IssueId, ct).ConfigureAwait(false)).Any(e => e.Id == change.Id),
                    $"{party.Name} holds the outcome {o.Term} of “{o.Issue}”", ct).ConfigureAwait(false);
            }
        }

        progress($"{_agencies[0].Name} files the 1949 cable as imported history…");
        await _agencies[0].Agency.Register.ImportCableAsync(DemoScript.SeedCable(), DemoScript.SeedCableName, ct).ConfigureAwait(false);

        var after = DemoScript.AfterReferral;
        var onReferral = await ReleaseAsync(after, issues, [], progress, ct).ConfigureAwait(false);
        results.Add(await DeliveredAsync(after, _agencies[after.From], _agencies[after.To], onReferral, progress, ct).ConfigureAwait(false));
        var founderIssues = await _agencies[0].Local.Store.Issues.ListIssuesAsync(new IssueQuery(), ct).ConfigureAwait(false);
        return (results, founderIssues);
    }

    /// <summary>Releases one scripted telegram, naming its issue by the id it was opened with (or its key, as a label).</summary>
    private async Task<TelegramRecord> ReleaseAsync(DemoTelegram script, IReadOnlyDictionary<string, string> issues, List<TelegramRecord> earlier,
        Action<string> progress, CancellationToken ct)
    {
        var (from, to) = (_agencies[script.From], _agencies[script.To]);
        progress($"Sending “{script.Subject}” from {from.Name} to {to.Name}…");
        return await from.Agency.Telegrams.ReleaseAsync(new TelegramDraft
        {
            To = to.Did,
            Subject = script.Subject,
            Body = script.Body,
            Precedence = script.Precedence,
            IssueId = issues.GetValueOrDefault(script.Issue, script.Issue),
            OnBehalfOf = script.OnBehalfOf,
            Attendees = script.Attendees ?? [],
            References = script.Replies is { } r ? [earlier[r].Id] : [],
            Drafter = AgencyFolder.FirstOfficer,
        }, AgencyFolder.FirstOfficer, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Fills the founder's directory with the twelve organizations of the region: its ties are in it already; the other
    /// agencies of this run are entered with their DIDs, to be tied later, and the rest by name only; each gets a
    /// dossier note. Returns the directory.
    /// </summary>
    public async Task<IReadOnlyList<Counterpart>> FillDirectoryAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var founder = _agencies[0];
        progress($"Filling {founder.Name}'s directory…");
        foreach (string name in DemoScript.KnownByName(_agencies.Count))
        {
            await founder.Agency.Directory.AddToDirectoryAsync(name, null, null, null, ct).ConfigureAwait(false);
            await founder.Agency.Directory.AddDossierNoteAsync(name, AgencyFolder.FirstOfficer,
                "No permanent tie organized yet; we know little of its situation.", ct).ConfigureAwait(false);
        }

        for (int i = 1; i < _agencies.Count; i++)
        {
            // The first three are tied already; the others are known by DID, to be tied when the bureau asks for it.
            var other = _agencies[i];
            if (i >= 3)
            {
                await founder.Agency.Directory.AddToDirectoryAsync(other.Name, other.Did, null, null, ct).ConfigureAwait(false);
            }

            await founder.Agency.Directory.AddDossierNoteAsync(other.Did, AgencyFolder.FirstOfficer, i < 3
                ? "Tied and verified; exchanges ideas on specific issues as they arise."
                : "Known; no permanent tie organized yet.", ct).ConfigureAwait(false);
        }

        return await founder.Agency.Directory.ListDirectoryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The bureau: the founder proposes it with every other agency as a prospective member while it holds ties with
    /// only two of them, so chartering is refused as premature; it ties with the rest, charters it, every member
    /// accepts, and a bulletin goes to the members of the last epoch, each copy acknowledged by its own receipt.
    /// </summary>
    public async Task<DemoBureauResult> BureauAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var founder = _agencies[0];
        var members = _agencies.Skip(1).ToList();
        progress($"{founder.Name} proposes a joint information bureau…");
        var bureau = await founder.Agency.Bureaus.ProposeBureauAsync(DemoScript.BureauName, DemoScript.BureauPurpose, members.Select(m => m.Did).ToList(),
            ct: ct).ConfigureAwait(false);
        var premature = await founder.Agency.Bureaus.BureauReadinessAsync(bureau.Id, ct).ConfigureAwait(false);
        string refusal;
        try
        {
            await founder.Agency.Bureaus.CharterBureauAsync(bureau.Id, ct).ConfigureAwait(false);
            throw new CliException(ExitCodes.Unexpected, "the bureau was chartered while premature");
        }
        catch (TelexException e)
        {
            refusal = e.Message;
        }

        await TieFounderWithTheRestAsync(progress, ct).ConfigureAwait(false);
        var ready = await founder.Agency.Bureaus.BureauReadinessAsync(bureau.Id, ct).ConfigureAwait(false);
        progress($"Chartering {DemoScript.BureauName}…");
        await founder.Agency.Bureaus.CharterBureauAsync(bureau.Id, ct).ConfigureAwait(false);
        foreach (var member in members)
        {
            await UntilAsync(async () => await member.Local.Store.Bureaus.GetBureauAsync(bureau.Id, ct).ConfigureAwait(false) is not null,
                $"{member.Name} holds the charter", ct).ConfigureAwait(false);
            await member.Agency.Bureaus.AcceptBureauAsync(bureau.Id, ct).ConfigureAwait(false);
        }

        // Every acceptance opens an epoch at the secretariat; the last one holds every member.
        long epoch = 0;
        await UntilAsync(async () =>
        {
            var held = await founder.Local.Store.Bureaus.GetBureauAsync(bureau.Id, ct).ConfigureAwait(false);
            var current = held is { Epoch: > 0 } ? await founder.Local.Store.Bureaus.GetBureauEpochAsync(bureau.Id, held.Epoch, ct).ConfigureAwait(false) : null;
            epoch = current?.Members.Count == _agencies.Count ? current.Number : 0;
            return epoch > 0;
        }, "every member has joined the bureau", ct).ConfigureAwait(false);
        foreach (var member in members)
        {
            await UntilAsync(async () => (await member.Local.Store.Bureaus.GetBureauAsync(bureau.Id, ct).ConfigureAwait(false))?.Epoch == epoch,
                $"{member.Name} holds epoch {epoch}", ct).ConfigureAwait(false);
        }

        progress("Sending a bulletin to every member…");
        var script = DemoScript.Bulletin;
        var sent = await founder.Agency.BureauTraffic.SendBulletinAsync(bureau.Id, new TelegramDraft
        {
            To = "",
            Subject = script.Subject,
            Body = script.Body,
            Precedence = script.Precedence,
            Drafter = AgencyFolder.FirstOfficer,
        }, AgencyFolder.FirstOfficer, ct).ConfigureAwait(false);
        var bulletin = new List<DemoResult>();
        foreach (var record in sent)
        {
            var to = members.Single(m => m.Did == record.Counterpart);
            bulletin.Add(await DeliveredAsync(script, founder, to, record, progress, ct).ConfigureAwait(false));
        }

        var chartered = await founder.Local.Store.Bureaus.GetBureauAsync(bureau.Id, ct).ConfigureAwait(false);
        return new DemoBureauResult(chartered!, premature.Summary, premature.Missing.Select(m => m.Name).ToList(), refusal, ready.Summary, epoch, bulletin);
    }

    /// <summary>
    /// A telegram relayed between two agencies that hold no tie with each other: both are tied with the founder, whose
    /// relay policy permits the pair and whose ties with both permit relays; the sender's directory knows the recipient
    /// is tied with the founder, so the route is chosen from it.
    /// </summary>
    public async Task<DemoResult> RelayAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var (relay, from, to) = (_agencies[0], _agencies[3], _agencies[2]);
        progress($"{relay.Name} agrees to relay between {from.Name} and {to.Name}…");
        await relay.Agency.Relays.AllowAsync(from.Did, to.Did, ct).ConfigureAwait(false);
        foreach (var end in new[] { from, to })
        {
            var tie = await end.Local.Store.Ties.GetTieAsync(relay.Did, ct).ConfigureAwait(false);
            await end.Agency.Ties.ProposeTermsAsync(relay.Did, tie!.Terms with { Relays = true }, ct).ConfigureAwait(false);
            await UntilAsync(async () => (await relay.Local.Store.Ties.GetTieAsync(end.Did, ct).ConfigureAwait(false))?.ProposedTerms is not null,
                $"{relay.Name} holds {end.Name}'s proposed terms", ct).ConfigureAwait(false);
            await relay.Agency.Ties.SignProposedTermsAsync(end.Did, ct).ConfigureAwait(false);
            await UntilAsync(async () => (await end.Local.Store.Ties.GetTieAsync(relay.Did, ct).ConfigureAwait(false))?.Terms.Relays == true,
                $"{end.Name} holds the signed terms permitting relays", ct).ConfigureAwait(false);
        }

        await from.Agency.Directory.AddToDirectoryAsync(to.Name, to.Did, null, [relay.Did], ct).ConfigureAwait(false);
        var script = DemoScript.Relayed(from: 3, to: 2);
        progress($"Sending “{script.Subject}” from {from.Name} to {to.Name} through {relay.Name}…");
        var record = await from.Agency.Telegrams.ReleaseAsync(new TelegramDraft
        {
            To = to.Did,
            Subject = script.Subject,
            Body = script.Body,
            Precedence = script.Precedence,
            IssueId = script.Issue,
            Drafter = AgencyFolder.FirstOfficer,
        }, AgencyFolder.FirstOfficer, ct).ConfigureAwait(false);
        return await DeliveredAsync(script, from, to, record, progress, ct).ConfigureAwait(false);
    }

    /// <summary>Waits for the receipt of a released telegram and reads what the recipient registered.</summary>
    private static async Task<DemoResult> DeliveredAsync(DemoTelegram script, DemoAgency from, DemoAgency to, TelegramRecord record,
        Action<string> progress, CancellationToken ct)
    {
        progress($"Waiting for {to.Name}'s receipt for “{script.Subject}”…");
        TelegramRecord? delivered = null;
        await UntilAsync(async () =>
        {
            delivered = await from.Local.Store.Telegrams.GetTelegramAsync(record.Id, Direction.Outbound, ct).ConfigureAwait(false);
            return delivered?.Status == TelegramStatus.Delivered;
        }, $"{to.Name} acknowledges “{script.Subject}”", ct).ConfigureAwait(false);
        var received = await to.Local.Store.Telegrams.GetTelegramAsync(record.Id, Direction.Inbound, ct).ConfigureAwait(false);
        return new DemoResult(script, from, to, delivered!, received);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agency in _agencies)
        {
            await agency.DisposeAsync().ConfigureAwait(false);
        }

        _agencies.Clear();
    }

    /// <summary>Waits until <paramref name="done"/> holds, backing off to 250 ms between checks, for at most <see cref="Deadline"/>.</summary>
    internal static async Task UntilAsync(Func<Task<bool>> done, string what, CancellationToken ct)
    {
        var until = DateTime.UtcNow + Deadline;
        var delay = TimeSpan.FromMilliseconds(10);
        while (!await done().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > until)
            {
                throw new CliException(ExitCodes.Unreachable, $"{what}: not reached within {Deadline.TotalSeconds:0} s");
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }
    }
}
