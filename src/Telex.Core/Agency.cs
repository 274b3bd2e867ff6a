using Microsoft.Extensions.Logging;

using Telex.Core.Background;
using Telex.Core.Bureaus;
using Telex.Core.Clearance;
using Telex.Core.Identity;
using Telex.Core.Issues;
using Telex.Core.Keys;
using Telex.Core.Officers;
using Telex.Core.Receipts;
using Telex.Core.Register;
using Telex.Core.Relay;
using Telex.Core.Security;
using Telex.Core.Telegrams;

namespace Telex.Core;

/// <summary>
/// An organization's node: its identity, its ties, its outbox and register. Receives packed messages from peers
/// (<see cref="ReceiveAsync"/>), releases telegrams (<see cref="Telegrams"/>) and delivers them in the background
/// (<see cref="RunAsync"/>). The composition root of the services by concern, each over one <see cref="AgencyContext"/>.
/// Thread-safe.
/// </summary>
public sealed class Agency : IDisposable
{
    private readonly OutboxDispatcher _dispatcher;
    private readonly GapWatcher _gaps;
    private readonly InboundPipeline _inbound;

    /// <summary>
    /// Creates an agency over its identity, store and transport. <paramref name="keyFile"/> is the file the identity is
    /// kept in, which a key rotation rewrites (see <see cref="KeyService.KeyFile"/>); null keeps a rotated identity in
    /// memory only.
    /// </summary>
    public Agency(AgencyIdentity identity, ITelexStore store, ITransport transport, AgencyOptions? options = null,
        TimeProvider? time = null, ILogger<Agency>? logger = null, string? keyFile = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transport);
        Context = new AgencyContext(identity, store, transport, options ?? AgencyOptions.Default, time ?? TimeProvider.System,
            logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        // The directory promotes a bureau's prospects once they are tied, and bureaus are made further down: the one
        // link that points back, passed as a delegate.
        Directory = new DirectoryService(Context, (entry, ct) => Bureaus!.PromoteProspectsAsync(entry, ct));
        Ties = new TieService(Context, Directory);
        var gaps = _gaps = new GapWatcher(Context, (tie, type, body, ct) => Ties.EnqueueControlAsync(tie, type, body, ct));
        Keys = new KeyService(Context, Directory, gaps.Follow) { KeyFile = keyFile };
        Register = new RegisterService(Context, Ties, Keys);
        Officers = new OfficerService(Context);
        Relays = new RelayService(Context, Directory);
        // Issues are made after the bureaus' traffic, which releases through the same rules: found by a delegate.
        var release = new TelegramRelease(Context, Directory, (reference, ct) => Issues!.FindIssueAsync(reference, ct));
        Clearance = new ClearanceService(Context, Ties, Directory, release);
        Bureaus = new BureauService(Context, Ties, Directory);
        BureauTraffic = new BureauTrafficService(Context, Ties, release, Clearance, Bureaus);
        Issues = new IssueService(Context, Ties, Directory, Relays, Bureaus, BureauTraffic);
        Receipts = new ReceiptService(Context, Directory, Relays, Ties);
        Telegrams = new TelegramService(Context, Directory, Ties, Relays, Clearance, Issues, BureauTraffic, release, Receipts, gaps);
        _inbound = new InboundPipeline(Context, Keys.IsRetiredDidAsync, RegisterHandlers());
        _dispatcher = new OutboxDispatcher(Context, Relays, Keys.ResumeRotationsAsync, Directory.CounterpartNameAsync);
        Workers = new AgencyWorkers(_dispatcher, Receipts.Sender, gaps, new RelayForwarder(Context, Relays),
            new CheckpointScheduler(Context, Register.CheckpointIfGrownAsync), store is ISharedEvents shared ? new EventSharing(Context, shared) : null);
    }

    /// <summary>Telegrams: release, and read receipts for those that arrived.</summary>
    public TelegramService Telegrams { get; }

    /// <summary>Ties with counterparts: invitations, status, terms.</summary>
    public TieService Ties { get; }

    /// <summary>The agency's keys and their rotation.</summary>
    public KeyService Keys { get; }

    /// <summary>The register: reading, checkpoints, verification, export and import.</summary>
    public RegisterService Register { get; }

    /// <summary>Every counterpart known, tied or by name only, with its dossier.</summary>
    public DirectoryService Directory { get; }

    /// <summary>The agency's officers and their administration.</summary>
    public OfficerService Officers { get; }

    /// <summary>
    /// The agency's identity: after a key rotation (<see cref="KeyService.RotateKeysAsync"/>) the new one, whose
    /// <see cref="AgencyIdentity.Priors"/> hold the ones before.
    /// </summary>
    public AgencyIdentity Identity => Context.Identity;

    /// <summary>Where everything is kept.</summary>
    public ITelexStore Store => Context.Store;

    /// <summary>Options.</summary>
    public AgencyOptions Options => Context.Options;

