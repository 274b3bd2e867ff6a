using System.Diagnostics;

using NSec.Cryptography;

using Telex.DidComm;

using static System.FormattableString;

using ContentEncryption = Telex.DidComm.Crypto.ContentEncryption;

namespace Telex.Bench;

/// <summary>
/// The ratio measured so as to tolerate a busy or jittery machine: each round times pack+unpack for each
/// content encryption and, right after, the five primitive operations, so that both sides of a round's ratio
/// see the same machine. The ratio reported is the median of the per-round ratios. Not a BenchmarkDotNet run:
/// no separate process, no overhead subtraction (Stopwatch costs tens of nanoseconds against hundreds of
/// microseconds). Two kinds of round: <b>cold</b>, one of each operation, so that dozens of others run between two
/// calls of one, as in a server; <b>hot</b>, each operation several times in a row, as in BenchmarkDotNet's loops.
/// </summary>
internal static class InterleavedCheck
{
    /// <summary>Runs both measurements and returns their median ratios.</summary>
    public static Ratios Run()
    {
        using var bench = new Bench();
        var cold = bench.Measure(warmupRounds: 200, rounds: 2000, batch: 1);
        Console.WriteLine(Invariant($"interleaved, cold (2000 rounds of one of each operation, medians): {cold}"));
        var hot = bench.Measure(warmupRounds: 20, rounds: 200, batch: 16);
        Console.WriteLine(Invariant($"interleaved, hot (200 rounds of 16 of each operation, medians): {hot}"));
        return new Ratios(hot.GcmRatio, hot.CbcRatio, cold.GcmRatio, cold.CbcRatio);
    }

    /// <summary>The bound's primitives over and over for <paramref name="seconds"/>, for a profiler; prints the time of one bound.</summary>
    public static void LoopBound(double seconds)
    {
        using var bench = new Bench();
        var clock = Stopwatch.StartNew();
        int count = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            bench.Primitives(1);
            count++;
        }

        Console.WriteLine(Invariant($"{count} bounds in {clock.Elapsed.TotalSeconds:F1} s: {clock.Elapsed.TotalMicroseconds / count:F1} us each"));
    }

    /// <summary>The median per-round ratios of pack+unpack to the bound, for each measurement and encryption.</summary>
    public readonly record struct Ratios(double HotGcm, double HotCbc, double ColdGcm, double ColdCbc);

    /// <summary>Medians over the rounds of one measurement, per operation (µs) and per-round ratio.</summary>
    private readonly record struct Medians(double Bound, double Gcm, double GcmRatio, double Cbc, double CbcRatio)
    {
        public override string ToString() => Invariant(
            $"bound {Bound:F1} us; A256GCM pack+unpack {Gcm:F1} us, ratio {GcmRatio:F2}; A256CBC-HS512 pack+unpack {Cbc:F1} us, ratio {CbcRatio:F2}");
    }

    /// <summary>The telegram, the primitives' keys and buffers, and the rounds over them.</summary>
    private sealed class Bench : IDisposable
    {
        private readonly Telegram _telegram = Telegram.Create();
        private readonly PackEncryptedOptions _gcm;
        private readonly PackEncryptedOptions _cbc;
        private readonly Key _signing = Key.Create(SignatureAlgorithm.Ed25519);
        private readonly Key _agreement = Key.Create(KeyAgreementAlgorithm.X25519);
        private readonly PublicKey _peer;
        private readonly byte[] _data;
        private readonly byte[] _signature = new byte[64];
        private readonly byte[] _raw = new byte[32];

        public Bench()
        {
            _gcm = _telegram.Options(ContentEncryption.A256Gcm);
            _cbc = _telegram.Options(ContentEncryption.A256CbcHs512);
            _telegram.PackChecked(_gcm);
            _telegram.PackChecked(_cbc);
            using (var other = Key.Create(KeyAgreementAlgorithm.X25519))
            {
                _peer = other.PublicKey;
            }

            _data = new byte[_telegram.JwsSigningInputLength];
            Random.Shared.NextBytes(_data);
        }

        /// <summary>Each round: <paramref name="batch"/> pack+unpacks with each encryption, then as many of each primitive.</summary>
        public Medians Measure(int warmupRounds, int rounds, int batch)
        {
            var gcmTimes = new double[rounds];
            var cbcTimes = new double[rounds];
            var boundTimes = new double[rounds];
            var gcmRatios = new double[rounds];
            var cbcRatios = new double[rounds];
            for (int round = -warmupRounds; round < rounds; round++)
            {
                int first = (round + warmupRounds) * batch;
                long t0 = Stopwatch.GetTimestamp();
                RoundTrips(first, batch, _gcm);
                long t1 = Stopwatch.GetTimestamp();
                RoundTrips(first, batch, _cbc);
                long t2 = Stopwatch.GetTimestamp();
                Primitives(batch);
                long t3 = Stopwatch.GetTimestamp();
                if (round >= 0)
                {
                    gcmTimes[round] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds / batch;
                    cbcTimes[round] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds / batch;
                    boundTimes[round] = Stopwatch.GetElapsedTime(t2, t3).TotalMicroseconds / batch;
                    gcmRatios[round] = gcmTimes[round] / boundTimes[round];
                    cbcRatios[round] = cbcTimes[round] / boundTimes[round];
                }
            }

            return new Medians(Median(boundTimes), Median(gcmTimes), Median(gcmRatios), Median(cbcTimes), Median(cbcRatios));
        }

        public void Dispose()
        {
            _telegram.Dispose();
            _signing.Dispose();
            _agreement.Dispose();
        }

        // Each pack+unpack takes the next variant of the telegram (see Telegram).
        private void RoundTrips(int first, int count, PackEncryptedOptions options)
        {
            for (int i = first; i < first + count; i++)
            {
                if (!_telegram.Bob.Unpack(_telegram.Pack(_telegram.Messages[i & (Telegram.Variants - 1)], options)).Success)
                {
                    throw new InvalidOperationException("the telegram did not round-trip");
                }
            }
        }

        // The bound, count times: sign, verify, an ephemeral key with its public bytes, and two agreements.
        public void Primitives(int count)
        {
            for (int i = 0; i < count; i++)
            {
                SignatureAlgorithm.Ed25519.Sign(_signing, _data, _signature);
            }

            for (int i = 0; i < count; i++)
            {
                SignatureAlgorithm.Ed25519.Verify(_signing.PublicKey, _data, _signature);
            }

            for (int i = 0; i < count; i++)
            {
                using var ephemeral = Key.Create(KeyAgreementAlgorithm.X25519);
                ephemeral.PublicKey.TryExport(KeyBlobFormat.RawPublicKey, _raw, out _);
            }

            var exportable = new SharedSecretCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport };
            for (int i = 0; i < 2 * count; i++)
            {
                using var shared = KeyAgreementAlgorithm.X25519.Agree(_agreement, _peer, in exportable)
                    ?? throw new InvalidOperationException("agreement failed");
                shared.TryExport(SharedSecretBlobFormat.RawSharedSecret, _raw, out _);
            }
        }

        private static double Median(double[] values)
        {
            var sorted = (double[])values.Clone();
            Array.Sort(sorted);
            return sorted[sorted.Length / 2];
        }
    }
}
