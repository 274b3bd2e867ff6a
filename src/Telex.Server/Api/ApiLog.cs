namespace Telex.Server.Api;

/// <summary>
/// Every log event of the client API, with stable ids (2000–2099). Request bodies, passwords and tokens are never
/// logged; an officer name is logged only once it names an existing officer.
/// </summary>
internal static partial class ApiLog
{
    public const string Category = "Telex.Server.Api";

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Officer {Officer} signed in")]
    public static partial void SignedIn(ILogger logger, string officer);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Sign-in failed for officer {Officer} ({Failures} in a row)")]
    public static partial void SignInFailed(ILogger logger, string officer, int failures);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Officer {Officer} is locked out until {Until} after repeated failed sign-ins")]
    public static partial void LockedOut(ILogger logger, string officer, DateTimeOffset until);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "Sign-in with an unknown officer name")]
    public static partial void UnknownOfficer(ILogger logger);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Officer {Officer} signed out")]
    public static partial void SignedOut(ILogger logger, string officer);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Officer {Officer} changed their password")]
    public static partial void PasswordChanged(ILogger logger, string officer);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "Officer {Officer} created officer {Created} as {Role}")]
    public static partial void OfficerCreated(ILogger logger, string officer, string created, Role role);

    [LoggerMessage(EventId = 2007, Level = LogLevel.Information, Message = "Officer {Officer} released telegram {TelegramId}")]
    public static partial void Released(ILogger logger, string officer, Guid telegramId);

    [LoggerMessage(EventId = 2008, Level = LogLevel.Debug, Message = "Refused a client API request: {Status} {Code}")]
    public static partial void Refused(ILogger logger, int status, string code);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Sign-in refused for disabled officer {Officer}")]
    public static partial void DisabledSignIn(ILogger logger, string officer);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information, Message = "Officer administration: {Action} {Officer} by {By}")]
    public static partial void OfficerAdministered(ILogger logger, string action, string officer, string by);

    [LoggerMessage(EventId = 2009, Level = LogLevel.Error, Message = "A client API request failed")]
    public static partial void Failed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Metrics could not follow an agency event")]
    public static partial void MetricsFailed(ILogger logger, Exception exception);
}
