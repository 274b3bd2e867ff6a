using System.Diagnostics;

using static System.FormattableString;

using ContentEncryption = Telex.DidComm.Crypto.ContentEncryption;

namespace Telex.Bench;

/// <summary>
/// The breakdown of <see cref="InterleavedCheck"/>: every wire, step, piece and primitive benchmark method is run
/// once per round, in a fixed order, on instances of the benchmark classes themselves, and each one's median
/// over the rounds is printed. Because all of them see the same machine in every round, their sums can be
/// compared with the whole (pack, unpack) even on a busy machine where separate BenchmarkDotNet runs cannot.
/// </summary>
internal static class InterleavedSteps
{
    /// <summary>Runs the breakdown: cold (1,000 rounds of one call each) or hot (200 rounds of 16 calls each).</summary>
    public static void Run(bool hot)
    {
        int warmupRounds = hot ? 20 : 100;
        int rounds = hot ? 200 : 1000;
        int batch = hot ? 16 : 1;
        var primitives = new PrimitiveBenchmarks();
        primitives.Setup();
        var pieces = new PieceBenchmarks();
        pieces.Setup();
        var actions = new List<(string Name, Action Run)>
        {
            ("Primitive.Ed25519_Sign", primitives.Ed25519_Sign),
            ("Primitive.Ed25519_Verify", () => primitives.Ed25519_Verify()),
            ("Primitive.X25519_KeyGen", () => primitives.X25519_KeyGen()),
            ("Primitive.X25519_Agree", () => primitives.X25519_Agree()),
            ("Piece.Lib_GenerateEphemeralKey", () => pieces.Lib_GenerateEphemeralKey()),
            ("Piece.Lib_Agree", () => pieces.Lib_Agree()),
            ("Piece.ConcatKdf_Derive", pieces.ConcatKdf_Derive),
            ("Piece.AesKeyWrap_Wrap32", () => pieces.AesKeyWrap_Wrap32()),
            ("Piece.AesKeyWrap_Unwrap32", () => pieces.AesKeyWrap_Unwrap32()),
            ("Piece.AesKeyWrap_Wrap64", () => pieces.AesKeyWrap_Wrap64()),
            ("Piece.AesKeyWrap_Unwrap64", () => pieces.AesKeyWrap_Unwrap64()),
            ("Piece.Aes_EncryptEcbOneBlock", pieces.Aes_EncryptEcbOneBlock),
            ("Piece.Jwe_ApvBytes", () => pieces.Jwe_ApvBytes()),
            ("Piece.Base64Url_DecodeJws", () => pieces.Base64Url_DecodeJws()),
            ("Piece.Base64Url_DecodeJws_BclOnly", () => pieces.Base64Url_DecodeJws_BclOnly()),
        };
        foreach (var enc in new[] { ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512 })
        {
            var wire = new WireBenchmarks { Enc = enc };
            wire.Setup();
            var pack = new PackStepBenchmarks { Enc = enc };
            pack.Setup();
            var unpack = new UnpackStepBenchmarks { Enc = enc };
            unpack.Setup();
            actions.AddRange(
            [
                ($"{enc} Wire.Pack", () => wire.Pack()),
                ($"{enc} Wire.Unpack", () => wire.Unpack()),
                ($"{enc} PackStep.Step1_SerializeMessage", () => pack.Step1_SerializeMessage()),
                ($"{enc} PackStep.Step2_SignJws", () => pack.Step2_SignJws()),
                ($"{enc} PackStep.Step3_EncryptJwe", () => pack.Step3_EncryptJwe()),
                ($"{enc} PackStep.EncryptContent", pack.EncryptContent),
                ($"{enc} UnpackStep.Step1_ParseJwe", () => unpack.Step1_ParseJwe()),
                ($"{enc} UnpackStep.Step2_DecryptJwe", () => unpack.Step2_DecryptJwe()),
                ($"{enc} UnpackStep.Step3_ParseJws", () => unpack.Step3_ParseJws()),
                ($"{enc} UnpackStep.Step4_VerifyJws", () => unpack.Step4_VerifyJws()),
                ($"{enc} UnpackStep.Step5_ParseMessage", () => unpack.Step5_ParseMessage()),
                ($"{enc} UnpackStep.DecryptContent", () => unpack.DecryptContent()),
            ]);
        }

        var times = new double[actions.Count][];
        for (int a = 0; a < actions.Count; a++)
        {
            times[a] = new double[rounds];
        }

        for (int round = -warmupRounds; round < rounds; round++)
        {
            for (int a = 0; a < actions.Count; a++)
            {
                var run = actions[a].Run;
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < batch; i++)
                {
                    run();
                }

                double us = Stopwatch.GetElapsedTime(start).TotalMicroseconds / batch;
                if (round >= 0)
                {
                    times[a][round] = us;
                }
            }
        }

        Console.WriteLine(Invariant($"interleaved breakdown, {(hot ? "hot" : "cold")} ({rounds} rounds of {batch} of each operation, median per operation):"));
        Console.WriteLine("| operation | median |");
        Console.WriteLine("| --- | ---: |");
        for (int a = 0; a < actions.Count; a++)
        {
            Array.Sort(times[a]);
            Console.WriteLine(Invariant($"| {actions[a].Name} | {times[a][rounds / 2]:F1} us |"));
        }
    }
}
