namespace Telex.Server.Tests.Api;

/// <summary>Reads the Prometheus text exposition that <c>/metrics</c> serves.</summary>
internal static class Prometheus
{
    /// <summary>The value of the first sample of <paramref name="metric"/>, or null if there is none.</summary>
    public static double? Sample(string text, string metric)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{')
            {
                string rest = line[metric.Length..];
                rest = rest.StartsWith('{') ? rest[(rest.IndexOf("} ", StringComparison.Ordinal) + 2)..] : rest.TrimStart();
                return double.Parse(rest.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
