using System.Text;
using System.Text.Json.Serialization;

namespace Telex.Core.Register;

/// <summary>
/// The register as JSON Lines (docs/ARCHITECTURE.md, "Export"): one object per line, each with a <c>type</c>.
/// First a <c>header</c>, then every <c>entry</c> of the chain in order, every <c>telegram</c> (plaintext, signed
/// original and receipt included, base64), every imported <c>cable</c>, every <c>checkpoint</c>, every <c>issue</c>
/// (as it stands, with its events in the order they were filed) and every <c>draft</c> (as it stands, with its clearance
/// log). A fresh agency imports it and verifies it with the same result.
/// </summary>
public static class RegisterExport
{
    /// <summary>The format named in the header.</summary>
    public const string Format = "telex-register-export/1";

    /// <summary>Largest line accepted on import. Default 96 MiB: a telegram with attachments, base64 twice, fits.</summary>
    public const int MaxLineBytes = 96 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // A field a record takes without a default must stand in its line (as a required property must): a line
        // without it is refused rather than read as null or zero.
        RespectRequiredConstructorParameters = true,
    };

    /// <summary>Writes <paramref name="register"/> of agency <paramref name="agencyDid"/> to <paramref name="output"/>.</summary>
    public static async Task WriteAsync(Stream output, RegisterSnapshot register, string agencyDid, string agencyName, DateTimeOffset at,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(register);
        var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            async Task Line(string type, string name, object value, (string Name, object Value)? beside = null)
            {
                var node = new JsonObject { ["type"] = type, [name] = JsonSerializer.SerializeToNode(value, value.GetType(), Json) };
                if (beside is { } extra)
                {
                    node[extra.Name] = JsonSerializer.SerializeToNode(extra.Value, extra.Value.GetType(), Json);
                }

                await writer.WriteLineAsync(node.ToJsonString()).ConfigureAwait(false);
            }

            await Line("header", "header", new ExportHeader(Format, register.OriginDid ?? agencyDid, agencyName, at, register.Entries.Count,
                register.Entries.Count > 0 ? register.Entries[^1].Hash : RegisterChain.Genesis)).ConfigureAwait(false);
            foreach (var e in register.Entries)
            {
                ct.ThrowIfCancellationRequested();
                await Line("entry", "entry", e).ConfigureAwait(false);
            }

            foreach (var t in register.Telegrams)
            {
                ct.ThrowIfCancellationRequested();
                await Line("telegram", "telegram", t).ConfigureAwait(false);
            }

            foreach (var c in register.Cables)
            {
                await Line("cable", "cable", c).ConfigureAwait(false);
            }

            foreach (var c in register.Checkpoints)
            {
                await Line("checkpoint", "checkpoint", c).ConfigureAwait(false);
            }

            var events = register.IssueEvents.ToLookup(e => e.IssueId, StringComparer.Ordinal);
            foreach (var issue in register.Issues)
            {
                ct.ThrowIfCancellationRequested();
                await Line("issue", "issue", issue, ("events", events[issue.Id].ToList())).ConfigureAwait(false);
            }

            var log = register.ClearanceLog.ToLookup(l => l.Step.DraftId);
            foreach (var draft in register.Drafts)
            {
                ct.ThrowIfCancellationRequested();
                await Line("draft", "draft", draft, ("log", log[draft.Id].ToList())).ConfigureAwait(false);
            }

            var epochs = register.BureauEpochs.ToLookup(e => e.BureauId);
            foreach (var bureau in register.Bureaus)
            {
                await Line("bureau", "bureau", bureau, ("epochs", epochs[bureau.Id].ToList())).ConfigureAwait(false);
            }

            await writer.FlushAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads an export. Returns the register and the header's agency, or null and the line at fault; nothing of a bad
    /// file is used.
    /// </summary>
    public static async Task<(RegisterSnapshot? Register, ExportHeader? Header, string? Error)> ReadAsync(Stream input, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var reader = new StreamReader(input, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, 1 << 16, leaveOpen: true);
        ExportHeader? header = null;
        var entries = new List<RegisterEntry>();
        var telegrams = new List<TelegramRecord>();
        var cables = new List<ImportedCable>();
        var checkpoints = new List<Checkpoint>();
        var issues = new List<Issue>();
        var issueEvents = new List<IssueEvent>();
        var drafts = new List<DraftRecord>();
        var clearanceLog = new List<ClearanceLogRow>();
        var bureaus = new List<Bureau>();
        var bureauEpochs = new List<BureauEpoch>();
        int number = 0;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            number++;
            string At(string why) => string.Create(CultureInfo.InvariantCulture, $"line {number}: {why}");
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Length > MaxLineBytes)
            {
                return (null, null, At("the line is too long"));
            }

            try
            {
                var node = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not a JSON object");
                string type = node["type"]?.GetValue<string>() ?? throw new JsonException("no type");
                if (header is null && type != "header")
                {
                    return (null, null, At("the export must start with its header"));
                }

                // A listing whose items belong to another record is refused naming the record.
                string? stray = null;
                switch (type)
                {
                    case "header":
                        if (header is not null)
                        {
                            return (null, null, At("a second header"));
                        }

                        header = Read<ExportHeader>(node, "header");
                        if (header.Format != Format)
                        {
                            return (null, null, At($"format '{header.Format}' is not {Format}"));
                        }

                        break;
                    case "entry":
                        entries.Add(Read<RegisterEntry>(node, "entry"));
                        break;
                    case "telegram":
                        telegrams.Add(Read<TelegramRecord>(node, "telegram"));
                        break;
                    case "cable":
                        cables.Add(Read<ImportedCable>(node, "cable"));
                        break;
                    case "checkpoint":
                        checkpoints.Add(Read<Checkpoint>(node, "checkpoint"));
                        break;
                    case "issue":
                        stray = ReadListing(node, "issue", issues, "events", issueEvents, (i, e) => e is not null && e.IssueId == i.Id,
                            i => $"an event listed under issue {i.Id} belongs to another issue");
                        break;
                    case "draft":
                        stray = ReadListing(node, "draft", drafts, "log", clearanceLog, (d, l) => l?.Step is not null && l.Step.DraftId == d.Id,
                            d => $"a clearance step listed under draft {d.Id} belongs to another draft");
                        break;
                    case "bureau":
                        stray = ReadListing(node, "bureau", bureaus, "epochs", bureauEpochs, (b, e) => e is not null && e.BureauId == b.Id,
                            b => $"an epoch listed under bureau {b.Id} belongs to another bureau");
                        break;
                    default:
                        return (null, null, At($"unknown line type '{type}'"));
                }

                if (stray is not null)
                {
                    return (null, null, At(stray));
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
            {
                return (null, null, At("not a valid export line: " + e.Message));
            }
        }

        if (header is null)
        {
            return (null, null, "the file is empty; an export starts with its header");
        }

        if (header.Entries != entries.Count)
        {
            return (null, null, string.Create(CultureInfo.InvariantCulture, $"the header announces {header.Entries} entries but the file holds {entries.Count}"));
        }

        return (new RegisterSnapshot
        {
            OriginDid = header.Agency,
            Entries = entries,
            Telegrams = telegrams,
            Cables = cables,
            Checkpoints = checkpoints,
            Issues = issues,
            IssueEvents = InFilingOrder(issueEvents, entries),
            Drafts = drafts,
            ClearanceLog = clearanceLog.OrderBy(l => l.Seq).ToList(),
            Bureaus = bureaus,
            BureauEpochs = bureauEpochs,
        }, header, null);
    }

    /// <summary>Issue events in the order their entries stand in the chain (the order they were filed); any others last.</summary>
    private static List<IssueEvent> InFilingOrder(List<IssueEvent> events, List<RegisterEntry> entries)
    {
        var position = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            position.TryAdd(e.Reference, e.Position);
        }

        return events.OrderBy(e => position.TryGetValue(RegisterChain.IssueEventReference(e), out long p) ? p : long.MaxValue).ToList();
    }

    /// <summary>
    /// Reads a line holding a record (<paramref name="name"/>) and what is listed under it (<paramref name="listName"/>) into
    /// <paramref name="records"/> and <paramref name="listed"/>. When one listed is not the record's
    /// (<paramref name="belongs"/>), nothing is added and the answer says why (<paramref name="stray"/>); null otherwise.
    /// </summary>
    private static string? ReadListing<T, TListed>(JsonObject node, string name, List<T> records, string listName, List<TListed> listed,
        Func<T, TListed?, bool> belongs, Func<T, string> stray)
    {
        var record = Read<T>(node, name);
        var list = Read<List<TListed>>(node, listName);
        if (!list.All(item => belongs(record, item)))
        {
            return stray(record);
        }

        records.Add(record);
        listed.AddRange(list);
        return null;
    }

    private static T Read<T>(JsonObject node, string name) =>
        (node[name] ?? throw new JsonException($"no '{name}'")).Deserialize<T>(Json) ?? throw new JsonException($"'{name}' is null");
}

/// <summary>The first line of an export.</summary>
/// <param name="Format">Always <see cref="RegisterExport.Format"/>.</param>
/// <param name="Agency">The DID of the agency whose chain it is.</param>
/// <param name="Name">That agency's name.</param>
/// <param name="ExportedAt">When it was written.</param>
/// <param name="Entries">Chain entries that follow.</param>
/// <param name="Head">The chain's head hash.</param>
public sealed record ExportHeader(string Format, string Agency, string Name, DateTimeOffset ExportedAt, long Entries, string Head);
