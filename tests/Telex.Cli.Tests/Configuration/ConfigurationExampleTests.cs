using System.Collections;

using Telex.Cli.Configuration;
using Telex.Core;

namespace Telex.Cli.Tests.Configuration;

public sealed class ConfigurationExampleTests
{
    [Fact]
    public void The_example_names_every_option_with_its_description()
    {
        string example = ConfigurationExample.Jsonc();

        Assert.NotEmpty(OptionSchema.Values);
        foreach (var node in OptionSchema.Values)
        {
            Assert.Contains($"\"{node.Name}\":", example, StringComparison.Ordinal);
            string description = ConfigurationExample.Description(node);
            Assert.False(string.IsNullOrWhiteSpace(description), $"{node.Path} has no XML documentation to describe it");
        }
    }

    [Fact]
    public void The_example_loads_back_to_exactly_the_defaults()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(TelexConfiguration.FileName), ConfigurationExample.Jsonc());

        Assert.Equal(new TelexOptions(), TelexConfiguration.Load(folder.Path, [], new Hashtable()));
    }

    [Fact]
    public void The_plain_json_example_loads_back_to_exactly_the_defaults()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File(TelexConfiguration.FileName), ConfigurationExample.Json().ToJsonString());

        Assert.Equal(new TelexOptions(), TelexConfiguration.Load(folder.Path, [], new Hashtable()));
    }

    [Fact]
    public void The_configuration_reference_in_docs_matches_the_option_types()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Telex.slnx")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        string path = Path.Combine(root.FullName, "docs", "CONFIGURATION.md");
        string expected = ConfigurationExample.Markdown();
        string actual = File.Exists(path) ? File.ReadAllText(path).ReplaceLineEndings("\n") : "";

        Assert.True(expected == actual,
            "docs/CONFIGURATION.md is out of date; regenerate it: dotnet run --project src/Telex.Cli -- config docs > docs/CONFIGURATION.md");
    }
}
