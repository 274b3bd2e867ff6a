namespace Telex.Api.Contracts;

/// <summary>The <c>data</c> of one server-sent event.</summary>
public sealed record EventView(string Kind, string? Counterpart, Guid? TelegramId, DateTimeOffset At);
