using Microsoft.AspNetCore.Http.Features;

namespace Telex.Server.Api;

/// <summary>
/// Bounds request bodies on the client API by <see cref="ApiOptions.MaxRequestBytes"/>: a declared length above
/// it is refused before anything is read, and a chunked body is cut off there by Kestrel. (Kestrel's own limit is
/// the larger of this and the federation limit.)
/// </summary>
internal sealed class RequestLimits(RequestDelegate next, TelexOptions options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (Hosting.RequestPaths.IsApi(context.Request.Path))
        {
            long limit = options.Api.MaxRequestBytes;
            if (context.Request.ContentLength > limit)
            {
                // The client should not keep sending what will not be read.
                context.Response.Headers.Connection = "close";
                await Problems.TooLarge(limit).ExecuteAsync(context).ConfigureAwait(false);
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }
        }

        await next(context).ConfigureAwait(false);
    }
}
