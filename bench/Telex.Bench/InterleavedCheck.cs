using System.Diagnostics;

using NSec.Cryptography;

using Telex.DidComm;
using Telex.DidComm.Messages;

using static System.FormattableString;

using ContentEncryption = Telex.DidComm.Crypto.ContentEncryption;

namespace Telex.Bench;

/// <summary>
/// The ratio measured so as to tolerate a busy or jittery machine: each round times pack+unpack for each
/// content encryption and, right after, the five primitive operations, so that both sides of a round's ratio
/// see the same machine. The ratio reported is the median of the per-round ratios. Not a BenchmarkDotNet run:
/// no separate process, no overhead subtraction (Stopwatch costs tens of nanoseconds against hundreds of
/// microseconds).
/// </summary>
internal static class InterleavedCheck
{
    private const int WarmupRounds = 200;
    private const int Rounds = 2000;
    private const int HotWarmupRounds = 20;
    private const int HotRounds = 200;
    private const int HotBatch = 16;

    /// <summary>Runs both measurements and returns their median ratios.</summary>
    public static Ratios Run()
    {
        using var telegram = Telegram.Create();
        var gcm = Telegram.Options(ContentEncryption.A256Gcm);
        var cbc = Telegram.Options(ContentEncryption.A256CbcHs512);
        telegram.PackChecked(gcm);
        telegram.PackChecked(cbc);

        using var signing = Key.Create(SignatureAlgorithm.Ed25519);
        using var agreement = Key.Create(KeyAgreementAlgorithm.X25519);
        PublicKey peer;
        using (var other = Key.Create(KeyAgreementAlgorithm.X25519))
        {
            peer = other.PublicKey;
        }

        byte[] data = new byte[telegram.JwsSigningInputLength];
        Random.Shared.NextBytes(data);
        byte[] signature = new byte[64];
        byte[] raw = new byte[32];

        var gcmRatios = new double[Rounds];
        var cbcRatios = new double[Rounds];
        var gcmTimes = new double[Rounds];
        var cbcTimes = new double[Rounds];
        var boundTimes = new double[Rounds];
        for (int round = -WarmupRounds; round < Rounds; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var message = telegram.Messages[round & (Telegram.Variants - 1)];
            RoundTrip(telegram, message, gcm);
            long t1 = Stopwatch.GetTimestamp();
            RoundTrip(telegram, message, cbc);
            long t2 = Stopwatch.GetTimestamp();
            SignatureAlgorithm.Ed25519.Sign(signing, data, signature);
            SignatureAlgorithm.Ed25519.Verify(signing.PublicKey, data, signature);
            using (var ephemeral = Key.Create(KeyAgreementAlgorithm.X25519))
            {
                ephemeral.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, raw, out _);
            }

            Agree(agreement, peer, raw);
            Agree(agreement, peer, raw);
            long t3 = Stopwatch.GetTimestamp();
            if (round >= 0)
            {
                gcmTimes[round] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds;
                cbcTimes[round] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds;
                boundTimes[round] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds;
                gcmRatios[round] = gcmTimes[round] / boundTimes[round];
                cbcRatios[round] = cbcTimes[round] / boundTimes[round];
            }
        }

        Console.WriteLine(Invariant(
            $"interleaved, cold ({Rounds} rounds of one of each operation, medians): bound {Median(boundTimes):F1} us; A256GCM pack+unpack {Median(gcmTimes):F1} us, ratio {Median(gcmRatios):F2}; A256CBC-HS512 pack+unpack {Median(cbcTimes):F1} us, ratio {Median(cbcRatios):F2}"));
        var (hotGcm, hotCbc) = RunHot(telegram, gcm, cbc, signing, agreement, peer, data);
        return new Ratios(hotGcm, hotCbc, Median(gcmRatios), Median(cbcRatios));
    }

    /// <summary>The median per-round ratios of pack+unpack to the bound, for each measurement and encryption.</summary>
    public readonly record struct Ratios(double HotGcm, double HotCbc, double ColdGcm, double ColdCbc);

    /// <summary>
    /// The same pairing in time, but each operation runs <see cref="HotBatch"/> times in a row (pack+unpack on
    /// the next variant each time), as in BenchmarkDotNet's loops: caches and branch predictors hold the code, so
    /// the figures are BenchmarkDotNet's kind while both sides of each round's ratio still see the same machine.
    /// </summary>
    private static (double Gcm, double Cbc) RunHot(Telegram telegram, PackOptions gcm, PackOptions cbc, Key signing, Key agreement, PublicKey peer, byte[] data)
    {
        byte[] signature = new byte[64];
        byte[] raw = new byte[32];
        var gcmRatios = new double[HotRounds];
        var cbcRatios = new double[HotRounds];
        var gcmTimes = new double[HotRounds];
        var cbcTimes = new double[HotRounds];
        var boundTimes = new double[HotRounds];
        int variant = 0;
        for (int round = -HotWarmupRounds; round < HotRounds; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < HotBatch; i++)
            {
                RoundTrip(telegram, telegram.Messages[variant++ & (Telegram.Variants - 1)], gcm);
            }

            long t1 = Stopwatch.GetTimestamp();
            for (int i = 0; i < HotBatch; i++)
            {
                RoundTrip(telegram, telegram.Messages[variant++ & (Telegram.Variants - 1)], cbc);
            }

            long t2 = Stopwatch.GetTimestamp();
            for (int i = 0; i < HotBatch; i++)
            {
                SignatureAlgorithm.Ed25519.Sign(signing, data, signature);
            }

            for (int i = 0; i < HotBatch; i++)
            {
                SignatureAlgorithm.Ed25519.Verify(signing.PublicKey, data, signature);
            }

            for (int i = 0; i < HotBatch; i++)
            {
                using var ephemeral = Key.Create(KeyAgreementAlgorithm.X25519);
                ephemeral.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, raw, out _);
            }

            for (int i = 0; i < 2 * HotBatch; i++)
            {
                Agree(agreement, peer, raw);
            }

            long t3 = Stopwatch.GetTimestamp();
            if (round >= 0)
            {
                gcmTimes[round] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds / HotBatch;
                cbcTimes[round] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds / HotBatch;
                boundTimes[round] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds / HotBatch;
                gcmRatios[round] = gcmTimes[round] / boundTimes[round];
                cbcRatios[round] = cbcTimes[round] / boundTimes[round];
            }
        }

        Console.WriteLine(Invariant(
            $"interleaved, hot ({HotRounds} rounds of {HotBatch} of each operation, medians): bound {Median(boundTimes):F1} us; A256GCM pack+unpack {Median(gcmTimes):F1} us, ratio {Median(gcmRatios):F2}; A256CBC-HS512 pack+unpack {Median(cbcTimes):F1} us, ratio {Median(cbcRatios):F2}"));
        return (Median(gcmRatios), Median(cbcRatios));
    }

    private static void RoundTrip(Telegram telegram, Message message, PackOptions options)
    {
        if (!telegram.Bob.Unpack(telegram.Pack(message, options)).Success)
        {
            throw new InvalidOperationException("the telegram did not round-trip");
        }
    }

    private static void Agree(Key key, PublicKey peer, byte[] z)
    {
        var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
        using var shared = KeyAgreementAlgorithm.X25519.Agree(key, peer, in exportable)
            ?? throw new InvalidOperationException("agreement failed");
        shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, z, out _);
    }

    private static double Median(double[] values)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
