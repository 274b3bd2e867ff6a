namespace Telex.Core.Register;

/// <summary>
/// What a verification found, as it is found: problems at a chain position (reported in chain order), then rows no
/// entry of the chain records and second rows for one reference (reported after them, in the order found).
/// </summary>
/// <param name="rows">The rows being verified: a problem with a telegram or cable names its id and registry number.</param>
internal sealed class VerifyFindings(RegisterRows rows)
{
    private readonly List<VerifyProblem> _atPositions = [];
    private readonly List<VerifyProblem> _unrecorded = [.. rows.Duplicates];

    /// <summary>The position of the entry that first recorded each reference (filled by the chain walk).</summary>
    public Dictionary<string, long> RecordedAt { get; } = new(StringComparer.Ordinal);

    /// <summary>A problem at <paramref name="e"/> (or, without one, at the entry that recorded <paramref name="reference"/>).</summary>
    public void Add(RegisterEntry? e, string reference, string problem, string detail)
    {
        var t = rows.Telegrams.GetValueOrDefault(reference);
        long? number = t is not null ? (t.Direction == Direction.Inbound ? t.RegistryNumber : null)
            : rows.Cables.GetValueOrDefault(reference)?.RegistryNumber;
        Guid? id = t?.Id ?? (Guid.TryParse(reference.Split('/')[0], out var g) ? g : null);
        _atPositions.Add(new VerifyProblem(e?.Position ?? PositionOf(reference), reference, number, id, problem, detail));
    }

    /// <summary>A problem whose position is given.</summary>
    public void Add(VerifyProblem problem) => _atPositions.Add(problem);

    /// <summary>A row no entry of the chain records (or a second row for one reference).</summary>
    public void Unrecorded(VerifyProblem problem) => _unrecorded.Add(problem);

    /// <summary>The position of the entry that recorded <paramref name="reference"/>, or null.</summary>
    public long? PositionOf(string reference) => RecordedAt.TryGetValue(reference, out long p) ? p : null;

    /// <summary>Every problem: those at positions in chain order, then the unrecorded rows.</summary>
    public List<VerifyProblem> Ordered() => _atPositions.OrderBy(p => p.Position ?? long.MaxValue).Concat(_unrecorded).ToList();
}
