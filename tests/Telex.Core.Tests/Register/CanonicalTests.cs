using System.Text;

using CsCheck;

using Telex.Core.Register;

namespace Telex.Core.Tests.Register;

/// <summary>The canonical content a register entry hashes: one way to write a record, and read back exactly.</summary>
public sealed class CanonicalTests
{
    [Fact]
    public void Fields_are_written_as_name_length_and_bytes_and_absent_ones_as_a_dash()
    {
        byte[] content = new CanonicalWriter("telegram-in")
            .Field("subject", "Héllo")
            .Field("serial", 477L)
            .Field("released", (DateTimeOffset?)DateTimeOffset.FromUnixTimeMilliseconds(1000))
            .Field("issue", (string?)null)
            .List("to", ["a", "b"])
            .ToArray();

        Assert.Equal(
            "telex-register/1 telegram-in\nsubject 6\nHéllo\nserial 3\n477\nreleased 4\n1000\nissue -\nto.count 1\n2\nto 1\na\nto 1\nb\n",
            Encoding.UTF8.GetString(content));
    }

    [Fact]
    public void Whatever_is_written_reads_back_field_for_field()
    {
        var names = Gen.String[Gen.Char.AlphaNumeric, 1, 12];
        var values = Gen.String.Null();
        Gen.Select(Gen.String[Gen.Char.AlphaNumeric, 1, 12], Gen.Select(names, values).Array[0, 8]).Sample((kind, fields) =>
        {
            var writer = new CanonicalWriter(kind);
            foreach (var (name, value) in fields)
            {
                writer.Field(name, value);
            }

            var reader = CanonicalReader.TryParse(writer.ToArray());
            Assert.NotNull(reader);
            Assert.Equal(kind, reader.Kind);
            foreach (var (name, value) in fields.DistinctBy(f => f.Item1))
            {
                Assert.Equal(value, reader.Get(name));
            }
        });
    }

    [Theory]
    [InlineData("")]
    [InlineData("telex-register/2 telegram-in\n")]
    [InlineData("telex-register/1 telegram-in\nsubject 9\nshort\n")]
    [InlineData("telex-register/1 telegram-in\nsubject 5\nshortX")]
    [InlineData("telex-register/1 telegram-in\nsubject five\nshort\n")]
    [InlineData("telex-register/1 telegram-in\nnospace\n")]
    public void Content_that_is_not_canonical_does_not_read(string content) =>
        Assert.Null(CanonicalReader.TryParse(Encoding.UTF8.GetBytes(content)));
}
