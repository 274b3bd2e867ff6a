using Microsoft.Extensions.Logging;

using Telex.Core.Background;
using Telex.Core.Bureaus;
using Telex.Core.Clearance;
using Telex.Core.Counterparts;
using Telex.Core.Identity;
using Telex.Core.Issues;
using Telex.Core.Keys;
using Telex.Core.Officers;
using Telex.Core.Register;
using Telex.Core.Relay;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.Core.Ties;
using Telex.DidComm;
using Telex.DidComm.Dids;

namespace Telex.Core;

/// <summary>
/// An organization's node: its identity, its ties, its outbox and register. Receives packed messages from peers
/// (<see cref="ReceiveAsync"/>), releases telegrams (<see cref="ReleaseAsync(Model.TelegramDraft, string, CancellationToken)"/>) and delivers them in the
/// background (<see cref="RunAsync"/>). Thread-safe.
/// </summary>
public sealed partial class Agency : IDisposable
{
    private readonly ITransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GapWatcher _gaps;
    private readonly ReceiptSender _receiptSender;
    private readonly OutboxDispatcher _dispatcher;

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
        _transport = Context.Transport;
        _time = Context.Time;
        _logger = Context.Logger;
        Directory = new DirectoryService(Context, PromoteProspectsAsync);
        Keys = new KeyService(Context, Directory, (oldDid, newDid) => _gaps!.Follow(oldDid, newDid)) { KeyFile = keyFile };
        Ties = new TieService(Context, Directory);
        Register = new RegisterService(Context, Ties, Keys);
        Officers = new OfficerService(Context);
        Clearance = new ClearanceService(Context, this);
        Bureaus = new BureauService(Context, this);
        BureauTraffic = new BureauTrafficService(Context, this, Clearance, Bureaus);
        Issues = new IssueService(Context, this, Bureaus, BureauTraffic);
        _handlers = RegisterHandlers();
        _gaps = new GapWatcher(Context, (tie, type, body, ct) => Ties.EnqueueControlAsync(tie, type, body, ct));
        Relays = new RelayService(Context, Directory);
        _receiptSender = new ReceiptSender(Context, Relays, Ties);
        _dispatcher = new OutboxDispatcher(Context, Relays, Keys.ResumeRotationsAsync, Directory.CounterpartNameAsync);
        Workers = new AgencyWorkers(_dispatcher, _receiptSender, _gaps, new RelayForwarder(Context, Relays),
            new CheckpointScheduler(Context, Register.CheckpointIfGrownAsync), store is ISharedEvents shared ? new EventSharing(Context, shared) : null);
    }

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

    /// <summary>What the agency's services share (see <see cref="AgencyContext"/>).</summary>
    internal AgencyContext Context { get; }

    internal DidResolver Dids => Context.Dids;

    internal DidCommPacker Packer => Context.Packer;

    private DateTimeOffset Now => Context.Now;

    private void Publish(string kind, string? counterpart = null, Guid? telegramId = null) => Context.Publish(kind, counterpart, telegramId);

    private void Emit(AgencyEvent e) => Context.Emit(e);

    /// <summary>Releases the dispatcher's signals. The identity and store belong to the caller.</summary>
    public void Dispose()
    {
        Context.Dispose();
        Keys.Dispose();
        _dispatcher.Dispose();
    }

    /// <summary>Wakes the dispatcher: there is new work in the outbox.</summary>
    private void Wake() => Context.Wake();
}
