using Microsoft.Extensions.Logging;

namespace Telex.Core;

internal static partial class Log
{
    /// <summary>
    /// A failure of the dispatcher or the receipt sender: a full disk is logged at Debug (the server reports the episode
    /// once, at Error, and nothing is lost: the work stays in the outbox, or the sender sends again), anything else as
    /// <see cref="DispatcherError"/>.
    /// </summary>
    public static void WorkFailed(ILogger logger, Exception e)
    {
        if (StorageFullException.Caused(e))
        {
            StorageRefusedWork(logger, e.Message);
        }
        else
        {
            DispatcherError(logger, e);
        }
    }

    [LoggerMessage(EventId = 1090, Level = LogLevel.Debug, Message = "Storage refused a write; the work is tried again when there is space ({Reason})")]
    private static partial void StorageRefusedWork(ILogger logger, string reason);
}
