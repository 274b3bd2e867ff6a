namespace Telex;

/// <summary>One outcome an agency names issues by: the term (<c>premature</c>) and the status it puts the issue in.</summary>
/// <param name="Term">Lowercase letters, digits and hyphens, starting with a letter; at most 40 characters (the agency's vocabulary checks it).</param>
/// <param name="Means">The status an issue given this outcome stands in.</param>
/// <param name="Retired">
/// No longer offered for new changes here, but still a term of the vocabulary: changes by it from others are filed as
/// before. A bureau's outcomes only grow, so every member files the same changes whichever version of them it holds.
/// </param>
public sealed record OutcomeTerm(string Term, IssueStatus Means, bool Retired = false);
