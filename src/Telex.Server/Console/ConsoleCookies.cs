using System.Security.Cryptography;
using System.Text;

using Telex.Core.Identity;

namespace Telex.Server.Console;

/// <summary>
/// The names of the console's two cookies (the session and the CSRF token), one pair per agency. Browsers keep cookies
/// per host, not per port, so agencies on one host (the demo's, all on 127.0.0.1) would otherwise overwrite each
/// other's: signing in to one console signed the officer out of the other, and a form rendered by one was refused by
/// the other. The suffix comes from the agency's first DID, which stays with it through key rotations and is the same
/// on every node of the agency, so a session survives both and is shared behind a load balancer.
/// </summary>
internal sealed record ConsoleCookies(string Session, string Csrf)
{
    public const string SessionPrefix = "telex_session_";

    public const string CsrfPrefix = "telex_csrf_";

    public static ConsoleCookies For(AgencyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        string tag = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity.AllDids.First())))[..12];
        return new ConsoleCookies(SessionPrefix + tag, CsrfPrefix + tag);
    }

    /// <summary>The names in force for this request's agency.</summary>
    public static ConsoleCookies Of(HttpContext context) => context.RequestServices.GetRequiredService<ConsoleCookies>();
}
