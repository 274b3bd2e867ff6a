using Telex.Core.Model;

namespace Telex.Server.Api.Contracts;

/// <summary><c>POST /api/officers/me/password</c>.</summary>
internal sealed record ChangePasswordRequest(string? Current, string? New);

/// <summary>An officer as admins see it.</summary>
internal sealed record OfficerView(string Name, Role Role, DateTimeOffset CreatedAt, bool MustChangePassword, bool Locked);

/// <summary><c>POST /api/officers</c>.</summary>
internal sealed record CreateOfficerRequest(string? Name, Role? Role);

/// <summary>A new officer and the one-time password to hand over; it is shown once and never stored in clear.</summary>
internal sealed record CreatedOfficer(string Name, Role Role, string OneTimePassword);
