using System.Text;

namespace Telex.Core.Register;

/// <summary>
/// The classic cable layout of the seed cable (../shared/seed/): the receiver's registry number and received
/// time at the head, the text, and the sender's signature line with its serial at the foot.
/// </summary>
public static class CableFormat
{
    /// <summary>
    /// Renders a register entry as a cable. <paramref name="agencyName"/> is this agency's name; an inbound telegram is
    /// from <paramref name="counterpartName"/>, the name known here for its sender (the <c>sender_name</c> it signed is
    /// its own claim, and would let an agency read as another); the issue line names
    /// the issue by <paramref name="issueTitle"/> when it is given, else by its id.
    /// </summary>
    public static string Render(TelegramRecord t, string agencyName, string counterpartName, string? issueTitle = null)
    {
        ArgumentNullException.ThrowIfNull(t);
        var inv = CultureInfo.InvariantCulture;
        bool inbound = t.Direction == Direction.Inbound;
        var sb = new StringBuilder();
        sb.Append("Nº ").Append(inbound ? t.RegistryNumber.ToString(inv) : "—").Append("\n\n");
        var at = inbound ? t.RegisteredAt : t.ReleasedAt;
        sb.Append(at.UtcDateTime.ToString("d MMMM yyyy HHmm", inv)).Append("\n\n");
        sb.Append("FROM: ").Append(inbound ? counterpartName : agencyName).Append('\n');
        sb.Append("TO: ").Append(inbound ? agencyName : counterpartName).Append('\n');
        sb.Append("PRECEDENCE: ").Append(t.Precedence.ToString().ToUpperInvariant()).Append('\n');
        sb.Append("SUBJECT: ").Append(t.Subject).Append('\n');
        if (t.IssueId is not null)
        {
            sb.Append("ISSUE: ").Append(issueTitle ?? t.IssueId).Append('\n');
        }

        if (t.OnBehalfOf is not null)
        {
            sb.Append("ON BEHALF OF: ").Append(t.OnBehalfOf).Append('\n');
        }

        sb.Append('\n').Append(t.Body.TrimEnd()).Append("\n\n");
        if (t.Attendees.Count > 0)
        {
            sb.Append("In the presence of ").Append(string.Join(", ", t.Attendees)).Append(".\n\n");
        }

        foreach (var a in t.Attachments)
        {
            sb.Append("ATTACHMENT: ").Append(a.Name).Append(" (").Append(a.MediaType).Append(", ").Append(a.Size.ToString(inv)).Append(" bytes, sha256 ").Append(a.Sha256).Append(")\n");
        }

        if (t.Attachments.Count > 0)
        {
            sb.Append('\n');
        }

        string signer = t.ReleasingOfficer is { } officer ? $"{officer} ({(inbound ? counterpartName : agencyName)})" : inbound ? counterpartName : agencyName;
        sb.Append("No. ").Append(t.Serial.ToString(inv)).Append(" - ").Append(signer).Append(", ").Append(t.ReleasedAt.UtcDateTime.ToString("d MMMM", inv)).Append('\n');
        return sb.ToString();
    }
}
