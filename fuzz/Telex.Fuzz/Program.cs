using SharpFuzz;

namespace Telex.Fuzz;

/// <summary>
/// <c>dotnet Telex.Fuzz.dll TARGET</c> runs one target under afl-fuzz (input on standard input, many inputs per
/// process); <c>dotnet Telex.Fuzz.dll TARGET FILE-OR-FOLDER…</c> runs the target once per file and names every file
/// that crashes it (how a crash is reproduced, and how the corpus is checked); <c>dotnet Telex.Fuzz.dll list</c>
/// names the targets.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] == "list")
        {
            foreach (var target in Targets.All)
            {
                Console.WriteLine($"{target.Name,-16} {target.Description}");
            }

            return args.Length == 0 ? 2 : 0;
        }

        var chosen = Targets.All.FirstOrDefault(t => t.Name == args[0]);
        if (chosen is null)
        {
            Console.Error.WriteLine($"unknown target '{args[0]}'; known: {string.Join(", ", Targets.All.Select(t => t.Name))}");
            return 2;
        }

        if (args.Length == 1)
        {
            Fuzzer.Run(stream => chosen.Run(ReadAll(stream)));
            return 0;
        }

        return Replay(chosen, args[1..]);
    }

    private static int Replay(Target target, string[] paths)
    {
        // In the order given (a folder's files in name order), as a target's state carries from one input to the next:
        // a crash that needs the state its queue built is replayed after that queue.
        var files = paths.SelectMany<string, string>(p => Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : [p])
            .Where(f => !Path.GetFileName(f).Equals("README.txt", StringComparison.Ordinal)) // afl-fuzz skips it too
            .ToList();
        int crashes = 0;
        foreach (string file in files)
        {
            try
            {
                target.Run(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // Replay reports every escaping exception as the crash it is.
            catch (Exception e)
#pragma warning restore CA1031
            {
                crashes++;
                Console.WriteLine($"CRASH {file}: {e.GetType().FullName}: {e.Message}");
                Console.WriteLine(e.StackTrace);
            }
        }

        Console.WriteLine($"{target.Name}: {files.Count} inputs, {crashes} crashes");
        return crashes == 0 ? 0 : 1;
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
