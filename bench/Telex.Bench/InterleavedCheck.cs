using System.Diagnostics;

using NSec.Cryptography;

using Telex.DidComm;
using Telex.DidComm.Messages;

using static System.FormattableString;

using ContentEncryption = Telex.DidComm.Crypto.ContentEncryption;

namespace Telex.Bench;

/// <summary>
/// A cross-check of the ratio that tolerates a busy or jittery machine: each round times pack+unpack for each
/// content encryption and, right after, the five primitive operations, so that both sides of a round's ratio
/// see the same machine. The ratio reported is the median of the per-round ratios. Not a BenchmarkDotNet run:
/// no separate process, no overhead subtraction (Stopwatch costs tens of nanoseconds against hundreds of
/// microseconds).
/// </summary>
internal static class InterleavedCheck
{
    private const int WarmupRounds = 200;
    private const int Rounds = 2000;

    public static void Run()
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
            $"interleaved cross-check ({Rounds} rounds, medians): bound {Median(boundTimes):F1} us; A256GCM pack+unpack {Median(gcmTimes):F1} us, ratio {Median(gcmRatios):F2}; A256CBC-HS512 pack+unpack {Median(cbcTimes):F1} us, ratio {Median(cbcRatios):F2}"));
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
