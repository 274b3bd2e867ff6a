using Microsoft.Extensions.Logging;

using Telex.Core.Identity;
using Telex.Core.Security;

namespace Telex.Core;

/// <summary>
/// A service of one agency, over the <see cref="AgencyContext"/> all its services share: what a service reads of it
/// (identity, store, options, clock, log, DIDs and packer) and how it publishes an event are here once. Made only by the
/// agency (<see cref="Agency"/>).
/// </summary>
public abstract class AgencyService
{
    private protected AgencyService(AgencyContext context) => Context = context;

    /// <summary>What the agency's services share.</summary>
    private protected AgencyContext Context { get; }

    /// <summary>The agency's identity; after a key rotation the new one.</summary>
    private protected AgencyIdentity Identity => Context.Identity;

    private protected ITelexStore Store => Context.Store;

    private protected AgencyOptions Options => Context.Options;

    /// <summary>Which endpoints peers may name for this agency to post to.</summary>
    private protected PeerEndpointPolicy EndpointPolicy => Context.EndpointPolicy;

    private protected DidResolver Dids => Context.Dids;

    private protected DidCommPacker Packer => Context.Packer;

    private protected ILogger Logger => Context.Logger;

    /// <summary>The time on the agency's clock.</summary>
    private protected DateTimeOffset Now => Context.Now;

    /// <summary>Publishes an event of <paramref name="kind"/> now (see <see cref="AgencyContext.Emit"/>).</summary>
    private protected void Publish(string kind, string? counterpart = null, Guid? telegramId = null) => Context.Publish(kind, counterpart, telegramId);
}
