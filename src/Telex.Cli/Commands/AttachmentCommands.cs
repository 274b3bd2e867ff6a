using Telex.Core.Protocol;

namespace Telex.Cli.Commands;

/// <summary><c>telex attachment list | save</c>: a telegram's attachments, and saving one to a file.</summary>
internal static class AttachmentCommands
{
    public static Command Create(Globals globals)
    {
        var command = new Command("attachment", "A telegram's attachments: list them, save one to a file");
        command.Subcommands.Add(List(globals));
        command.Subcommands.Add(Save(globals));
        return command;
    }

    private static Argument<string> Telegram() => new("TELEGRAM") { Description = "The telegram's id (UUID) or its registry number here" };

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var telegram = Telegram();
        var command = client.AddTo(new Command("list", "List a telegram's attachments") { telegram });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var t = await FindTelegramAsync(api, parse.GetValue(telegram)!, ct).ConfigureAwait(false);
            var attachments = Attachments(t);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonArray(attachments.Select(a => JsonNode.Parse(a.GetRawText())).ToArray()));
                return ExitCodes.Ok;
            }

            if (attachments.Count == 0)
            {
                terminal.Line("the telegram has no attachments");
                return ExitCodes.Ok;
            }

            terminal.Table(["Name", "Type", "Bytes", "SHA-256"], attachments.Select(a => (IReadOnlyList<string?>)
                [a.Str("name"), a.Str("mediaType"), a.Str("size"), a.Str("sha256")]), null, 0);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Save(Globals globals)
    {
        var client = new ClientOptions();
        var telegram = Telegram();
        var name = new Argument<string>("NAME") { Description = "The attachment's name as telex attachment list shows it, or the start of its SHA-256" };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "The file to write, or a folder to write it into; - for standard output (default: its name, made a plain file name, here)",
            HelpName = "FILE",
        };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite a file that exists" };
        var command = client.AddTo(new Command("save", "Save an attachment of a telegram to a file; an existing file is kept unless --force")
        {
            telegram, name, output, force,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var t = await FindTelegramAsync(api, parse.GetValue(telegram)!, ct).ConfigureAwait(false);
            var attachment = Pick(Attachments(t), parse.GetValue(name)!);
            string sha256 = attachment.Str("sha256")!;
            string path = $"api/telegrams/{Uri.EscapeDataString(t.Str("id")!)}/attachments/{sha256}"
                + (t.Str("direction") is { } d ? "?direction=" + Uri.EscapeDataString(d) : "");
            byte[] content = await api.GetBytesAsync(path, ct).ConfigureAwait(false);

            string? target = parse.GetValue(output);
            if (target == "-")
            {
                Invocation.DataOnStdout();
                var stdout = Console.OpenStandardOutput();
                await using (stdout.ConfigureAwait(false))
                {
                    await stdout.WriteAsync(content, ct).ConfigureAwait(false);
                }

                return ExitCodes.Ok;
            }

            // The name came from a peer: only a plain file name in the folder chosen, never a path or a hidden file.
            string fileName = SafeFileName(attachment.Str("name"), sha256);
            string file = target is null ? fileName : Directory.Exists(target) ? Path.Combine(target, fileName) : target;
            await WriteAsync(file, content, parse.GetValue(force), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonObject
                {
                    ["file"] = Path.GetFullPath(file),
                    ["name"] = attachment.Str("name"),
                    ["bytes"] = content.Length,
                    ["sha256"] = sha256,
                });
            }
            else
            {
                terminal.Line(string.Create(CultureInfo.InvariantCulture, $"saved {attachment.Str("name")} ({content.Length} bytes) to {file}"));
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>
    /// A file name for an attachment named by a peer: its last path segment without control characters, without
    /// leading dots (no hidden file, no <c>..</c>), else <c>attachment-SHA256</c>.
    /// </summary>
    internal static string SafeFileName(string? name, string sha256)
    {
        string plain = AttachmentName.ForDownload(name, "").TrimStart('.').Trim();
        return plain.Length == 0 ? "attachment-" + sha256[..Math.Min(16, sha256.Length)] : plain;
    }

    private static async Task WriteAsync(string file, byte[] content, bool force, CancellationToken ct)
    {
        try
        {
            // CreateNew refuses an existing file (or a link by that name) in the same call that would create it.
            var stream = new FileStream(file, force ? FileMode.Create : FileMode.CreateNew, FileAccess.Write);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(content, ct).ConfigureAwait(false);
            }
        }
        catch (IOException) when (!force && (File.Exists(file) || new FileInfo(file).LinkTarget is not null))
        {
            throw new CliException(ExitCodes.Conflict, $"{file} exists; nothing was written (--force overwrites it, --out chooses another file)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.Usage, $"{file}: {e.Message}");
        }
    }

    private static List<JsonElement> Attachments(JsonElement telegram) =>
        telegram.TryGetProperty("attachments", out var list) && list.ValueKind == JsonValueKind.Array ? [.. list.EnumerateArray()] : [];

    /// <summary>The attachment named exactly, else by name in any case, else by the start of its SHA-256 (8 characters or more).</summary>
    private static JsonElement Pick(List<JsonElement> attachments, string wanted)
    {
        if (attachments.Count == 0)
        {
            throw new CliException(ExitCodes.NotFound, "the telegram has no attachments");
        }

        foreach (var match in new Func<JsonElement, bool>[]
        {
            a => string.Equals(a.Str("name"), wanted, StringComparison.Ordinal),
            a => string.Equals(a.Str("name"), wanted, StringComparison.OrdinalIgnoreCase),
            a => wanted.Length >= 8 && (a.Str("sha256")?.StartsWith(wanted, StringComparison.OrdinalIgnoreCase) ?? false),
        })
        {
            var found = attachments.Where(match).ToList();
            if (found.Count == 1)
            {
                return found[0];
            }

            if (found.Count > 1)
            {
                throw new CliException(ExitCodes.Usage, $"{found.Count} attachments match '{wanted}'; give the start of its SHA-256 (telex attachment list)");
            }
        }

        throw new CliException(ExitCodes.NotFound,
            $"the telegram has no attachment '{wanted}'; it has {string.Join(", ", attachments.Select(a => a.Str("name")))}");
    }

    /// <summary>A telegram by its id or its registry number here.</summary>
    private static async Task<JsonElement> FindTelegramAsync(ApiClient api, string text, CancellationToken ct)
    {
        string key = text.Trim().TrimStart('#', '№').Replace("Nº", "", StringComparison.Ordinal).Trim();
        if (Guid.TryParse(key, out var id))
        {
            return await api.GetAsync($"api/telegrams/{id}", ct).ConfigureAwait(false);
        }

        if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > 0)
        {
            return await api.GetAsync($"api/register/{number}", ct).ConfigureAwait(false);
        }

        throw new CliException(ExitCodes.Usage, $"'{text}' is neither a telegram id (UUID) nor a registry number");
    }
}
