using System.Globalization;

namespace Telex.Api.Contracts;

// The register: entries by number, cables, attachments, verification, checkpoints and export.
public sealed partial class TelexApiClient
{
    /// <summary><c>GET /api/register/{number}</c>: the entry received under that registry number here.</summary>
    public Task<TelegramView> GetRegisterEntryAsync(long registryNumber, CancellationToken ct = default) =>
        GetAsync<TelegramView>(string.Create(CultureInfo.InvariantCulture, $"api/register/{registryNumber}"), ct);

    /// <summary><c>GET /api/telegrams/sent/{serial}?to={did}</c>: a telegram sent, as its counterpart names it.</summary>
    public Task<TelegramView> GetSentTelegramAsync(long serial, string to, CancellationToken ct = default) =>
        GetAsync<TelegramView>(string.Create(CultureInfo.InvariantCulture, $"api/telegrams/sent/{serial}?to={Uri.EscapeDataString(to)}"), ct);

    /// <summary><c>GET /api/telegrams/{id}/cable</c>: the telegram in the classic cable layout.</summary>
    public Task<string> GetCableAsync(Guid id, Direction? direction = null, CancellationToken ct = default) =>
        GetTextAsync($"api/telegrams/{id}/cable" + DirectionQuery(direction), ct: ct);

    /// <summary><c>GET /api/telegrams/{id}/attachments/{sha256}</c>: an attachment's content.</summary>
    public Task<byte[]> GetAttachmentAsync(Guid id, string sha256, Direction? direction = null, CancellationToken ct = default) =>
        GetBytesAsync($"api/telegrams/{id}/attachments/{Uri.EscapeDataString(sha256)}" + DirectionQuery(direction), ct);

    /// <summary><c>GET /api/register/verify</c>: recomputes the chain and checks every entry and checkpoint.</summary>
    public Task<VerifyView> VerifyRegisterAsync(CancellationToken ct = default) => GetAsync<VerifyView>("api/register/verify", ct);

    /// <summary><c>POST /api/register/checkpoints</c>: signs a checkpoint now and sends it to every established tie.</summary>
    public Task<CheckpointView> CreateCheckpointAsync(CancellationToken ct = default) => PostAsync<CheckpointView>("api/register/checkpoints", null, ct);

    /// <summary><c>GET /api/register/export?format=</c><paramref name="format"/> for a text format (<c>jsonl</c>, <c>cable</c>).</summary>
    public Task<string> ExportRegisterAsync(string format, CancellationToken ct = default) =>
        GetTextAsync("api/register/export?format=" + Uri.EscapeDataString(format), ct: ct);

    /// <summary><c>GET /api/register/export?format=html</c>: a zip of printable pages, one per telegram.</summary>
    public Task<byte[]> ExportRegisterPagesAsync(CancellationToken ct = default) => GetBytesAsync("api/register/export?format=html", ct);

    private static string DirectionQuery(Direction? direction) => direction is { } d ? "?direction=" + Lower(d) : "";
}
