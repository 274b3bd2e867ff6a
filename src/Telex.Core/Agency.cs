using Microsoft.Extensions.Logging;

using Telex.Core.Background;
using Telex.Core.Identity;
using Telex.Core.Model;
using Telex.Core.Relay;
using Telex.Core.Security;
using Telex.Core.Storage;
using Telex.DidComm;
using Telex.DidComm.Dids;

namespace Telex.Core;

/// <summary>
/// An organization's node: its identity, its ties, its outbox and register. Receives packed messages from peers
/// (<see cref="ReceiveAsync"/>), releases telegrams (<see cref="ReleaseAsync(Model.TelegramDraft, string, CancellationToken)"/>) and delivers them in the
/// background (<see cref="RunAsync"/>). Thread-safe.
/// </summary>
public sealed partial class Agency : IDisposable, ICounterparts
{
    private readonly ITransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly GapWatcher _gaps;
    private readonly ReceiptSender _receiptSender;
    private readonly OutboxDispatcher _dispatcher;

    /// <summary>Creates an agency over its identity, store and transport.</summary>
    public Agency(AgencyIdentity identity, ITelexStore store, ITransport transport, AgencyOptions? options = null,
        TimeProvider? time = null, ILogger<Agency>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(transport);
        Context = new AgencyContext(identity, store, transport, options ?? AgencyOptions.Default, time ?? TimeProvider.System,
            logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        _transport = Context.Transport;
        _time = Context.Time;
        _logger = Context.Logger;
        AddSecrets(identity);
        _handlers = RegisterHandlers();
        _gaps = new GapWatcher(Context, (tie, type, body, ct) => EnqueueControlAsync(tie, type, body, ct));
        Relays = new RelayService(Context, this);
        _receiptSender = new ReceiptSender(Context, Relays);
        _dispatcher = new OutboxDispatcher(Context, Relays, ResumeRotationsAsync, CounterpartNameAsync);
        Workers = new AgencyWorkers(_dispatcher, _receiptSender, _gaps, new RelayForwarder(Context, Relays),
            new CheckpointScheduler(Context, CheckpointIfGrownAsync), store is ISharedEvents shared ? new EventSharing(Context, shared) : null);
    }

    /// <summary>
    /// The agency's identity: after a key rotation (<see cref="RotateKeysAsync"/>) the new one, whose
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

    /// <summary>What the agency's services share (see <see cref="AgencyContext"/>).</summary>
    internal AgencyContext Context { get; }

    internal DidResolver Dids => Context.Dids;

    internal DidCommPacker Packer => Context.Packer;

    private DateTimeOffset Now => Context.Now;

    /// <summary>The safety number of the tie with <paramref name="peerDid"/>.</summary>
    public string FingerprintWith(string peerDid) => Fingerprint.Of(Identity.Did, peerDid);

    private void Publish(string kind, string? counterpart = null, Guid? telegramId = null) => Context.Publish(kind, counterpart, telegramId);

    private void Emit(AgencyEvent e) => Context.Emit(e);

    /// <summary>Releases the dispatcher's signals. The identity and store belong to the caller.</summary>
    public void Dispose()
    {
        Context.Dispose();
        DisposeRotatedIdentities();
        _dispatcher.Dispose();
    }

    /// <summary>Wakes the dispatcher: there is new work in the outbox.</summary>
    private void Wake() => Context.Wake();


    Task<Tie?> ICounterparts.FindTieAsync(string didOrName, CancellationToken ct) => FindTieAsync(didOrName, ct);

    Task<string> ICounterparts.ResolveCounterpartDidAsync(string didOrName, CancellationToken ct) => ResolveCounterpartDidAsync(didOrName, ct);

    Task<TelexException> ICounterparts.UnaddressableAsync(string recipient, CancellationToken ct) => UnaddressableAsync(recipient, ct);

    Task<bool> ICounterparts.RelayPolicyNamesAsync(RelayPolicy policy, string a, string b, CancellationToken ct) =>
        RelayPolicyNamesAsync(policy, a, b, ct);
}
