namespace Telex.Core.Storage;

/// <summary>Agency settings: small values by key.</summary>
public interface ISettingsStore
{
    /// <summary>Reads an agency setting.</summary>
    Task<string?> GetSettingAsync(string key, CancellationToken ct = default);

    /// <summary>Writes an agency setting.</summary>
    Task SetSettingAsync(string key, string value, CancellationToken ct = default);

    /// <summary>Every setting whose key starts with <paramref name="prefix"/> (compared ordinally), ordered by key.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> ListSettingsAsync(string prefix, CancellationToken ct = default);
}
