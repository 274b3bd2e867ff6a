using Microsoft.Extensions.Logging;

using Telex.Core.Counterparts;
using Telex.Core.Identity;
using Telex.Core.Keys;
using Telex.Core.Officers;
using Telex.Core.Register;
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
        Keys = new KeyService(Context, Directory, OnCounterpartRotated) { KeyFile = keyFile };
        Ties = new TieService(Context, Directory);
        Register = new RegisterService(Context, Ties, Keys);
        Officers = new OfficerService(Context);
        _handlers = RegisterHandlers();
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
        foreach (var slot in _peerSlots.Values)
        {
            slot.Dispose();
        }
    }

    /// <summary>Wakes the dispatcher: there is new work in the outbox.</summary>
    private void Wake() => Context.Wake();
}
