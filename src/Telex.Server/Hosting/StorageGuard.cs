namespace Telex.Server.Hosting;

/// <summary>
/// While the storage is full, refuses new work before it starts: a write request to the client API or the console gets
/// an RFC 9457 problem (507, type <c>storage-full</c>), and a peer's POST to <c>/didcomm</c> gets 507 with the DIDComm
/// problem code <c>e.m.me.res.storage</c>, which is not an acceptance, so the peer keeps its telegram and sends it again.
/// Reads go on. The probe ends the episode as soon as a write succeeds again.
/// </summary>
internal sealed class StorageGuard(RequestDelegate next, StorageStatus status)
{
    /// <summary>The DIDComm problem code for a message refused because the storage is full (resource: storage).</summary>
    public const string FederationCode = "e.m.me.res.storage";

    public async Task InvokeAsync(HttpContext context)
    {
        if (status.IsFull && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            && !HttpMethods.IsOptions(context.Request.Method))
        {
            await Refusal(context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (StorageFullException.Caused(e))
        {
            status.Refused(e);
            if (context.Response.HasStarted)
            {
                throw;
            }

            context.Response.Clear();
            await Refusal(context.Request.Path).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>The answer to a request refused because the storage is full.</summary>
    public static IResult Refusal(PathString path) => RequestPaths.IsFederation(path)
        ? Problems.Federation(507, FederationCode, StorageStatus.Detail)
        : Problems.Problem(507, "storage-full", StorageStatus.Detail);
}
