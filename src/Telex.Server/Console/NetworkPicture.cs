using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

using Telex.Core.Model;

namespace Telex.Server.Console;

/// <summary>
/// Draws the network as this agency sees it, as SVG generated here from live data: the agency at the centre, its
/// counterparts around it, each joined by a line styled by the tie's status (established, invited, suspended, severed)
/// and marked when its fingerprint is not yet confirmed. Colours come from the stylesheet's classes, so the picture
/// follows the console's contrast and needs no inline style.
/// </summary>
internal static class NetworkPicture
{
    private const double Width = 640, Height = 420, Radius = 160;

    /// <summary>The SVG element (with a title and a description for screen readers).</summary>
    public static string Render(string agencyName, IReadOnlyList<Tie> ties)
    {
        ArgumentNullException.ThrowIfNull(ties);
        var e = HtmlEncoder.Default;
        var inv = CultureInfo.InvariantCulture;
        double cx = Width / 2, cy = Height / 2;
        var sb = new StringBuilder();
        var counts = ties.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Describe.Of(g.Key)}");
        sb.Append(inv, $"<svg class=\"network\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"net-title net-desc\" data-testid=\"network\">");
        sb.Append("<title id=\"net-title\">The network of ").Append(e.Encode(agencyName)).Append("</title>");
        sb.Append("<desc id=\"net-desc\">").Append(e.Encode(agencyName)).Append(" and ").Append(ties.Count.ToString(inv)).Append(" counterparts")
            .Append(ties.Count > 0 ? ": " + e.Encode(string.Join(", ", counts)) : "").Append(".</desc>");

        var placed = ties.OrderBy(t => t.PeerName, StringComparer.Ordinal).ToList();
        for (int i = 0; i < placed.Count; i++)
        {
            var t = placed[i];
            double angle = -Math.PI / 2 + 2 * Math.PI * i / placed.Count;
            double x = cx + Radius * 1.45 * Math.Cos(angle), y = cy + Radius * Math.Sin(angle);
            string status = Describe.Of(t.Status);
            string verified = t.Status == TieStatus.Established && !t.Verified ? " unverified" : "";
            sb.Append(inv, $"<g class=\"peer tie-{status}{verified}\" data-testid=\"network-peer\" data-status=\"{status}\">");
            sb.Append(inv, $"<line x1=\"{cx:0.#}\" y1=\"{cy:0.#}\" x2=\"{x:0.#}\" y2=\"{y:0.#}\" class=\"edge\"/>");
            sb.Append(inv, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"26\" class=\"node\"/>");
            sb.Append(inv, $"<text x=\"{x:0.#}\" y=\"{y + 44:0.#}\" class=\"label\" text-anchor=\"middle\">").Append(e.Encode(Short(t.PeerName))).Append("</text>");
            sb.Append(inv, $"<text x=\"{x:0.#}\" y=\"{y + 4:0.#}\" class=\"state\" text-anchor=\"middle\">")
                .Append(e.Encode(status + (verified.Length > 0 ? "?" : ""))).Append("</text>");
            sb.Append("<title>").Append(e.Encode($"{t.PeerName}: tie {status}{(verified.Length > 0 ? ", fingerprint not confirmed" : "")}")).Append("</title></g>");
        }

        sb.Append(inv, $"<g class=\"self\"><circle cx=\"{cx}\" cy=\"{cy}\" r=\"38\" class=\"node\"/>");
        sb.Append(inv, $"<text x=\"{cx}\" y=\"{cy + 5}\" class=\"state\" text-anchor=\"middle\">this agency</text>");
        sb.Append(inv, $"<text x=\"{cx}\" y=\"{cy + 58}\" class=\"label\" text-anchor=\"middle\">").Append(e.Encode(Short(agencyName))).Append("</text></g>");
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string Short(string name) => name.Length <= 22 ? name : name[..21] + "…";
}
