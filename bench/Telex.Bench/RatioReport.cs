using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

using Telex.DidComm.Crypto;

using static System.FormattableString;

namespace Telex.Bench;

/// <summary>
/// Runs the wire benchmarks and the NSec primitives together and compares them. Pack+unpack of a signed,
/// anoncrypt telegram needs exactly 1 Ed25519 signature, 1 verification, 1 X25519 key generation (the ephemeral
/// key) and 2 X25519 agreements (one on each side); the ratio says what the library costs on top of those.
/// </summary>
internal static class RatioReport
{
    /// <summary>Pack+unpack may cost at most this many times its public-key operations.</summary>
    public const double TimeRatioTarget = 1.3;

    /// <summary>Pack+unpack may allocate at most this many times the packed message's size.</summary>
    public const double AllocationRatioTarget = 4.0;

    private static readonly ContentEncryption[] Encryptions = [ContentEncryption.A256Gcm, ContentEncryption.A256CbcHs512];

    public static int Run(string[] args)
    {
        bool breakdown = args.Contains("--breakdown");
        Type[] types = breakdown
            ? [typeof(WireBenchmarks), typeof(PrimitiveBenchmarks), typeof(PackStepBenchmarks), typeof(UnpackStepBenchmarks), typeof(PieceBenchmarks)]
            : [typeof(WireBenchmarks), typeof(PrimitiveBenchmarks)];
        string loadBefore = LoadAverage();
        var summaries = BenchmarkRunner.Run(types.Select(t => BenchmarkConverter.TypeToBenchmarks(t)).ToArray());
        var results = new Results(summaries);
        string loadAfter = LoadAverage();

        double sign = results.Median("Ed25519_Sign");
        double verify = results.Median("Ed25519_Verify");
        double keygen = results.Median("X25519_KeyGen");
        double agree = results.Median("X25519_Agree");
        double packBound = sign + keygen + agree;
        double unpackBound = agree + verify;
        double bound = packBound + unpackBound;

        var packedSizes = PackedSizes();
        Console.WriteLine();
        Console.WriteLine("== Wire library (Telex.DidComm): 1 KB telegram, signed (Ed25519) + anoncrypt (ECDH-ES+A256KW, X25519)");
        Console.WriteLine(Describe());
        Console.WriteLine(Invariant($"primitives (NSec, median): sign {Us(sign)}, verify {Us(verify)}, X25519 keygen {Us(keygen)}, X25519 agree {Us(agree)}"));
        Console.WriteLine(Invariant($"bound: pack = sign + keygen + agree = {Us(packBound)}; unpack = agree + verify = {Us(unpackBound)}; pack+unpack = {Us(bound)}"));
        Console.WriteLine();
        Console.WriteLine("| enc | pack | unpack | pack+unpack (median) | ratio to bound (medians; the verdict is below) | allocated: pack / unpack / pack+unpack | packed size | allocated / packed (target <= 4) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        bool allocationsMet = true;
        var sides = new List<string>();
        foreach (var enc in Encryptions)
        {
            double pack = results.Median("Pack", enc);
            double unpack = results.Median("Unpack", enc);
            double both = results.Median("PackThenUnpack", enc);
            long allocated = results.Allocated("PackThenUnpack", enc);
            int packed = packedSizes[enc];
            double ratio = both / bound;
            double allocRatio = (double)allocated / packed;
            allocationsMet &= allocRatio <= AllocationRatioTarget;
            Console.WriteLine(Invariant(
                $"| {enc.JweName()} | {Us(pack)} | {Us(unpack)} | {Us(both)} | {ratio:F2} | {results.Allocated("Pack", enc):N0} / {results.Allocated("Unpack", enc):N0} / {allocated:N0} B | {packed:N0} B | {allocRatio:F1} {Mark(allocRatio <= AllocationRatioTarget)} |"));
            sides.Add(Invariant($"{enc.JweName()}: pack / its bound = {pack / packBound:F2}, unpack / its bound = {unpack / unpackBound:F2}"));
        }

        Console.WriteLine();
        sides.ForEach(Console.WriteLine);

        if (breakdown)
        {
            Console.WriteLine();
            Console.WriteLine("| step or piece | enc | median | allocated |");
            Console.WriteLine("| --- | --- | ---: | ---: |");
            foreach (var r in results.All.Where(r => r.Type is nameof(PackStepBenchmarks) or nameof(UnpackStepBenchmarks) or nameof(PieceBenchmarks)))
            {
                Console.WriteLine(Invariant($"| {r.Type.Replace("Benchmarks", "", StringComparison.Ordinal)}.{r.Method} | {r.Enc?.JweName() ?? "-"} | {Us(r.MedianNs)} | {r.Allocated:N0} B |"));
            }
        }

        // Minimums are what a quiet machine gives; when they tell another story than the medians, the machine was busy.
        double minBound = results.Min("Ed25519_Sign") + results.Min("Ed25519_Verify") + results.Min("X25519_KeyGen") + (2 * results.Min("X25519_Agree"));
        Console.WriteLine();
        foreach (var enc in Encryptions)
        {
            Console.WriteLine(Invariant(
                $"{enc.JweName()}: from minimums, pack+unpack {Us(results.Min("PackThenUnpack", enc))} / bound {Us(minBound)} = {results.Min("PackThenUnpack", enc) / minBound:F2}"));
        }

        Console.WriteLine(Invariant($"load average (1, 5, 15 min) before: {loadBefore}; after: {loadAfter}"));
        var interleaved = InterleavedCheck.Run();

        // The verdict on time takes the hot interleaved ratios: BenchmarkDotNet's kind of figure, but with both
        // sides of the ratio timed in the same rounds, which a shared machine cannot disturb as it does medians
        // taken a minute apart. The cold ones are printed above for what a busy server sees.
        bool timeMet = interleaved.HotGcm <= TimeRatioTarget && interleaved.HotCbc <= TimeRatioTarget;
        Console.WriteLine();
        Console.WriteLine(Invariant(
            $"time (interleaved hot, target <= {TimeRatioTarget}): A256GCM {interleaved.HotGcm:F2} {Mark(interleaved.HotGcm <= TimeRatioTarget)}, A256CBC-HS512 {interleaved.HotCbc:F2} {Mark(interleaved.HotCbc <= TimeRatioTarget)}; allocations {Mark(allocationsMet)}"));
        Console.WriteLine(timeMet && allocationsMet ? "targets met" : "targets NOT met");
        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string Us(double ns) => Invariant($"{ns / 1000:F1} us");

    private static string Mark(bool ok) => ok ? "(met)" : "(missed)";

    private static string Describe()
    {
        using var telegram = Telegram.Create();
        int plaintext = telegram.Message.ToUtf8Json().Length;
        int signed = telegram.Alice.PackSigned(telegram.Message, telegram.AliceDid).Packed.Length;
        int text = telegram.Message.Body.GetProperty("text").GetString()!.Length;
        return Invariant(
            $"telegram: plaintext {plaintext} B (body text {text} characters), signed (JWS) {signed} B, DIDs {telegram.AliceDid.Length} characters each");
    }

    private static Dictionary<ContentEncryption, int> PackedSizes()
    {
        using var telegram = Telegram.Create();
        return Encryptions.ToDictionary(e => e, e => telegram.PackChecked(telegram.Options(e)).Length);
    }

    private sealed record Result(string Type, string Method, ContentEncryption? Enc, double MedianNs, double MinNs, long Allocated);

    private sealed class Results(IEnumerable<Summary> summaries)
    {
        public List<Result> All { get; } = summaries
            .SelectMany(s => s.Reports)
            .Select(r => new Result(
                r.BenchmarkCase.Descriptor.Type.Name,
                r.BenchmarkCase.Descriptor.WorkloadMethod.Name,
                r.BenchmarkCase.HasParameters ? (ContentEncryption?)r.BenchmarkCase.Parameters["Enc"] : null,
                r.ResultStatistics?.Median ?? double.NaN,
                r.ResultStatistics?.Min ?? double.NaN,
                r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1))
            .ToList();

        public double Median(string method, ContentEncryption? enc = null) => Find(method, enc).MedianNs;

        public double Min(string method, ContentEncryption? enc = null) => Find(method, enc).MinNs;

        public long Allocated(string method, ContentEncryption? enc = null) => Find(method, enc).Allocated;

        private Result Find(string method, ContentEncryption? enc) =>
            All.FirstOrDefault(r => r.Method == method && r.Enc == enc && r.Type is nameof(WireBenchmarks) or nameof(PrimitiveBenchmarks))
            ?? throw new InvalidOperationException($"no result for {method} {enc}: did a benchmark fail?");
    }
}
