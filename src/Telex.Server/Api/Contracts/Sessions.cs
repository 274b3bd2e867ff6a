using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/session</c>.</summary>
internal sealed record SignInRequest(string? Name, string? Password);

/// <summary>A bearer token and who it belongs to.</summary>
internal sealed record SessionResponse(string Token, DateTimeOffset ExpiresAt, SessionOfficer Officer);

/// <summary>The signed-in officer.</summary>
internal sealed record SessionOfficer(string Name, Role Role, bool MustChangePassword);
