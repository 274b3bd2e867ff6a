using System.Net;
using System.Net.Sockets;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Telex.Cli.Configuration;
using Telex.Cli.Hosting;
using Telex.Core;
using Telex.Core.Model;
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

/// <summary>
/// A small local network: real agencies (each its own Kestrel server on a loopback port and its own SQLite file),
/// tied pairwise through invitations and verified, exchanging a handful of telegrams until their receipts arrive.
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

    /// <summary>Ties every pair through an invitation, waits until each tie is established, and verifies both sides.</summary>
    public async Task TieAllAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        for (int i = 0; i < _agencies.Count; i++)
        {
            for (int j = i + 1; j < _agencies.Count; j++)
            {
                var (inviter, invitee) = (_agencies[i], _agencies[j]);
                progress($"Tying {inviter.Name} and {invitee.Name}…");
                var invitation = await inviter.Agency.CreateInvitationAsync(note: "demo: " + invitee.Name, ct: ct).ConfigureAwait(false);
                await invitee.Agency.AcceptInvitationAsync(invitation.Url, ct).ConfigureAwait(false);
                await UntilAsync(async () => (await invitee.Local.Store.GetTieAsync(inviter.Did, ct).ConfigureAwait(false))?.Status == TieStatus.Established,
                    $"{invitee.Name} holds an established tie with {inviter.Name}", ct).ConfigureAwait(false);
                await UntilAsync(async () => (await inviter.Local.Store.GetTieAsync(invitee.Did, ct).ConfigureAwait(false))?.Status == TieStatus.Established,
                    $"{inviter.Name} holds an established tie with {invitee.Name}", ct).ConfigureAwait(false);

                // In the demo both "officers" are this process; for real ties, people compare the fingerprint first.
                await inviter.Agency.VerifyTieAsync(invitee.Did, ct).ConfigureAwait(false);
                await invitee.Agency.VerifyTieAsync(inviter.Did, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the script's telegrams and waits for every receipt.</summary>
    public async Task<IReadOnlyList<DemoResult>> ExchangeAsync(Action<string> progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var sent = new List<(DemoTelegram Script, TelegramRecord Record)>();
        foreach (var script in DemoScript.Telegrams(_agencies.Count))
        {
            var (from, to) = (_agencies[script.From], _agencies[script.To]);
            progress($"Sending “{script.Subject}” from {from.Name} to {to.Name}…");
            var record = await from.Agency.ReleaseAsync(new TelegramDraft
            {
                To = to.Did,
                Subject = script.Subject,
                Body = script.Body,
                Precedence = script.Precedence,
                IssueId = script.Issue,
                OnBehalfOf = script.OnBehalfOf,
                Attendees = script.Attendees ?? [],
                References = script.Replies is { } r ? [sent[r].Record.Id] : [],
                Drafter = AgencyFolder.FirstOfficer,
            }, AgencyFolder.FirstOfficer, ct).ConfigureAwait(false);
            sent.Add((script, record));
        }

        var results = new List<DemoResult>();
        foreach (var (script, record) in sent)
        {
            var (from, to) = (_agencies[script.From], _agencies[script.To]);
            progress($"Waiting for {to.Name}'s receipt for “{script.Subject}”…");
            TelegramRecord? delivered = null;
            await UntilAsync(async () =>
            {
                delivered = await from.Local.Store.GetTelegramAsync(record.Id, Direction.Outbound, ct).ConfigureAwait(false);
                return delivered?.Status == TelegramStatus.Delivered;
            }, $"{to.Name} acknowledges “{script.Subject}”", ct).ConfigureAwait(false);
            var received = await to.Local.Store.GetTelegramAsync(record.Id, Direction.Inbound, ct).ConfigureAwait(false);
            results.Add(new DemoResult(script, from, to, delivered!, received));
        }

        return results;
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
