namespace Telex.Api.Contracts;

/// <summary>This agency.</summary>
public sealed record AgencyView(string Name, string Did, string Endpoint);
