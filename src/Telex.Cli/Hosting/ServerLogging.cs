using Microsoft.Extensions.Logging;

namespace Telex.Cli.Hosting;

/// <summary>
/// Console logging for a served agency, on stderr so stdout carries only the command's own output. The agency logs
/// through source-generated messages that never include telegram bodies or keys; framework chatter is cut to warnings.
/// </summary>
internal static class ServerLogging
{
    /// <summary>The log formats <c>--log-format</c> accepts.</summary>
    public static readonly string[] Formats = ["text", "json"];

    public static Action<ILoggingBuilder> Configure(LogLevel level, string format) => logging =>
    {
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System", LogLevel.Warning);
        if (string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }

        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    };
}
