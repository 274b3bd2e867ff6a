namespace Telex.Core.Register;

/// <summary>
/// The rows of a register snapshot by the reference its chain records them under (issues by id); a second row for
/// one reference is kept in <see cref="Duplicates"/>, and the first one indexed.
/// </summary>
internal sealed class RegisterRows
{
    public RegisterRows(RegisterSnapshot register)
    {
        Index(register.Telegrams, Telegrams, t => RegisterChain.TelegramReference(t.Id, t.Direction), "telegram", id: t => t.Id);
        Index(register.Cables, Cables, c => RegisterChain.CableReference(c.Id), "imported cable", number: c => c.RegistryNumber);
        Index(register.Issues, Issues, i => i.Id, "issue", reference: i => RegisterChain.IssueReference(i.Id));
        Index(register.IssueEvents, Events, RegisterChain.IssueEventReference, "issue event");
        Index(register.ClearanceLog, Steps, RegisterChain.ClearanceReference, "clearance step");
    }

    /// <summary>A second row for a reference already indexed, as a problem.</summary>
    public List<VerifyProblem> Duplicates { get; } = [];

    public Dictionary<string, TelegramRecord> Telegrams { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ImportedCable> Cables { get; } = new(StringComparer.Ordinal);

    /// <summary>Issues by id.</summary>
    public Dictionary<string, Issue> Issues { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IssueEvent> Events { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ClearanceLogRow> Steps { get; } = new(StringComparer.Ordinal);

    /// <summary>Indexes <paramref name="source"/> by <paramref name="key"/>; a second row for one key goes to <see cref="Duplicates"/>.</summary>
    private void Index<T>(IEnumerable<T> source, Dictionary<string, T> into, Func<T, string> key, string what,
        Func<T, string>? reference = null, Func<T, long?>? number = null, Func<T, Guid?>? id = null)
    {
        foreach (var row in source)
        {
            string k = key(row);
            if (!into.TryAdd(k, row))
            {
                Duplicates.Add(new VerifyProblem(null, reference?.Invoke(row) ?? k, number?.Invoke(row), id?.Invoke(row), "inserted", $"a second row for the same {what}"));
            }
        }
    }
}
