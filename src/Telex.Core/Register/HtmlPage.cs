using System.Net;
using System.Text;

namespace Telex.Core.Register;

/// <summary>A printable, self-contained HTML page per register entry (no scripts, no external resources, all text escaped).</summary>
public static class HtmlPage
{
    private const string Style = "body{font-family:'Courier New',monospace;max-width:46em;margin:2em auto;color:#111}"
        + "table{border-collapse:collapse;margin-bottom:1.5em}td,th{text-align:left;padding:.15em .8em .15em 0;vertical-align:top}"
        + "pre{white-space:pre-wrap;border-top:1px solid #999;border-bottom:1px solid #999;padding:1em 0}"
        + "@media print{body{margin:0}}";

    /// <summary>A telegram's page: its fields, then the cable.</summary>
    public static string Render(TelegramRecord t, string agencyName, string counterpartName)
    {
        ArgumentNullException.ThrowIfNull(t);
        var inv = CultureInfo.InvariantCulture;
        var fields = new List<(string, string?)>
        {
            ("Telegram", t.Id.ToString()),
            ("Direction", t.Direction == Direction.Inbound ? "received" : "sent"),
            ("Registry number", t.Direction == Direction.Inbound ? t.RegistryNumber.ToString(inv) : null),
            ("Serial", t.Serial.ToString(inv)),
            ("Counterpart", $"{counterpartName} ({t.Counterpart})"),
            ("Released", t.ReleasedAt.UtcDateTime.ToString("u", inv)),
            ("Registered", t.RegisteredAt.UtcDateTime.ToString("u", inv)),
            ("Status", t.Status.ToString().ToLowerInvariant()),
            ("Delivered", t.DeliveredAt?.UtcDateTime.ToString("u", inv)),
            ("Content hash", t.ContentHash),
        };
        return Page($"Telegram {t.Serial.ToString(inv)}: {t.Subject}", fields, CableFormat.Render(t, agencyName, counterpartName));
    }

    /// <summary>An imported cable's page.</summary>
    public static string Render(ImportedCable c)
    {
        ArgumentNullException.ThrowIfNull(c);
        var inv = CultureInfo.InvariantCulture;
        var fields = new List<(string, string?)>
        {
            ("Imported cable", c.Id.ToString()),
            ("Registry number", c.RegistryNumber.ToString(inv)),
            ("Received", c.ReceivedAt.UtcDateTime.ToString("d MMMM yyyy HH:mm", inv)),
            ("Sender's serial", c.SenderSerial.ToString(inv)),
            ("Signed", $"{c.Signer}, {c.SignedOn}"),
            ("Imported", c.ImportedAt.UtcDateTime.ToString("u", inv)),
            ("Source", c.Source),
        };
        return Page($"Nº {c.RegistryNumber.ToString(inv)} (imported)", fields, CableText.Render(c));
    }

    private static string Page(string title, IEnumerable<(string Name, string? Value)> fields, string cable)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>")
            .Append("<style>").Append(Style).Append("</style></head>\n<body>\n<h1>").Append(E(title)).Append("</h1>\n<table>\n");
        foreach (var (name, value) in fields.Where(f => f.Value is not null))
        {
            sb.Append("<tr><th>").Append(E(name)).Append("</th><td>").Append(E(value!)).Append("</td></tr>\n");
        }

        sb.Append("</table>\n<pre>").Append(E(cable)).Append("</pre>\n</body></html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
