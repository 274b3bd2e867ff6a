using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>The classic cable layout, read from and written back to the seed cable of 18 May 1949.</summary>
public sealed class CableTextTests
{
    private static readonly DateTimeOffset Imported = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static string Seed()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, "..", "shared", "seed", "cable-1949-05-18.txt"));
    }

    private static ImportedCable Parse(string text)
    {
        var cable = CableText.TryParse(text, Guid.NewGuid(), Imported, "seed", out var error);
        Assert.Null(error);
        return Assert.IsType<ImportedCable>(cable);
    }

    [Fact]
    public void The_seed_cable_reads_as_registry_number_date_serial_and_signer()
    {
        var cable = Parse(Seed());

        Assert.Equal(54611, cable.RegistryNumber);
        Assert.Equal(new DateTimeOffset(1949, 5, 18, 17, 18, 0, TimeSpan.Zero), cable.ReceivedAt);
        Assert.Equal(477, cable.SenderSerial);
        Assert.Equal("Kovalev", cable.Signer);
        Assert.Equal("18 May", cable.SignedOn);
        Assert.Equal("[...]", cable.Trailer);
        Assert.StartsWith("Yesterday, 17 May, Mao Zedong asked me", cable.Text, StringComparison.Ordinal);
        Assert.EndsWith("Chen Yun, and Bo Yibo.", cable.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendering_the_seed_cable_gives_back_the_file_byte_for_byte()
    {
        string seed = Seed().Replace("\r\n", "\n", StringComparison.Ordinal);

        Assert.Equal(seed.TrimEnd('\n') + "\n", CableText.Render(Parse(seed)));
    }

    [Fact]
    public void The_seed_cable_has_three_points_and_the_first_keeps_its_indented_sub_points()
    {
        var points = CableText.Points(Parse(Seed()).Text);

        Assert.Equal([1, 2, 3], points.Select(p => p.Number));
        Assert.StartsWith("- 1. Kim II, the Chief of the Political Directorate", points[0].Text, StringComparison.Ordinal);
        Assert.Contains(" - 3. Aid to North Korea with officer personnel and weapons.", points[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("2. As regards helping North Korea", points[1].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Editorial_marks_are_kept_verbatim_and_in_order()
    {
        var marks = CableText.EditorialMarks(Parse(Seed()).Text);

        Assert.Equal(
            ["[informbyuro]", "[ne sozrel]", "[SIC, Kominformbyuro]", "[North Korea]", "[SIC, vzaimnye]",
             "[dogovorit'sya, which can also mean \"negotiate]"],
            marks);
    }

    public static TheoryData<string, int, string> Refused => new()
    {
        { "", 1, "the file is empty" },
        { "54611\n\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 1, "expected the registry number" },
        { "Nº 54611\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 2, "expected a blank line after the registry number" },
        { "Nº 54611\n\n18 Maggio 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n", 3, "expected the date and time" },
        { "Nº 54611\n\n18 May 1949 1718\nText.\n\nNo. 477 - Kovalev, 18 May\n", 4, "expected a blank line after the date" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\n", 5, "no signature line" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\nNo. 477 - Kovalev, 18 May\n", 5, "expected the text and then a blank line" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText [SIC.\n\nNo. 477 - Kovalev, 18 May\n", 5, "is not closed on the same line" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText ] here.\n\nNo. 477 - Kovalev, 18 May\n", 5, "']' closes no editorial mark" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText\u0007.\n\nNo. 477 - Kovalev, 18 May\n", 5, "a control character" },
        { "Nº 54611\n\n18 May 1949 1718\n\nText.\n\nNo. 477 - Kovalev, 18 May\n[...]\n", 8, "expected a blank line, then editorial lines" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_cable_out_of_layout_is_refused_with_the_line_at_fault(string text, int line, string reason)
    {
        var cable = CableText.TryParse(text, Guid.NewGuid(), Imported, null, out var error);

        Assert.Null(cable);
        Assert.NotNull(error);
        Assert.Equal(line, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_over_the_size_limit_is_refused_before_it_is_read()
    {
        string text = "Nº 1\n\n18 May 1949 1718\n\n" + new string('x', CableText.MaxBytes) + "\n\nNo. 1 - Kovalev, 18 May\n";

        Assert.Null(CableText.TryParse(text, Guid.NewGuid(), Imported, null, out var error));
        Assert.Contains("larger than", error!.Reason, StringComparison.Ordinal);
    }
}
