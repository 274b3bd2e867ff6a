using System.Text.Json.Serialization;

namespace Telex.Core.Model;

/// <summary>
/// The outcomes an agency names its issue changes by. A change carries a term and a text; the term is the deciding
/// agency's, so a counterpart files terms it does not use itself. The default set is that of the 1949 cable's issues
/// (premature, granted, referred) and the ordinary ones besides.
/// </summary>
public static class OutcomeVocabulary
{
    /// <summary>Longest term.</summary>
    public const int MaxTermLength = 40;

    /// <summary>Most terms a vocabulary holds.</summary>
    public const int MaxTerms = 50;

    /// <summary>The settings key the agency's vocabulary is kept under.</summary>
    public const string SettingKey = "issues.outcomes";

    /// <summary>The vocabulary an agency starts with.</summary>
    public static IReadOnlyList<OutcomeTerm> Default { get; } =
    [
        new("open", IssueStatus.Open),
        new("premature", IssueStatus.Deferred),
        new("granted", IssueStatus.Agreed),
        new("agreed", IssueStatus.Agreed),
        new("deferred", IssueStatus.Deferred),
        new("referred", IssueStatus.Referred),
        new("closed", IssueStatus.Closed),
    ];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>Whether <paramref name="term"/> is well formed: a lowercase letter, then lowercase letters, digits or hyphens.</summary>
    public static bool IsTerm(string? term) =>
        term is { Length: > 0 and <= MaxTermLength } && char.IsAsciiLetterLower(term[0])
        && term.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>What is wrong with a vocabulary, or null: a well-formed term each, no term twice, <c>referred</c> meaning referred.</summary>
    public static string? Problem(IReadOnlyList<OutcomeTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (terms.Count is 0 or > MaxTerms)
        {
            return $"a vocabulary has 1 to {MaxTerms} outcomes";
        }

        if (terms.Any(t => t is null))
        {
            return "each outcome is a term and the status it means";
        }

        if (terms.FirstOrDefault(t => !IsTerm(t.Term) || !Enum.IsDefined(t.Means)) is { } bad)
        {
            return $"\"{bad.Term}\" is not an outcome: lowercase letters, digits and hyphens, starting with a letter, at most {MaxTermLength}";
        }

        if (terms.GroupBy(t => t.Term, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            return $"\"{twice.Key}\" is named twice";
        }

        if (terms.All(t => t.Retired))
        {
            return "at least one outcome is not retired: officers need one to record a change by";
        }

        return terms.Any(t => t.Term == "referred" && t.Means != IssueStatus.Referred) ? "\"referred\" can only mean referred" : null;
    }

    /// <summary>
    /// A bureau's next vocabulary from the one <paramref name="held"/> and the one <paramref name="next"/> asked for: a
    /// term once in it keeps its meaning and stays, so a term <paramref name="next"/> leaves out is kept as retired
    /// (members still file changes by it that were on their way). The problem, with no vocabulary, when
    /// <paramref name="next"/> gives a held term another meaning or the result is not well formed.
    /// </summary>
    public static (IReadOnlyList<OutcomeTerm> Terms, string? Problem) Extend(IReadOnlyList<OutcomeTerm> held, IReadOnlyList<OutcomeTerm> next)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(next);
        if (Problem(next) is { } problem)
        {
            return ([], problem);
        }

        var meanings = held.ToDictionary(t => t.Term, t => t.Means, StringComparer.Ordinal);
        if (next.FirstOrDefault(t => meanings.TryGetValue(t.Term, out var means) && means != t.Means) is { } changed)
        {
            return ([], $"\"{changed.Term}\" means {meanings[changed.Term].ToString().ToLowerInvariant()} in the bureau's outcomes and keeps that meaning "
                + "(members file changes by it): retire it and add another term for the new meaning");
        }

        var named = next.Select(t => t.Term).ToHashSet(StringComparer.Ordinal);
        List<OutcomeTerm> terms = [.. next, .. held.Where(t => !named.Contains(t.Term)).Select(t => t with { Retired = true })];
        return terms.Count > MaxTerms
            ? ([], $"the bureau's outcomes would hold {terms.Count} terms, retired ones included (at most {MaxTerms}): a term once in them stays")
            : (terms, null);
    }

    /// <summary>Reads a stored vocabulary; the default when none is stored.</summary>
    public static IReadOnlyList<OutcomeTerm> Parse(string? stored) =>
        stored is null ? Default : JsonSerializer.Deserialize<List<OutcomeTerm>>(stored, Json) ?? (IReadOnlyList<OutcomeTerm>)Default;

    /// <summary>Writes a vocabulary for storing.</summary>
    public static string Write(IReadOnlyList<OutcomeTerm> terms) => JsonSerializer.Serialize(terms, Json);
}

/// <summary>
/// The outcomes a bureau's issues are named by, as its secretariat set them: the same at every member. A member keeps
/// the vocabulary of the highest <paramref name="Version"/> it has received.
/// </summary>
/// <param name="BureauId">The bureau.</param>
/// <param name="Version">Counted up by the secretariat at each change, from 1.</param>
/// <param name="Terms">The outcomes.</param>
public sealed record BureauOutcomes(Guid BureauId, long Version, IReadOnlyList<OutcomeTerm> Terms);
