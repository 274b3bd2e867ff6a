namespace Telex.Server.Hosting;

/// <summary><c>GET /health</c>: the agency answers, with its DID and name, and whether its storage is full.</summary>
internal sealed record HealthAnswer(string Status, string Did, string Name, string Storage);

/// <summary><c>GET /health/ready</c> when the agency takes work.</summary>
internal sealed record ReadyAnswer(string Status, string Storage);
