using Telex.Core.Inbound;
using Telex.Server.Federation;

namespace Telex.Server.Tests.Federation;

/// <summary>The one place a refusal of a peer's message becomes an HTTP status.</summary>
public sealed class RefusalStatusTests
{
    [Fact]
    public void Every_kind_of_refusal_has_its_status_and_an_accepted_message_202()
    {
        Assert.Equal([400, 413, 403, 409, 503], Enum.GetValues<RefusalKind>().Select(FederationRefusals.StatusOf));
        Assert.Equal(202, InboundResult.Accepted.Status);
        Assert.Equal(403, new InboundResult(Refusal.Forbidden("e.p.tie.none", "no established tie with the sender")).Status);
    }
}