    /// <summary>Which endpoints peers may name for this agency to post to (from <see cref="AgencyOptions.AllowedPeerNetworks"/>).</summary>
    public PeerEndpointPolicy EndpointPolicy => Context.EndpointPolicy;

    /// <summary>Live events.</summary>
    public AgencyEvents Events => Context.Events;

    /// <summary>
    /// The loops the agency runs in the background: the outbox dispatcher, the receipt sender, the gap watcher, the relay
    /// forwarder, the checkpoint scheduler and, with a store several nodes share, the event sharing. The server runs
    /// each as its own hosted service; <see cref="RunAsync"/> runs them all.
    /// </summary>
    public AgencyWorkers Workers { get; }

    /// <summary>Runs every one of <see cref="Workers"/> until <paramref name="ct"/> is cancelled.</summary>
    public Task RunAsync(CancellationToken ct) => Task.WhenAll(Workers.All.Select(w => Task.Run(() => w.RunAsync(ct), CancellationToken.None)));

    /// <summary>Relays: the routes telegrams to agencies without a tie take, and this agency's relaying for others.</summary>
    public RelayService Relays { get; }

    /// <summary>Issues and referrals: opened, changed and shared with the agencies taking part.</summary>
    public IssueService Issues { get; }

    /// <summary>Bureaus: proposed, chartered, joined and left; their epochs, prospects and outcomes.</summary>
    public BureauService Bureaus { get; }

    /// <summary>A bureau's traffic: bulletins to its members and the bureau's issues.</summary>
    public BureauTrafficService BureauTraffic { get; }

    /// <summary>Clearance and coordination: the policy, drafts awaiting clearance, partners' coordination requests.</summary>
    public ClearanceService Clearance { get; }

    /// <summary>Receipts: those this agency owes for telegrams registered, and those its counterparts send.</summary>
    internal ReceiptService Receipts { get; }

    /// <summary>What the agency's services share (see <see cref="AgencyContext"/>).</summary>
    private AgencyContext Context { get; }

    /// <summary>
    /// Handles a packed message posted by a peer: it passes the gate (<see cref="InboundGate"/>) and then the handler
    /// registered for its type. Every Telex message must be signed and encrypted, addressed to this agency and come over
    /// a tie whose state lets its type through (a tie request excepted), or through a relay from an agency without one.
    /// A refused message changes nothing. Never throws for bad input.
    /// </summary>
    public Task<InboundResult> ReceiveAsync(ReadOnlyMemory<byte> packed, CancellationToken ct = default) => _inbound.ReceiveAsync(packed, ct);

    /// <summary>Releases the dispatcher's signals. The identity and store belong to the caller.</summary>
    public void Dispose()
    {
        Context.Dispose();
        Keys.Dispose();
        _dispatcher.Dispose();
        _gaps.Dispose();
    }

    /// <summary>
    /// The handler of each message type the gate lets through, each service registering its own; those of ties, keys,
    /// checkpoints, forwards and problem reports here. The pipeline checks them against the gate's table.
    /// </summary>
    private InboundHandlers RegisterHandlers()
    {
        var handlers = new InboundHandlers
        {
            Direct =
            {
                [MessageTypes.TieRequest] = (m, ct) => Ties.HandleTieRequestAsync(m.Message, m.Tie, ct),
                [MessageTypes.TieAccept] = (m, ct) => Ties.HandleTieAcceptAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.TieStatus] = (m, ct) => Ties.HandleTieStatusAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.TermsPropose] = (m, ct) => Ties.HandleTermsAsync(m.SenderTie, m.Message, signed: false, ct),
                [MessageTypes.TermsSign] = (m, ct) => Ties.HandleTermsAsync(m.SenderTie, m.Message, signed: true, ct),
                [MessageTypes.KeysRotate] = (m, ct) => Keys.HandleKeyRotationAsync(m.SenderTie, m.SenderDid, m.Message, ct),
                [MessageTypes.Checkpoint] = (m, ct) => Register.HandleCheckpointAsync(m.SenderTie, m.Message, m.Meta, ct),
                [DidCommPacker.ForwardType] = (m, ct) => Relays.HandleForwardAsync(m.SenderTie, m.Message, ct),
                [MessageTypes.ProblemReport] = (m, _) =>
                {
                    Log.ProblemReported(Context.Logger, m.SenderTie.PeerName, m.Message.Body.StringMember("code"), m.Message.Body.StringMember("comment"));
                    return Task.CompletedTask;
                },
            },
        };
        Telegrams.RegisterHandlers(handlers);
        Receipts.RegisterHandlers(handlers);
        Issues.RegisterHandlers(handlers);
        Clearance.RegisterHandlers(handlers);
        Bureaus.RegisterHandlers(handlers);
        BureauTraffic.RegisterHandlers(handlers);
        return handlers;
    }
}
