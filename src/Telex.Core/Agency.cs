using Microsoft.Extensions.Logging;

using Telex.Core.Bureaus;
using Telex.Core.Clearance;
using Telex.Core.Identity;
using Telex.Core.Issues;
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
        Clearance = new ClearanceService(Context, this);
        Bureaus = new BureauService(Context, this);
        BureauTraffic = new BureauTrafficService(Context, this, Clearance, Bureaus);
        Issues = new IssueService(Context, this, Bureaus, BureauTraffic);
        _handlers = RegisterHandlers();
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

    /// <summary>The safety number of the tie with <paramref name="peerDid"/>.</summary>
    public string FingerprintWith(string peerDid) => Fingerprint.Of(Identity.Did, peerDid);

    private void Publish(string kind, string? counterpart = null, Guid? telegramId = null) => Context.Publish(kind, counterpart, telegramId);

    private void Emit(AgencyEvent e) => Context.Emit(e);

    /// <summary>Releases the dispatcher's signals. The identity and store belong to the caller.</summary>
    public void Dispose()
    {
        Context.Dispose();
        DisposeRotatedIdentities();
        foreach (var slot in _peerSlots.Values)
        {
            slot.Dispose();
        }
    }

    /// <summary>Wakes the dispatcher: there is new work in the outbox.</summary>
    private void Wake() => Context.Wake();
}
