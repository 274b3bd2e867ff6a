using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Telex.Server.Console;

/// <summary>
/// The console's notices travel over a redirect in the TempData cookie. A live refresh (<see cref="ConsoleHeaders.LiveRequest"/>)
/// reads a page again only for its live parts and neither reads nor writes that cookie: otherwise a refresh the previous
/// page started while an action was posted could answer after the action and delete, or overwrite with an older one, the
/// notice the redirect is about to show.
/// </summary>
internal sealed class LiveRefreshTempData(CookieTempDataProvider cookies) : ITempDataProvider
{
    public IDictionary<string, object> LoadTempData(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return IsLive(context) ? new Dictionary<string, object>(StringComparer.Ordinal) : cookies.LoadTempData(context);
    }

    public void SaveTempData(HttpContext context, IDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!IsLive(context))
        {
            cookies.SaveTempData(context, values);
        }
    }

    private static bool IsLive(HttpContext context) => context.Request.Headers.ContainsKey(ConsoleHeaders.LiveRequest);
}
