using Microsoft.Extensions.Logging;

using Telex.Core.Identity;
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
public sealed partial class Agency : IDisposable
{
    private readonly ITransport _transport;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0);

    /// <summary>Creates an agency over its identity, store and transport.</summary>
    public Agency(AgencyIdentity identity, ITelexStore store, ITransport transport, AgencyOptions? options = null,
        TimeProvider? time = null, ILogger<Agency>? logger = null)
    {
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        Store = store ?? throw new ArgumentNullException(nameof(store));
        _transport = transport ?? throw new ArgumentNullException(nameof(transport));
        Options = options ?? AgencyOptions.Default;
        EndpointPolicy = new PeerEndpointPolicy(identity.Endpoint, Options.AllowedPeerNetworks);
        _time = time ?? TimeProvider.System;
        _logger = logger ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        Dids = new DidResolver();
        AddSecrets(identity);
        Packer = new DidCommPacker(Dids, _secrets);
        _handlers = RegisterHandlers();
    }

    /// <summary>
    /// The agency's identity: after a key rotation (<see cref="RotateKeysAsync"/>) the new one, whose
    /// <see cref="AgencyIdentity.Priors"/> hold the ones before.
    /// </summary>
    public AgencyIdentity Identity => _identity;

    /// <summary>Where everything is kept.</summary>
    public ITelexStore Store { get; }

    /// <summary>Options.</summary>
    public AgencyOptions Options { get; }

    /// <summary>Which endpoints peers may name for this agency to post to (from <see cref="AgencyOptions.AllowedPeerNetworks"/>).</summary>
    public PeerEndpointPolicy EndpointPolicy { get; }

    /// <summary>Live events.</summary>
    public AgencyEvents Events { get; } = new();

    internal DidResolver Dids { get; }

    internal DidCommPacker Packer { get; }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The safety number of the tie with <paramref name="peerDid"/>.</summary>
    public string FingerprintWith(string peerDid) => Fingerprint.Of(Identity.Did, peerDid);

    private void Publish(string kind, string? counterpart = null, Guid? telegramId = null) =>
        Emit(new AgencyEvent(kind, counterpart, telegramId, Now));

    /// <summary>Releases the dispatcher's signals. The identity and store belong to the caller.</summary>
    public void Dispose()
    {
        _wake.Dispose();
        DisposeRotatedIdentities();
        foreach (var slot in _peerSlots.Values)
        {
            slot.Dispose();
        }
    }

    /// <summary>Wakes the dispatcher: there is new work in the outbox.</summary>
    private void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }
}
