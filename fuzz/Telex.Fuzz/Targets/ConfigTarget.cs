using System.Collections;

using Telex.Cli.Configuration;

namespace Telex.Fuzz;

/// <summary>
/// Writes the input as an agency's <c>telex.json</c> and loads it with <see cref="TelexConfiguration.Load"/>, as every
/// <c>telex</c> command does (no environment variables, no <c>--set</c>). A bad file must be refused with a
/// <see cref="TelexConfigurationException"/> naming the key and a hint; any other exception is a crash.
/// </summary>
internal static class ConfigTarget
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("telex-fuzz-config-").FullName;

    private static readonly Hashtable NoEnvironment = [];

    public static void Run(byte[] input)
    {
        File.WriteAllBytes(Path.Combine(Folder, TelexConfiguration.FileName), input);
        try
        {
            _ = TelexConfiguration.Load(Folder, [], NoEnvironment);
        }
        catch (TelexConfigurationException e) when (e.Message.Length > 0)
        {
            // The documented refusal: a message naming the key at fault.
        }
    }
}
