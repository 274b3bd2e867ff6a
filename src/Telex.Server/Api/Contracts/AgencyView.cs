namespace Telex.Server.Api.Contracts;

/// <summary>This agency.</summary>
internal sealed record AgencyView(string Name, string Did, string Endpoint);
