using Microsoft.Extensions.Logging;

namespace Telex.Core;

/// <summary>
/// Every log event of Telex.Core, with stable ids. Bodies and keys are never logged. Counterparts are named by the name
/// their tie or the directory gives them, drafts by their number and issues by their title, as an officer reads them; a
/// DID appears only where it is the subject (key rotation).
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Refused a message: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Registered telegram {TelegramId} from {Counterpart} as number {RegistryNumber}")]
    public static partial void Registered(ILogger logger, Guid telegramId, string counterpart, long registryNumber);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Telegram {TelegramId} arrived again; original receipt sent again")]
    public static partial void Duplicate(ILogger logger, Guid telegramId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Tie established with {Counterpart}")]
    public static partial void TieEstablished(ILogger logger, string counterpart);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Tie with {Counterpart} is now {Status}")]
    public static partial void TieStatusChanged(ILogger logger, string counterpart, TieStatus status);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Delivery to {Endpoint} not accepted ({Status}): {Detail}")]
    public static partial void DeliveryNotAccepted(ILogger logger, string endpoint, int status, string? detail);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Telegram {TelegramId} to {Counterpart} failed: {Reason}")]
    public static partial void DeliveryFailed(ILogger logger, Guid? telegramId, string counterpart, string reason);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Asked {Counterpart} to send serials {Serials} again")]
    public static partial void ResendRequested(ILogger logger, string counterpart, string serials);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "The dispatcher failed; retrying")]
    public static partial void DispatcherError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1080, Level = LogLevel.Warning, Message = "Sharing events with the agency's other nodes failed; starting again")]
    public static partial void SharedEventsError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Problem report from {Counterpart}: {Code} {Comment}")]
    public static partial void ProblemReported(ILogger logger, string counterpart, string? code, string? comment);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Information, Message = "Issue \"{Title}\" with {Counterpart}: {Outcome} (clock {Clock})")]
    private static partial void IssueChanged(ILogger logger, string title, string counterpart, string outcome, long clock);

    /// <summary>An issue opened or changed by <paramref name="e"/>, named by its outcome term (its status when it has none).</summary>
    public static void IssueChanged(ILogger logger, string title, string counterpart, Model.IssueEvent e) =>
        IssueChanged(logger, title, counterpart, e.Term ?? e.Status.ToString().ToLowerInvariant(), e.Clock);

    [LoggerMessage(EventId = 1031, Level = LogLevel.Information, Message = "Draft {DraftNumber}: {Action} by {Actor}")]
    public static partial void DraftStep(ILogger logger, long draftNumber, string action, string actor);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Information, Message = "Signed a register checkpoint over {Count} entries, head {Head}")]
    public static partial void CheckpointSigned(ILogger logger, long count, string head);

    [LoggerMessage(EventId = 1033, Level = LogLevel.Debug, Message = "Stored {Counterpart}'s register checkpoint over {Count} entries")]
    public static partial void CheckpointReceived(ILogger logger, string counterpart, long count);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Relay {RelayId}: holding an envelope of {Bytes} bytes from {From} for {Next}")]
    public static partial void RelayAccepted(ILogger logger, Guid relayId, string from, string next, int bytes);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Refused to relay from {From} to {Next}: not an established tie, or the relay policy does not permit the pair")]
    public static partial void RelayRefused(ILogger logger, string from, string next);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Information, Message = "Relay {RelayId}: accepted by {Next}; envelope removed")]
    public static partial void RelayPassedOn(ILogger logger, Guid relayId, string next);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "Dropped {Count} relayed envelopes held past the relay retention")]
    public static partial void RelaysExpired(ILogger logger, int count);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Warning, Message = "Rotated the agency's keys: its DID {OldDid} is now {NewDid}")]
    public static partial void KeysRotated(ILogger logger, string oldDid, string newDid);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Information, Message = "{Counterpart} rotated its keys: its DID is now {NewDid}")]
    public static partial void CounterpartRotated(ILogger logger, string counterpart, string newDid);
}
