using System.Threading.Channels;

using Microsoft.Extensions.Logging;

using Telex.Core.Identity;
using Telex.Core.Security;

namespace Telex.Core;

/// <summary>
/// What every service of one agency shares: its identity (replaced on a key rotation), store, transport, options,
/// clock and log; the DIDComm packer over its secrets; and the one way to publish an event, which reaches this node's
/// subscribers and, when the store is shared by several nodes, the other nodes' alike.
/// </summary>
internal sealed class AgencyContext : IDisposable
{
    private readonly SemaphoreSlim _work = new(0);
    private readonly SemaphoreSlim _relays = new(0);
    private volatile AgencyIdentity _identity;

    public AgencyContext(AgencyIdentity identity, ITelexStore store, ITransport transport, AgencyOptions options,
        TimeProvider time, ILogger logger)
    {
        _identity = identity;
        Store = store;
        Transport = transport;
        Options = options;
        Time = time;
        Logger = logger;
        EndpointPolicy = new PeerEndpointPolicy(identity.Endpoint, options.AllowedPeerNetworks);
        Packer = new DidCommPacker(Dids, Secrets);
    }

    /// <summary>The agency's identity; after a key rotation the new one.</summary>
    public AgencyIdentity Identity
    {
        get => _identity;
        set => _identity = value;
    }

    public ITelexStore Store { get; }

    public ITransport Transport { get; }

    public AgencyOptions Options { get; }

    public TimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public ILogger Logger { get; }

    /// <summary>Which endpoints peers may name for this agency to post to.</summary>
    public PeerEndpointPolicy EndpointPolicy { get; }

    /// <summary>The DID documents this agency knows: its own, its counterparts' and their priors.</summary>
    public DidResolver Dids { get; } = new();

    /// <summary>The agency's private keys, current and prior.</summary>
    public SecretResolver Secrets { get; } = new();

    public DidCommPacker Packer { get; }

    /// <summary>This node's subscribers.</summary>
    public AgencyEvents Events { get; } = new();

    /// <summary>Events raised here waiting to be announced to the other nodes; the oldest go first when they pile up.</summary>
    public Channel<AgencyEvent> ToOtherNodes { get; } =
        Channel.CreateBounded<AgencyEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    /// <summary>Publishes an event to this node's subscribers and, with a shared store, to the other nodes'.</summary>
    public void Emit(AgencyEvent e)
    {
        Events.Publish(e);
        if (Store is ISharedEvents)
        {
            ToOtherNodes.Writer.TryWrite(e);
        }
    }

    /// <summary>Publishes an event of <paramref name="kind"/> now (see <see cref="Emit"/>).</summary>
    public void Publish(string kind, string? counterpart = null, Guid? telegramId = null) =>
        Emit(new AgencyEvent(kind, counterpart, telegramId, Now));

    /// <summary>Tells the dispatcher there is new work in the outbox.</summary>
    public void Wake()
    {
        if (_work.CurrentCount == 0)
        {
            _work.Release();
        }
    }

    /// <summary>Waits until <see cref="Wake"/> is called or <paramref name="timeout"/> passes.</summary>
    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _work.WaitAsync(timeout, ct);

    /// <summary>Tells the relay forwarder there is a new envelope to pass on.</summary>
    public void WakeRelays()
    {
        if (_relays.CurrentCount == 0)
        {
            _relays.Release();
        }
    }

    /// <summary>Waits until <see cref="WakeRelays"/> is called or <paramref name="timeout"/> passes.</summary>
    public Task<bool> WaitForRelaysAsync(TimeSpan timeout, CancellationToken ct) => _relays.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _work.Dispose();
        _relays.Dispose();
    }
}
