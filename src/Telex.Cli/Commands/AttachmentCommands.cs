using Telex.Core.Protocol;

namespace Telex.Cli.Commands;

/// <summary><c>telex attachment list | save</c>: a telegram's attachments, and saving one to a file.</summary>
internal static class AttachmentCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("attachment", "A telegram's attachments: list them, save one to a file",
            List(globals), Save(globals));

    private static Argument<string> Telegram() => new("TELEGRAM") { Description = "The telegram's id (UUID) or its registry number here" };

    private static Command List(Globals globals)
    {
        var telegram = Telegram();
        return ClientCommand.Show(globals, new Command("list", "List a telegram's attachments") { telegram },
            async run => (await FindTelegramAsync(run, run.Value(telegram)).ConfigureAwait(false)).Attachments,
            (run, attachments) =>
            {
                if (attachments.Count == 0)
                {
                    run.Terminal.Line("the telegram has no attachments");
                    return;
                }

                run.Terminal.Table(["Name", "Type", "Bytes", "SHA-256"], attachments.Select(a => (IReadOnlyList<string?>)
                    [a.Name, a.MediaType, Terminal.Number(a.Size), a.Sha256]), null, 0);
            });
    }

    private static Command Save(Globals globals)
    {
        var telegram = Telegram();
        var name = new Argument<string>("NAME") { Description = "The attachment's name as telex attachment list shows it, or the start of its SHA-256" };
        var output = new Option<string?>("--out", "-o")
        {
            Description = "The file to write, or a folder to write it into; - for standard output (default: its name, made a plain file name, here)",
            HelpName = "FILE",
        };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite a file that exists" };
        var command = new Command("save", "Save an attachment of a telegram to a file; an existing file is kept unless --force")
        {
            telegram, name, output, force,
        };
        return ClientCommand.Create(globals, command, async run =>
        {
            var (terminal, ct) = (run.Terminal, run.Ct);
            var t = await FindTelegramAsync(run, run.Value(telegram)).ConfigureAwait(false);
            var attachment = Pick(t.Attachments, run.Value(name));
            byte[] content = await run.Call((api, c) => api.GetAttachmentAsync(t.Id, attachment.Sha256, t.Direction, c)).ConfigureAwait(false);

            string? target = run.Parse.GetValue(output);
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
            string fileName = SafeFileName(attachment.Name, attachment.Sha256);
            string file = target is null ? fileName : Directory.Exists(target) ? Path.Combine(target, fileName) : target;
            await WriteAsync(file, content, run.Value(force), ct).ConfigureAwait(false);
            return terminal.Report(
                new JsonObject { ["file"] = Path.GetFullPath(file), ["name"] = attachment.Name, ["bytes"] = content.Length, ["sha256"] = attachment.Sha256 },
                string.Create(CultureInfo.InvariantCulture, $"saved {attachment.Name} ({content.Length} bytes) to {file}"));
        });
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

    /// <summary>The attachment named exactly, else by name in any case, else by the start of its SHA-256 (8 characters or more).</summary>
    private static AttachmentView Pick(IReadOnlyList<AttachmentView> attachments, string wanted)
    {
        if (attachments.Count == 0)
        {
            throw new CliException(ExitCodes.NotFound, "the telegram has no attachments");
        }

        foreach (var match in new Func<AttachmentView, bool>[]
        {
            a => string.Equals(a.Name, wanted, StringComparison.Ordinal),
            a => string.Equals(a.Name, wanted, StringComparison.OrdinalIgnoreCase),
            a => wanted.Length >= 8 && a.Sha256.StartsWith(wanted, StringComparison.OrdinalIgnoreCase),
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
            $"the telegram has no attachment '{wanted}'; it has {string.Join(", ", attachments.Select(a => a.Name))}");
    }

    /// <summary>A telegram by its id or its registry number here.</summary>
    private static Task<TelegramView> FindTelegramAsync(ClientRun run, string text)
    {
        string key = text.Trim().TrimStart('#', '№').Replace("Nº", "", StringComparison.Ordinal).Trim();
        if (Guid.TryParse(key, out var id))
        {
            return run.Call((api, ct) => api.GetTelegramAsync(id, null, ct));
        }

        if (long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out long number) && number > 0)
        {
            return run.Call((api, ct) => api.GetRegisterEntryAsync(number, ct));
        }

        throw new CliException(ExitCodes.Usage, $"'{text}' is neither a telegram id (UUID) nor a registry number");
    }
}
