using System.Text;
using System.Text.RegularExpressions;

namespace Telex.Core.Register;

/// <summary>A numbered point of a cable's text: its number and its text up to the next point.</summary>
/// <param name="Number">The point's number.</param>
/// <param name="Text">The point's lines, verbatim.</param>
public sealed record CablePoint(int Number, string Text);

/// <summary>Why a cable text was refused: the line (from 1) and what was wrong there.</summary>
/// <param name="Line">Line number, from 1.</param>
/// <param name="Reason">What was expected.</param>
public sealed record CableParseError(int Line, string Reason)
{
    /// <summary><c>line N: reason</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"line {Line}: {Reason}");
}

/// <summary>
/// Historical cables in the classic layout of the seed cable: <c>Nº NUMBER</c>, a blank line, <c>D MONTH YYYY HHMM</c>,
/// a blank line, the text, a blank line, the signature line <c>No. SERIAL - NAME, D MONTH</c>, and optionally a blank
/// line and editorial lines such as <c>[...]</c>. Parsing is strict (a bad file is refused with the line at fault)
/// and keeps the text verbatim, editorial marks such as <c>[SIC, …]</c> included; rendering gives the layout back.
/// </summary>
public static partial class CableText
{
    /// <summary>Largest cable file accepted. Default 1 MiB: a long cable is a few tens of kilobytes.</summary>
    public const int MaxBytes = 1024 * 1024;

    /// <summary>Most lines accepted.</summary>
    public const int MaxLines = 20_000;

    private const string DateFormat = "d MMMM yyyy HHmm";

    /// <summary>Parses a cable; on failure returns null and the line at fault.</summary>
    public static ImportedCable? TryParse(string text, Guid id, DateTimeOffset importedAt, string? source, out CableParseError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        error = null;
        if (Encoding.UTF8.GetByteCount(text) > MaxBytes)
        {
            error = new CableParseError(1, $"the file is larger than {MaxBytes / 1024} KiB");
            return null;
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        if (lines.Count > MaxLines)
        {
            error = new CableParseError(MaxLines + 1, $"more than {MaxLines} lines");
            return null;
        }

        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].Any(ch => char.IsControl(ch) && ch != '\t'))
            {
                error = new CableParseError(i + 1, "a control character that no cable holds");
                return null;
            }

