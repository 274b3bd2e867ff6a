namespace Telex.Api.Contracts;

/// <summary><c>POST /api/session</c>.</summary>
public sealed record SignInRequest(string? Name, string? Password);

/// <summary>A bearer token and who it belongs to.</summary>
public sealed record SessionResponse(string Token, DateTimeOffset ExpiresAt, SessionOfficer Officer);

/// <summary>The signed-in officer.</summary>
public sealed record SessionOfficer(string Name, Role Role, bool MustChangePassword);
