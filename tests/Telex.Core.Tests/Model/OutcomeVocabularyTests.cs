using Telex.Core.Model;

namespace Telex.Core.Tests.Model;

/// <summary>What an agency or a bureau may name its issue outcomes by.</summary>
public sealed class OutcomeVocabularyTests
{
    [Fact]
    public void The_default_vocabulary_is_the_cables_and_is_itself_valid()
    {
        Assert.Null(OutcomeVocabulary.Problem(OutcomeVocabulary.Default));
        Assert.Contains(new OutcomeTerm("premature", IssueStatus.Deferred), OutcomeVocabulary.Default);
        Assert.Contains(new OutcomeTerm("granted", IssueStatus.Agreed), OutcomeVocabulary.Default);
        Assert.Contains(new OutcomeTerm("referred", IssueStatus.Referred), OutcomeVocabulary.Default);
    }

    public static TheoryData<string, OutcomeTerm[], string?> Vocabularies => new()
    {
        { "one term", [new("settled", IssueStatus.Agreed)], null },
        { "digits and hyphens", [new("round-2", IssueStatus.Open)], null },
        { "empty", [], "a vocabulary has 1 to 50 outcomes" },
        { "too many", Enumerable.Range(0, 51).Select(i => new OutcomeTerm($"t{i}", IssueStatus.Open)).ToArray(), "a vocabulary has 1 to 50 outcomes" },
        { "uppercase", [new("Granted", IssueStatus.Agreed)], "\"Granted\" is not an outcome" },
        { "starts with a digit", [new("2nd", IssueStatus.Open)], "\"2nd\" is not an outcome" },
        { "a space", [new("not yet", IssueStatus.Deferred)], "\"not yet\" is not an outcome" },
        { "too long", [new(new string('a', 41), IssueStatus.Open)], "is not an outcome" },
        { "not a status", [new("odd", (IssueStatus)99)], "\"odd\" is not an outcome" },
        { "named twice", [new("granted", IssueStatus.Agreed), new("granted", IssueStatus.Closed)], "\"granted\" is named twice" },
        { "referred not referred", [new("referred", IssueStatus.Closed)], "\"referred\" can only mean referred" },
    };

    [Theory]
    [MemberData(nameof(Vocabularies))]
    public void A_vocabulary_is_refused_with_what_is_wrong(string @case, OutcomeTerm[] terms, string? problem)
    {
        string? found = OutcomeVocabulary.Problem(terms);
        if (problem is null)
        {
            Assert.True(found is null, $"{@case}: {found}");
        }
        else
        {
            Assert.True(found?.Contains(problem, StringComparison.Ordinal) == true, $"{@case}: {found}");
        }
    }

    [Fact]
    public void A_vocabulary_is_stored_and_read_back_unchanged_and_nothing_stored_reads_as_the_default()
    {
        OutcomeTerm[] terms = [new("premature", IssueStatus.Deferred), new("settled", IssueStatus.Agreed)];

        Assert.Equal(terms, OutcomeVocabulary.Parse(OutcomeVocabulary.Write(terms)));
        Assert.Same(OutcomeVocabulary.Default, OutcomeVocabulary.Parse(null));
    }
}
