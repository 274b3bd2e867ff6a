using System.Buffers;

using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Security;
using Telex.Core.Storage;

namespace Telex.Server;

/// <summary>Creating officers, for the API and for <c>telex init</c>.</summary>
public static class Officers
{
    /// <summary>Longest officer name.</summary>
    public const int MaxNameLength = 64;

    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789._-");

    /// <summary>
    /// Creates the agency's first officer: an admin named <paramref name="name"/> who must change the returned
    /// one-time password at first sign-in. Throws <see cref="TelexException"/> (<see cref="TelexErrorKind.Conflict"/>)
    /// if any officer exists already, (<see cref="TelexErrorKind.Invalid"/>) if the name is not 1–64 characters of
    /// <c>a-z 0-9 . _ -</c>.
    /// </summary>
    public static async Task<string> CreateFirstAdminAsync(ITelexStore store, string name, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (CheckName(name) is { } problem)
        {
            throw new TelexException(TelexErrorKind.Invalid, "officer name: " + problem);
        }

        if ((await store.ListOfficersAsync(ct).ConfigureAwait(false)).Count > 0)
        {
            throw new TelexException(TelexErrorKind.Conflict, "the agency has officers already; an admin adds more");
        }

        return await TryAddAsync(store, name, Role.Admin, DateTimeOffset.UtcNow, ct).ConfigureAwait(false)
            ?? throw new TelexException(TelexErrorKind.Conflict, "the agency has officers already; an admin adds more");
    }

    /// <summary>Why <paramref name="name"/> is not a valid officer name, or null.</summary>
    internal static string? CheckName(string? name) =>
        string.IsNullOrEmpty(name) ? "required"
        : name.Length > MaxNameLength ? $"at most {MaxNameLength} characters"
        : name.AsSpan().ContainsAnyExcept(NameChars) ? "only a-z, 0-9, '.', '_' and '-'"
        : null;

    /// <summary>Adds an officer with a fresh one-time password and returns it; null if the name is taken.</summary>
    internal static async Task<string?> TryAddAsync(ITelexStore store, string name, Role role, DateTimeOffset now, CancellationToken ct)
    {
        string password = PasswordHasher.NewOneTimePassword();
        var officer = new Officer
        {
            Name = name,
            Role = role,
            PasswordHash = PasswordHasher.Hash(password),
            CreatedAt = now,
            MustChangePassword = true,
        };
        return await store.AddOfficerAsync(officer, ct).ConfigureAwait(false) ? password : null;
    }
}
