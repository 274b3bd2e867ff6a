using System.Runtime.CompilerServices;

using Npgsql;

using Telex.Core.Model;
using Telex.Core.Storage;
using Telex.Storage.Postgres;
using Telex.Storage.Relational;
using Telex.Storage.Sqlite;

namespace Telex.Cli.Hosting;

/// <summary>
/// Opens the store <see cref="StorageOptions.Provider"/> names: the one place that knows the backends. Whatever names a
/// PostgreSQL or Npgsql type sits in a method of its own that only the PostgreSQL path calls: the runtime loads an
/// assembly when it compiles a method naming one of its types, and a SQLite agency has no use for Npgsql's (its
/// assemblies and their type data cost idle memory).
/// </summary>
internal static class StorageProvider
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    public static bool IsPostgres(TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.Equals(options.Storage.Provider, Postgres, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Refuses a provider this build does not have, or PostgreSQL without a usable connection string.</summary>
    public static void Check(TelexOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (IsPostgres(options))
        {
            CheckConnectionString(options.Storage.ConnectionString);
            return;
        }

        if (!string.Equals(options.Storage.Provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            throw new CliException(ExitCodes.Usage, $"Storage:Provider '{options.Storage.Provider}' is not known; use sqlite or postgres");
        }
    }

    /// <summary>Checks a PostgreSQL connection string's syntax (not whether the server answers).</summary>
    public static string CheckConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new CliException(ExitCodes.Usage,
                "Storage:Provider is postgres but no Storage:ConnectionString is given; set TELEX__Storage__ConnectionString or --set Storage:ConnectionString=...");
        }

        try
        {
            return NormalizeConnectionString(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException or InvalidCastException)
        {
            // The message names the key at fault; the string itself may hold a password and is not repeated.
            throw new CliException(ExitCodes.Usage, "Storage:ConnectionString is not a valid PostgreSQL connection string: " + e.Message);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string NormalizeConnectionString(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString).ConnectionString;

    /// <summary>The store for an agency's data folder (not migrated yet).</summary>
    public static ITelexStore Open(string directory, TelexOptions options, bool? fullSync = null)
    {
        Check(options);
        return IsPostgres(options)
            ? OpenPostgres(CheckConnectionString(options.Storage.ConnectionString))
            : new SqliteStore(Path.Combine(directory, options.Storage.Path), fullSync: fullSync ?? options.Storage.FullSync);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
#pragma warning disable CA1859 // Typed as the interface: a PostgresStore in the signature would load its assembly when Open is compiled.
    private static ITelexStore OpenPostgres(string connectionString) => new PostgresStore(connectionString);
#pragma warning restore CA1859

    /// <summary>Migrates <paramref name="store"/>, turning an unreachable PostgreSQL server into a one-line error.</summary>
    public static async Task MigrateAsync(ITelexStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            await store.MigrateAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when ((e is InvalidOperationException && e is not ObjectDisposedException) || IsNpgsqlException(e))
        {
            throw new CliException(ExitCodes.Unreachable, "the database could not be migrated: " + e.Message);
        }
    }

    /// <summary>Whether <paramref name="e"/> is Npgsql's (asked only when a migration failed).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsNpgsqlException(Exception e) => e is NpgsqlException;

    /// <summary>The backend's bulk path for filling a register with history (the load benchmark's register-scale mode).</summary>
    public static Task<long> BulkRegisterAsync(ITelexStore store, IReadOnlyList<TelegramRecord> records, CancellationToken ct) => store switch
    {
        RelationalStore relational => relational.BulkRegisterAsync(records, ct),
        _ => throw new NotSupportedException("no bulk path for " + store.GetType().Name),
    };
}
