using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;

using DidCommExample;

namespace Telex.DidComm.Package.Tests;

/// <summary>
/// The package as a newcomer gets it: restored from the .nupkg just packed, its README's example compiled here
/// (<c>Example.cs</c> is that example, character for character) and run.
/// </summary>
public sealed partial class PackageTests
{
    private static string Metadata(string key) =>
        typeof(PackageTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string PackageFolder => Metadata("TelexDidCommPackage");

    private static string ExampleFile([System.Runtime.CompilerServices.CallerFilePath] string self = "") =>
        Path.Combine(Path.GetDirectoryName(self)!, "Example.cs");

    [Fact]
    public void The_readme_example_packs_and_unpacks_a_signed_authcrypt_message()
    {
        var result = Example.AliceToBob();

        Assert.True(result.Success, result.Failure?.ToString());
        Assert.Equal("Hello, Bob", result.Message!.Body.GetProperty("text").GetString());
        Assert.True(result.Metadata!.Encrypted);
        Assert.True(result.Metadata.Authenticated);
        Assert.True(result.Metadata.NonRepudiation);
        Assert.False(result.Metadata.AnonymousSender);
        Assert.Equal(result.Message.From + "#key-2", result.Metadata.SignFrom);
    }

    [Fact]
    public void The_readme_in_the_package_shows_the_example_exactly()
    {
        string readme = File.ReadAllText(Path.Combine(PackageFolder, "README.md"));
        var block = CSharpBlock().Match(readme);

        Assert.True(block.Success, "the package README has no ```csharp block");
        Assert.Equal(Normalize(File.ReadAllText(ExampleFile())), Normalize(block.Groups["code"].Value));
    }

    [Fact]
    public void The_library_comes_from_the_package_with_its_XML_docs()
    {
        string version = Metadata("TelexDidCommVersion");
        string nupkg = Path.Combine(PackageFolder, $"telex.didcomm.{version}.nupkg");
        using var package = ZipFile.OpenRead(nupkg);
        var entries = package.Entries.Select(e => e.FullName).ToList();

        Assert.Contains("lib/net10.0/Telex.DidComm.dll", entries);
        Assert.Contains("lib/net10.0/Telex.DidComm.xml", entries);
        Assert.Contains("README.md", entries);
        string nuspec = new StreamReader(package.GetEntry("Telex.DidComm.nuspec")!.Open()).ReadToEnd();
        Assert.Contains("<readme>README.md</readme>", nuspec, StringComparison.Ordinal);
        Assert.Contains("<license type=\"expression\">", nuspec, StringComparison.Ordinal);

        // The assembly this test runs against is the one inside the package, not a build of the project.
        using var packaged = package.GetEntry("lib/net10.0/Telex.DidComm.dll")!.Open();
        using var copy = new MemoryStream();
        packaged.CopyTo(copy);
        Assert.Equal(copy.ToArray(), File.ReadAllBytes(typeof(DidCommPacker).Assembly.Location));
        Assert.StartsWith(version, typeof(DidCommPacker).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion, StringComparison.Ordinal);
    }

    private static string Normalize(string code) => code.ReplaceLineEndings("\n").Trim();

    [GeneratedRegex(@"```csharp\n(?<code>.*?)\n```", RegexOptions.Singleline)]
    private static partial Regex CSharpBlock();
}
