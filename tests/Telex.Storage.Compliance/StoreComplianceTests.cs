using System.Collections;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>
/// What every <see cref="ITelexStore"/> backend must do, test by test from the interface's doc comments. A backend's
/// test project derives from this class and supplies a fresh, migrated, empty store per test; the suite touches
/// nothing but the interface, so every backend runs it unchanged.
/// </summary>
/// <remarks>
/// Times are whole milliseconds in UTC: every backend keeps at least that precision. Time comes from a
/// <see cref="ManualClock"/>, never from sleeping.
/// </remarks>
public abstract partial class StoreComplianceTests : IAsyncLifetime
{
    /// <summary>When every test starts.</summary>
    protected static readonly DateTimeOffset Start = new(2031, 5, 18, 17, 18, 0, TimeSpan.Zero);

    protected const string Alpha = "did:example:alpha";
    protected const string Bravo = "did:example:bravo";
    protected const string Charlie = "did:example:charlie";

    private ITelexStore? _store;

    /// <summary>The clock the store under test was given; tests move it.</summary>
    protected ManualClock Clock { get; } = new(Start);

    /// <summary>The store under test: fresh, migrated and empty.</summary>
    protected ITelexStore Store => _store ?? throw new InvalidOperationException("the store is not created yet");

    /// <summary>Creates a new, empty store with its schema migrated, reading time from <paramref name="time"/>.</summary>
    protected abstract Task<ITelexStore> CreateStoreAsync(TimeProvider time);

    public async Task InitializeAsync() => _store = await CreateStoreAsync(Clock);

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    protected DateTimeOffset Now => Clock.GetUtcNow();

    protected static string EndpointOf(string peerDid) => "https://" + peerDid.Split(':')[^1] + ".example/didcomm";

    protected static Tie NewTie(string peerDid) => new()
    {
        PeerDid = peerDid,
        PeerName = "Agency " + peerDid.Split(':')[^1],
        PeerEndpoint = EndpointOf(peerDid),
        EstablishedAt = Start,
    };

    /// <summary>An outbound entry as an agency files it at release: queued, no registry number of its own.</summary>
    protected static TelegramRecord OutboundRecord(string peerDid, long serial, DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        byte[] signed = Encoding.UTF8.GetBytes($"signed outbound {id}");
        return new TelegramRecord
        {
            Id = id,
            Direction = Direction.Outbound,
            Counterpart = peerDid,
            Serial = serial,
            RegistryNumber = 0,
            Status = TelegramStatus.Queued,
            CreatedAt = at,
            ReleasedAt = at,
            RegisteredAt = at,
            Subject = $"Outbound {serial}",
            Body = "Routine traffic",
            Precedence = Precedence.Routine,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(signed)),
            Plaintext = Encoding.UTF8.GetBytes($"plaintext outbound {id}"),
            SignedOriginal = signed,
        };
    }

    /// <summary>An inbound entry as an agency files it on arrival.</summary>
    protected static TelegramRecord InboundRecord(Guid id, string peerDid, long serial, long registryNumber, DateTimeOffset receivedAt)
    {
        byte[] signed = Encoding.UTF8.GetBytes($"signed inbound {id}");
        return new TelegramRecord
        {
            Id = id,
            Direction = Direction.Inbound,
            Counterpart = peerDid,
            Serial = serial,
            RegistryNumber = registryNumber,
            Status = TelegramStatus.Registered,
            CreatedAt = receivedAt - TimeSpan.FromMinutes(2),
            ReleasedAt = receivedAt - TimeSpan.FromMinutes(1),
            RegisteredAt = receivedAt,
            Subject = $"Inbound {serial}",
            Body = "Routine traffic",
            Precedence = Precedence.Routine,
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(signed)),
            Plaintext = Encoding.UTF8.GetBytes($"plaintext inbound {id}"),
            SignedOriginal = signed,
            Receipt = Encoding.UTF8.GetBytes($"receipt for {id} as {registryNumber}"),
        };
    }

    protected static OutboxItem OutboxItemFor(TelegramRecord record, DateTimeOffset dueAt) =>
        new(Id: Guid.NewGuid(), Kind: OutboxKind.Telegram, PeerDid: record.Counterpart, Endpoint: EndpointOf(record.Counterpart),
            Payload: record.SignedOriginal, DueAt: dueAt, ExpiresAt: dueAt + TimeSpan.FromDays(3), TelegramId: record.Id,
            Precedence: record.Precedence);

    protected static OutboxItem MessageItem(string peerDid, DateTimeOffset dueAt, Precedence precedence = Precedence.Routine) =>
        new(Id: Guid.NewGuid(), Kind: OutboxKind.Message, PeerDid: peerDid, Endpoint: EndpointOf(peerDid),
            Payload: Encoding.UTF8.GetBytes("a receipt or tie message"), DueAt: dueAt, ExpiresAt: dueAt + TimeSpan.FromDays(1),
            Precedence: precedence);

    /// <summary>Releases a telegram to <paramref name="peerDid"/> now (due now unless <paramref name="dueAt"/> says otherwise).</summary>
    protected async Task<(TelegramRecord Record, OutboxItem Outbox)> ReleaseToAsync(
        string peerDid, Func<TelegramRecord, TelegramRecord>? customize = null, DateTimeOffset? dueAt = null)
    {
        var at = Now;
        OutboxItem? outbox = null;
        var record = await Store.Telegrams.ReleaseAsync(peerDid, serial =>
        {
            var entry = OutboundRecord(peerDid, serial, at);
            entry = customize?.Invoke(entry) ?? entry;
            outbox = OutboxItemFor(entry, dueAt ?? at);
            return (entry, outbox);
        });
        return (record, outbox!);
    }

    /// <summary>Registers a new inbound telegram from <paramref name="peerDid"/> with the given serial.</summary>
    protected async Task<RegistrationResult> ReceiveFromAsync(
        string peerDid, long serial, Func<TelegramRecord, TelegramRecord>? customize = null, Guid? id = null)
    {
        var telegramId = id ?? Guid.NewGuid();
        return await Store.Telegrams.RegisterInboundAsync(telegramId, (number, receivedAt) =>
        {
            var entry = InboundRecord(telegramId, peerDid, serial, number, receivedAt);
            return customize?.Invoke(entry) ?? entry;
        });
    }

    /// <summary>Asserts that every public property of <paramref name="actual"/> equals that of <paramref name="expected"/>, sequences by content.</summary>
    protected static void AssertSameFields<T>(T expected, T? actual)
        where T : class
    {
        Assert.NotNull(actual);
        var differences = new List<string>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            object? e = property.GetValue(expected);
            object? a = property.GetValue(actual);
            if (!FieldEquals(e, a))
            {
                differences.Add($"{property.Name}: expected {Show(e)}, actual {Show(a)}");
            }
        }

        Assert.True(differences.Count == 0, typeof(T).Name + " differs:\n" + string.Join('\n', differences));
    }

    private static bool FieldEquals(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (string e, string a) => string.Equals(e, a, StringComparison.Ordinal),
        (IEnumerable e, IEnumerable a) => e.Cast<object?>().SequenceEqual(a.Cast<object?>()),
        _ => expected.Equals(actual),
    };

    private static string Show(object? value) => value switch
    {
        null => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        string s => '"' + s + '"',
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };

    /// <summary>Ids of every outbox item claimable right now (claims them for a throw-away node with a short lease).</summary>
    protected async Task<IReadOnlyList<OutboxItem>> ClaimEverythingDueAsync(string node = "probe") =>
        await Store.Outbox.ClaimDueAsync(Now, 1000, TimeSpan.FromSeconds(1), node);
}
