namespace Telex.Core.Register;

/// <summary>
/// After the chain walk: every row of the register must be one an entry records, and each telegram's and issue's row
/// must stand where the state changes and events the chain records leave it.
/// </summary>
internal static class RowChecks
{
    public static void Check(RegisterRows rows, IReadOnlyList<IssueEvent> issueEvents, ChainWalk walk, VerifyFindings findings)
    {
        foreach (var (reference, t) in rows.Telegrams)
        {
            if (!findings.RecordedAt.ContainsKey(reference))
            {
                findings.Unrecorded(new VerifyProblem(null, reference, t.Direction == Direction.Inbound ? t.RegistryNumber : null, t.Id, "inserted",
                    "a telegram no entry of the chain records"));
                continue;
            }

            var s = walk.States.GetValueOrDefault(reference) ?? new TelegramState();
            string? mismatch = StateMismatch(t, s);
            if (mismatch is not null)
            {
                findings.Add(null, reference, "changed", mismatch);
            }
        }

        Unrecorded(rows.Cables, c => c.RegistryNumber, "an imported cable", findings);
        Unrecorded(rows.Events, _ => null, "an issue event", findings);
        Unrecorded(rows.Steps, _ => null, "a clearance step", findings);

        var eventsOf = issueEvents.ToLookup(ev => ev.IssueId, StringComparer.Ordinal);
        foreach (var (id, issue) in rows.Issues)
        {
            string reference = RegisterChain.IssueReference(id);
            var own = eventsOf[id].ToList();
            if (own.Count == 0)
            {
                findings.Unrecorded(new VerifyProblem(null, reference, null, null, "inserted", "an issue with no event the chain records"));
                continue;
            }

            string? mismatch = IssueMismatch(issue, own);
            if (mismatch is not null)
            {
                findings.Add(new VerifyProblem(walk.LastOfIssue.TryGetValue(id, out long p) ? p : null, reference, null, null, "changed", mismatch));
            }
        }
    }

    /// <summary>Each row of <paramref name="rows"/> that no entry of the chain records, as a finding.</summary>
    private static void Unrecorded<T>(Dictionary<string, T> rows, Func<T, long?> registryNumber, string what, VerifyFindings findings)
    {
        foreach (var (reference, row) in rows)
        {
            if (!findings.RecordedAt.ContainsKey(reference))
            {
                findings.Unrecorded(new VerifyProblem(null, reference, registryNumber(row), null, "inserted", what + " no entry of the chain records"));
            }
        }
    }

    /// <summary>
    /// Whether an issue's row is what its events imply: opened as its opening event says, and standing where its
    /// greatest event (<see cref="IssueEvent.Order"/>, the rule the store applies) puts it. Returns what differs, or null.
    /// </summary>
    private static string? IssueMismatch(Issue issue, List<IssueEvent> events)
    {
        var greatest = events.Max(IssueEvent.Order)!;
        var openings = events.Where(e => e.IsOpening).ToList();
        if (openings.Count != 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the issue has {openings.Count} opening events");
        }

        var opening = openings[0];
        if (issue.Title != opening.Title || issue.OpenedBy != opening.Agency || issue.OpenedAt.ToUnixTimeMilliseconds() != opening.At.ToUnixTimeMilliseconds())
        {
            return "its title, opener or opening time differs from its opening event";
        }

        if (issue.Status != greatest.Status)
        {
            return $"its status {Lower(issue.Status)} is not what its events imply ({Lower(greatest.Status)})";
        }

        if (issue.Outcome != greatest.Outcome || issue.ReferredTo != greatest.ReferredTo || issue.Term != greatest.Term)
        {
            return "its outcome or the agency it is referred to is not what its events imply";
        }

        return issue.Clock != greatest.Clock || issue.ChangedAt.ToUnixTimeMilliseconds() != greatest.At.ToUnixTimeMilliseconds()
            ? "its clock or time of change is not that of its latest event"
            : null;
    }

    private static string Lower(IssueStatus status) => status.ToString().ToLowerInvariant();

    private static string? StateMismatch(TelegramRecord t, TelegramState s)
    {
        if (t.Direction == Direction.Inbound)
        {
            if (t.Status != TelegramStatus.Registered)
            {
                return $"status {t.Status} on an inbound telegram";
            }

            if (t.ReadAt?.ToUnixTimeMilliseconds() != s.ReadAt?.ToUnixTimeMilliseconds())
            {
                return "its read time differs from the one recorded";
            }

            if ((t.Receipt is null ? null : CanonicalWriter.Sha256Hex(t.Receipt)) != s.IssuedReceipt)
            {
                return "its receipt differs from the one recorded as issued";
            }

            return t.DeliveredAt is not null || t.PeerRegistryNumber is not null || t.FailureReason is not null
                ? "delivery fields set on an inbound telegram"
                : null;
        }

        bool delivered = s.DeliveredAt is not null && !s.Failed;
        var expectedStatus = delivered ? TelegramStatus.Delivered : s.Failed ? TelegramStatus.Failed : (TelegramStatus?)null;
        if (expectedStatus is { } status ? t.Status != status : t.Status is not (TelegramStatus.Queued or TelegramStatus.Sent))
        {
            return $"its status {t.Status.ToString().ToLowerInvariant()} is not what the register recorded";
        }

        if ((t.Receipt is null ? null : CanonicalWriter.Sha256Hex(t.Receipt)) != (delivered ? s.Receipt : null) && (delivered || t.Receipt is not null))
        {
            return "its receipt differs from the one recorded";
        }

        if (t.PeerRegistryNumber != (delivered ? s.PeerRegistryNumber : null) && (delivered || t.PeerRegistryNumber is not null))
        {
            return "its recipient's registry number differs from the one recorded";
        }

        if (delivered && t.DeliveredAt?.ToUnixTimeMilliseconds() != s.DeliveredAt?.ToUnixTimeMilliseconds())
        {
            return "its delivery time differs from the one recorded";
        }

        if (t.FailureReason != s.FailureReason)
        {
            return "its failure reason differs from the one recorded";
        }

        return t.ReadAt is not null ? "a read time on an outbound telegram" : null;
    }
}