            if (UnclosedMark(lines[i]) is { } why)
            {
                error = new CableParseError(i + 1, why);
                return null;
            }
        }

        if (lines.Count == 0)
        {
            error = new CableParseError(1, "the file is empty; a cable starts with 'Nº NUMBER'");
            return null;
        }

        var head = HeadLine().Match(lines[0]);
        if (!head.Success || !long.TryParse(head.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) || number < 1)
        {
            error = new CableParseError(1, "expected the registry number, 'Nº NUMBER'");
            return null;
        }

        if (lines.Count < 2 || lines[1].Trim().Length != 0)
        {
            error = new CableParseError(2, "expected a blank line after the registry number");
            return null;
        }

        if (lines.Count < 3 || !DateTime.TryParseExact(lines[2].Trim(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            error = new CableParseError(3, "expected the date and time, e.g. '18 May 1949 1718'");
            return null;
        }

        if (lines.Count < 4 || lines[3].Trim().Length != 0)
        {
            error = new CableParseError(4, "expected a blank line after the date and time");
            return null;
        }

        int signature = -1;
        for (int i = lines.Count - 1; i >= 4; i--)
        {
            if (SignatureLine().IsMatch(lines[i]))
            {
                signature = i;
                break;
            }
        }

        if (signature < 0)
        {
            error = new CableParseError(lines.Count, "no signature line 'No. SERIAL - NAME, D MONTH' found at the foot of the cable");
            return null;
        }

        var sig = SignatureLine().Match(lines[signature]);
        if (!long.TryParse(sig.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long serial) || serial < 1)
        {
            error = new CableParseError(signature + 1, "the sender's serial must be a positive number");
            return null;
        }

        if (signature < 6 || lines[signature - 1].Trim().Length != 0)
        {
            error = new CableParseError(signature, "expected the text and then a blank line before the signature line");
            return null;
        }

        string body = string.Join('\n', lines.Skip(4).Take(signature - 5));
        if (body.Trim().Length == 0)
        {
            error = new CableParseError(5, "the cable has no text");
            return null;
        }

        string trailer = "";
        if (signature + 1 < lines.Count)
        {
            if (lines[signature + 1].Trim().Length != 0 || signature + 2 >= lines.Count)
            {
                error = new CableParseError(signature + 2, "expected a blank line, then editorial lines, after the signature line");
                return null;
            }

            trailer = string.Join('\n', lines.Skip(signature + 2));
        }

        return new ImportedCable(id, RegistryNumber: number, ReceivedAt: new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)),
            SenderSerial: serial, Signer: sig.Groups[2].Value, SignedOn: sig.Groups[3].Value, Text: body,
            ImportedAt: DateTimeOffset.FromUnixTimeMilliseconds(importedAt.ToUnixTimeMilliseconds()), Trailer: trailer, Source: source);
    }

    /// <summary>The cable in its classic layout, ending with a newline.</summary>
    public static string Render(ImportedCable cable)
    {
        ArgumentNullException.ThrowIfNull(cable);
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append("Nº ").Append(cable.RegistryNumber.ToString(inv)).Append("\n\n");
        sb.Append(cable.ReceivedAt.UtcDateTime.ToString(DateFormat, inv)).Append("\n\n");
        sb.Append(cable.Text).Append("\n\n");
        sb.Append("No. ").Append(cable.SenderSerial.ToString(inv)).Append(" - ").Append(cable.Signer).Append(", ").Append(cable.SignedOn).Append('\n');
        if (cable.Trailer.Length > 0)
        {
            sb.Append('\n').Append(cable.Trailer).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>
    /// The numbered points of a cable's text: lines that start, unindented, with a number and a full stop (after an
    /// optional dash), each running to the next such line. Indented sub-points belong to their point.
    /// </summary>
    public static IReadOnlyList<CablePoint> Points(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var points = new List<(int Number, List<string> Lines)>();
        foreach (string line in text.Split('\n'))
        {
            var m = PointLine().Match(line);
            if (m.Success && int.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            {
                points.Add((n, [line]));
            }
            else if (points.Count > 0)
            {
                points[^1].Lines.Add(line);
            }
        }

        return points.Select(p => new CablePoint(p.Number, string.Join('\n', p.Lines).TrimEnd())).ToList();
    }

    /// <summary>Editorial marks in square brackets, verbatim and in order: <c>[...]</c>, <c>[SIC, …]</c>, translator's notes.</summary>
    public static IReadOnlyList<string> EditorialMarks(string text) =>
        Mark().Matches(text ?? throw new ArgumentNullException(nameof(text))).Select(m => m.Value).ToList();

    private static string? UnclosedMark(string line)
    {
        bool open = false;
        foreach (char ch in line)
        {
            if (ch == '[')
            {
                if (open)
                {
                    return "an editorial mark opened with '[' inside another";
                }

                open = true;
            }
            else if (ch == ']')
            {
                if (!open)
                {
                    return "']' closes no editorial mark";
                }

                open = false;
            }
        }

        return open ? "an editorial mark opened with '[' is not closed on the same line" : null;
    }

    [GeneratedRegex(@"^N[º°o]\.? ?(\d{1,18})\s*$")]
    private static partial Regex HeadLine();

    [GeneratedRegex(@"^No\. (\d{1,18}) - (\S[^,\n]*), (\d{1,2} [A-Z][a-z]+)\s*$")]
    private static partial Regex SignatureLine();

    [GeneratedRegex(@"^(?:- )?(\d{1,4})\. ")]
    private static partial Regex PointLine();

    [GeneratedRegex(@"\[[^\[\]\n]*\]")]
    private static partial Regex Mark();
}
