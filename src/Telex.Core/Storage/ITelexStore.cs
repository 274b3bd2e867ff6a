namespace Telex.Core.Storage;

/// <summary>
/// Everything an agency keeps. One interface made of role interfaces (register, telegrams, outbox, ties, issues, …), each
/// service depending on the roles it uses; several backends (SQLite embedded, PostgreSQL for scale) implement all of
/// them in one class, each passing the same compliance suite. Every method is atomic: it either completes or changes
/// nothing. Implementations are thread-safe and may be shared by several agency nodes (the outbox is claimed).
/// </summary>
public interface ITelexStore : IRegisterStore, ITelegramStore, IOutboxStore, ITieStore, IIssueStore, IClearanceStore, IBureauStore,
    IDirectoryStore, IKeyStore, IOfficerStore, ISessionStore, IRelayStore, IIdempotencyStore, ISettingsStore, IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema. Safe to call at every start and from several nodes.</summary>
    Task MigrateAsync(CancellationToken ct = default);
}
