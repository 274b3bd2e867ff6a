namespace Telex.Server.Api.Contracts;

/// <summary>The <c>data</c> of one server-sent event.</summary>
internal sealed record EventView(string Kind, string? Counterpart, Guid? TelegramId, DateTimeOffset At);
