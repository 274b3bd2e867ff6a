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
        { "every term retired", [new("settled", IssueStatus.Agreed, Retired: true)], "at least one outcome is not retired" },
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

    [Fact]
    public void A_stored_vocabulary_keeps_retired_terms_and_one_stored_without_the_flag_reads_as_offered()
    {
        OutcomeTerm[] terms = [new("settled", IssueStatus.Agreed), new("premature", IssueStatus.Deferred, Retired: true)];

        Assert.Equal(terms, OutcomeVocabulary.Parse(OutcomeVocabulary.Write(terms)));
        Assert.Equal([new OutcomeTerm("granted", IssueStatus.Agreed)], OutcomeVocabulary.Parse("[{\"term\":\"granted\",\"means\":\"agreed\"}]"));
    }

    [Fact]
    public void A_bureaus_vocabulary_only_grows_a_term_left_out_is_retired_and_a_terms_meaning_stays()
    {
        OutcomeTerm[] held = [new("noted", IssueStatus.Agreed), new("premature", IssueStatus.Deferred), new("referred", IssueStatus.Referred)];

        // Leaving "premature" out retires it; a new term is added; a retired term named again is offered again.
        var (terms, problem) = OutcomeVocabulary.Extend(held, [new("noted", IssueStatus.Agreed), new("settled", IssueStatus.Closed), new("referred", IssueStatus.Referred)]);
        Assert.Null(problem);
        Assert.Equal([new("noted", IssueStatus.Agreed), new("settled", IssueStatus.Closed), new("referred", IssueStatus.Referred),
            new OutcomeTerm("premature", IssueStatus.Deferred, Retired: true)], terms);
        Assert.Equal(held, OutcomeVocabulary.Extend(terms, held).Terms.Where(t => !t.Retired));

        // Another meaning for a held term, retired or not, is refused.
        var (none, meaning) = OutcomeVocabulary.Extend(terms, [new("premature", IssueStatus.Closed)]);
        Assert.Empty(none);
        Assert.Equal("\"premature\" means deferred in the bureau's outcomes and keeps that meaning (members file changes by it): retire it and add another term for the new meaning",
            meaning);

        // Retired terms count: a vocabulary cannot grow past the limit.
        var full = Enumerable.Range(0, OutcomeVocabulary.MaxTerms).Select(i => new OutcomeTerm($"t{i}", IssueStatus.Open)).ToArray();
        Assert.Contains("at most 50", OutcomeVocabulary.Extend(full, [new("other", IssueStatus.Open)]).Problem, StringComparison.Ordinal);
    }
}
