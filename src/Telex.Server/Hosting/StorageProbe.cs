namespace Telex.Server.Hosting;

/// <summary>
/// Tries a small write (the setting <see cref="Setting"/>) every <see cref="HealthyInterval"/>, and every
/// <see cref="FullInterval"/> while the storage is full, so a full disk is noticed even when no request is writing and the
/// agency resumes by itself as soon as a write succeeds again.
/// </summary>
internal sealed class StorageProbe(ITelexStore store, StorageStatus status, TimeProvider time) : BackgroundService
{
    /// <summary>The setting the probe writes (the time of the last successful probe).</summary>
    public const string Setting = "storage.probe";

    /// <summary>
    /// 30 s: a full disk shows in /health within a monitoring system's scrape interval, and an idle agency wakes for the
    /// probe twice a minute, not twelve times (each probe is a committed, synced write).
    /// </summary>
    public static readonly TimeSpan HealthyInterval = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan FullInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(status.IsFull ? FullInterval : HealthyInterval, time, stoppingToken).ConfigureAwait(false);
                await store.Settings.SetSettingAsync(Setting, time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    stoppingToken).ConfigureAwait(false);
                status.Written();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (StorageFullException.Caused(e))
            {
                status.Refused(e);
            }
#pragma warning disable CA1031 // Any other failure of the probe says nothing about space; the next probe tries again.
            catch (Exception)
#pragma warning restore CA1031
            {
            }
        }
    }
}
