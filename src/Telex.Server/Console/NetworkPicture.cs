using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

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

    /// <summary>The SVG element (with a title and a description for screen readers) for the ties alone.</summary>
    public static string Render(string agencyName, IReadOnlyList<Tie> ties) => Render(agencyName, ties, [], [], []);

    /// <summary>
    /// The SVG element for the ties, the untied counterparts of the directory (dashed, joined by dotted lines to the
    /// agencies known to be tied with them: the relays that reach them), the relay pairs this agency allows (arcs between
    /// the two counterparts) and the bureaus (squares inside the ring, joined to their members).
    /// </summary>
    public static string Render(string agencyName, IReadOnlyList<Tie> ties, IReadOnlyList<Counterpart> untied, IReadOnlyList<RelayPair> relayPairs,
        IReadOnlyList<Bureau> bureaus)
    {
        ArgumentNullException.ThrowIfNull(ties);
        ArgumentNullException.ThrowIfNull(untied);
        ArgumentNullException.ThrowIfNull(relayPairs);
        ArgumentNullException.ThrowIfNull(bureaus);
        var e = HtmlEncoder.Default;
        var inv = CultureInfo.InvariantCulture;
        double cx = Width / 2, cy = Height / 2;
        var sb = new StringBuilder();
        var counts = ties.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {Describe.Of(g.Key)}");
        sb.Append(inv, $"<svg class=\"network\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-labelledby=\"net-title net-desc\" data-testid=\"network\">");
        sb.Append("<title id=\"net-title\">The network of ").Append(e.Encode(agencyName)).Append("</title>");
        sb.Append("<desc id=\"net-desc\">").Append(e.Encode(agencyName)).Append(" and ").Append(ties.Count.ToString(inv)).Append(" counterparts")
            .Append(ties.Count > 0 ? ": " + e.Encode(string.Join(", ", counts)) : "")
            .Append(untied.Count > 0 ? $"; {untied.Count.ToString(inv)} untied in the directory" : "")
            .Append(relayPairs.Count > 0 ? $"; relays allowed between {relayPairs.Count.ToString(inv)} pairs" : "")
            .Append(bureaus.Count > 0 ? "; bureaus: " + e.Encode(string.Join(", ", bureaus.Select(b => b.Name))) : "").Append(".</desc>");

        // Everyone on one ring: the tied counterparts, then the untied ones.
        var ring = ties.OrderBy(t => t.PeerName, StringComparer.Ordinal).Select(t => (t.PeerDid, t.PeerName, Tie: (Tie?)t, Known: (IReadOnlyList<string>)[]))
            .Concat(untied.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (PeerDid: c.Did ?? c.Name, PeerName: c.Name, Tie: (Tie?)null,
                Known: c.Entry?.KnownTies ?? (IReadOnlyList<string>)[])))
            .ToList();
        var at = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        for (int i = 0; i < ring.Count; i++)
        {
            double angle = -Math.PI / 2 + 2 * Math.PI * i / ring.Count;
            at[ring[i].PeerDid] = (cx + Radius * 1.45 * Math.Cos(angle), cy + Radius * Math.Sin(angle));
        }

        foreach (var pair in relayPairs)
        {
            if (at.TryGetValue(pair.First, out var p) && at.TryGetValue(pair.Second, out var q))
            {
                sb.Append(inv, $"<path d=\"M{p.X:0.#},{p.Y:0.#} Q{cx:0.#},{cy:0.#} {q.X:0.#},{q.Y:0.#}\" class=\"relay-arc\" data-testid=\"network-relay\"><title>")
                    .Append(e.Encode($"relayed by this agency: {Name(pair.First)} and {Name(pair.Second)}")).Append("</title></path>");
            }
        }

        for (int i = 0; i < bureaus.Count; i++)
        {
            var b = bureaus[i];
            double angle = -Math.PI / 2 + Math.PI / 4 + 2 * Math.PI * i / bureaus.Count;
            double x = cx + Radius * 0.75 * Math.Cos(angle), y = cy + Radius * 0.55 * Math.Sin(angle);
            sb.Append(inv, $"<g class=\"bureau bureau-{Describe.Of(b.Status)}\" data-testid=\"network-bureau\">");
            foreach (var m in b.Members)
            {
                if (at.TryGetValue(m.Did, out var p))
                {
                    sb.Append(inv, $"<line x1=\"{x:0.#}\" y1=\"{y:0.#}\" x2=\"{p.X:0.#}\" y2=\"{p.Y:0.#}\" class=\"bureau-edge\"/>");
                }
            }

            sb.Append(inv, $"<rect x=\"{x - 14:0.#}\" y=\"{y - 14:0.#}\" width=\"28\" height=\"28\" class=\"node\"/>");
            sb.Append(inv, $"<text x=\"{x:0.#}\" y=\"{y + 30:0.#}\" class=\"label\" text-anchor=\"middle\">").Append(e.Encode(Short(b.Name))).Append("</text>");
            sb.Append("<title>").Append(e.Encode($"bureau {b.Name}: {Describe.Of(b.Status)}, {b.Members.Count} members")).Append("</title></g>");
        }

        foreach (var (did, name, tie, known) in ring)
        {
            var (x, y) = at[did];
            if (tie is null)
            {
                sb.Append("<g class=\"peer untied\" data-testid=\"network-untied\">");
                foreach (string relay in known)
                {
                    if (at.TryGetValue(relay, out var r))
                    {
                        sb.Append(inv, $"<line x1=\"{r.X:0.#}\" y1=\"{r.Y:0.#}\" x2=\"{x:0.#}\" y2=\"{y:0.#}\" class=\"known-edge\"/>");
                    }
                }

                sb.Append(inv, $"<circle cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"26\" class=\"node\"/>");
                sb.Append(inv, $"<text x=\"{x:0.#}\" y=\"{y + 44:0.#}\" class=\"label\" text-anchor=\"middle\">").Append(e.Encode(Short(name))).Append("</text>");
                sb.Append(inv, $"<text x=\"{x:0.#}\" y=\"{y + 4:0.#}\" class=\"state\" text-anchor=\"middle\">untied</text>");
                sb.Append("<title>").Append(e.Encode($"{name}: no tie, in the directory")).Append("</title></g>");
                continue;
            }

            var t = tie;
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

        string Name(string did) => ring.FirstOrDefault(r => r.PeerDid == did).PeerName ?? did;
    }

    private static string Short(string name) => name.Length <= 22 ? name : name[..21] + "…";
}
