using Telex.Core;
using Telex.Server.Hosting;

namespace Telex.TestKit;

/// <summary>
/// Posts like the agency's real transport, except while closed: then every send waits at the gate until it opens.
/// For tests that need messages held back at a known moment (concurrent decisions, batched receipts).
/// </summary>
public sealed class GatedTransport : ITransport, IDisposable
{
    private readonly HttpTransport _inner = new(TestAgency.LoopbackPolicy);
    private volatile TaskCompletionSource _gate = Opened();

    /// <summary>From now on, sends wait.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets every waiting send and every later one through.</summary>
    public void Open() => _gate.TrySetResult();

    /// <inheritdoc/>
    public async Task<TransportResult> SendAsync(string endpoint, ReadOnlyMemory<byte> packed, CancellationToken ct)
    {
        await _gate.Task.WaitAsync(ct).ConfigureAwait(false);
        return await _inner.SendAsync(endpoint, packed, ct).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public void Dispose() => _inner.Dispose();

    private static TaskCompletionSource Opened()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}
