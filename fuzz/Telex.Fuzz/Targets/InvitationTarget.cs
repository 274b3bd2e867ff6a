using System.Text;

using Telex.Core.Protocol;

namespace Telex.Fuzz;

/// <summary>
/// Parses the input as an invitation URL or bare code, as <c>telex ties accept</c> and <c>POST /api/invitations/accept</c>
/// do. <see cref="InvitationCode.TryParse"/> answers false with a reason for anything malformed; every exception is a
/// crash. An accepted invitation must give its endpoint and code back, and its code must parse again.
/// </summary>
internal static class InvitationTarget
{
    public static void Run(byte[] input)
    {
        string text = Encoding.UTF8.GetString(input);
        if (!InvitationCode.TryParse(text, out var invitation, out string error))
        {
            if (string.IsNullOrEmpty(error))
            {
                throw new InvalidOperationException("a refused invitation must say why");
            }

            return;
        }

        _ = invitation.Endpoint;
        if (!InvitationCode.TryParse(invitation.Url, out _, out error))
        {
            throw new InvalidOperationException("an accepted invitation's own URL does not parse: " + error);
        }
    }
}
