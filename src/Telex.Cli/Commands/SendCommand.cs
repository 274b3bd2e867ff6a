using Microsoft.AspNetCore.StaticFiles;

namespace Telex.Cli.Commands;

/// <summary><c>telex send</c>: releases a telegram to a counterpart.</summary>
internal static class SendCommand
{
    /// <summary>The precedences, lowest first.</summary>
    public static readonly string[] Precedences = ["routine", "priority", "immediate", "flash"];

    /// <summary>Largest text or attachment read from disk: the agency's default request limit (64 MiB).</summary>
    private const long MaxFileBytes = 64L * 1024 * 1024;

    /// <summary>The media type of an attachment by its extension, from the same table ASP.NET Core serves static files with.</summary>
    private static readonly FileExtensionContentTypeProvider MediaTypes = new();

    public static Command Create(Globals globals) => Build(globals, draft: false);

    /// <summary>A precedence as the command line names it (one of <see cref="Precedences"/>).</summary>
    public static Precedence PrecedenceOf(string name) => Enum.Parse<Precedence>(name, ignoreCase: true);

    /// <summary><c>telex draft submit</c>: the same fields, submitted for clearance instead of released.</summary>
    public static Command CreateSubmit(Globals globals) => Build(globals, draft: true);

    private static Command Build(Globals globals, bool draft)
    {
        var to = new Option<string>("--to") { Description = "The counterpart: its DID or its name", Required = true, HelpName = "DID|NAME" };
        var subject = new Option<string>("--subject", "-s") { Description = "The subject line", Required = true, HelpName = "TEXT" };
        var body = new Option<string?>("--body", "-b") { Description = "The text (else --body-file, else stdin)", HelpName = "TEXT" };
        var bodyFile = new Option<FileInfo>("--body-file") { Description = "Read the text from a file", HelpName = "FILE" };
        var precedence = new Option<string>("--precedence", "-p") { Description = "How urgent", DefaultValueFactory = _ => "routine" };
        precedence.AcceptOnlyFromAmong(Precedences);
        var issue = new Option<string?>("--issue", "-i") { Description = "The issue (thread) the telegram belongs to", HelpName = "ID" };
        var onBehalfOf = new Option<string?>("--on-behalf-of") { Description = "The originator, when sending for someone else", HelpName = "WHO" };
        var attendees = new Option<string[]>("--attendee") { Description = "Someone present when the information was passed (repeatable)", HelpName = "NAME" };
        var references = new Option<Guid[]>("--reference") { Description = "An earlier telegram's id referred to (repeatable)", HelpName = "ID" };
        var attachments = new Option<FileInfo[]>("--attach", "-a") { Description = "A file to attach (repeatable)", HelpName = "FILE" };
        attachments.AcceptExistingOnly();
        bodyFile.AcceptExistingOnly();
        var wait = new Option<bool>("--wait") { Description = "Wait for the recipient's signed receipt" };
        var via = new Option<string?>("--via")
        {
            Description = "Send through this relay (an established tie whose terms permit relays), by DID or name; without it, a recipient "
                + "without an established tie is reached through a relay the directory knows it is tied with",
            HelpName = "AGENCY",
        };
        var idempotencyKey = new Option<string?>("--idempotency-key")
        {
            Description = "The request's client id (Idempotency-Key): the agency releases once per key, so a script that retries passes the same "
                + "one (default a new UUID; a connection lost before the answer is retried once with it)",
            HelpName = "KEY",
        };
        var timeout = TieCommands.Timeout();
        var command = draft
            ? new Command("submit", "Submit a telegram for clearance; once every clearance is given it waits, cleared, until a releasing officer runs telex draft release ID")
            {
                to, subject, body, bodyFile, precedence, issue, onBehalfOf, attendees, references, attachments,
            }
            : new Command("send", "Release a telegram to a counterpart")
            {
                to, subject, body, bodyFile, precedence, issue, onBehalfOf, attendees, references, attachments, wait, timeout, via, idempotencyKey,
            };
        return ClientCommand.Create(globals, command, async run =>
        {
            var parse = run.Parse;
            string text = await ReadBodyAsync(parse.GetValue(body), parse.GetValue(bodyFile), run.Ct).ConfigureAwait(false);
            var files = parse.GetValue(attachments) ?? [];
            var api = run.Api;
            string recipient = await run.CounterpartAsync(parse.GetValue(to)!).ConfigureAwait(false);
            var request = new SendTelegramRequest(
                To: recipient,
                Subject: parse.GetValue(subject),
                Body: text,
                Precedence: PrecedenceOf(parse.GetValue(precedence)!),
                IssueId: parse.GetValue(issue),
                OnBehalfOf: parse.GetValue(onBehalfOf),
                Attendees: parse.GetValue(attendees) ?? [],
                References: parse.GetValue(references) ?? [],
                Attachments: null,
                Via: draft ? null : parse.GetValue(via));

            var answer = await run.Terminal.WithStatusAsync(files.Length > 0 ? "Reading attachments…" : draft ? "Submitting…" : "Releasing…", async status =>
            {
                if (files.Length > 0)
                {
                    request = request with { Attachments = await ReadAttachmentsAsync(files, run.Ct).ConfigureAwait(false) };
                    status($"{(draft ? "Submitting" : "Releasing")} with {files.Length} attachment{(files.Length == 1 ? "" : "s")}…");
                }

                if (draft)
                {
                    return (Draft: await run.Call((c, t) => c.SubmitDraftAsync(request, t)).ConfigureAwait(false), Telegram: (TelegramView?)null);
                }

                // A send carries a client request id, so that the retry after a lost connection cannot release it twice.
                string key = parse.GetValue(idempotencyKey) ?? Guid.NewGuid().ToString();
                var released = await run.Call((c, t) => c.SendTelegramAsync(request, key, t)).ConfigureAwait(false);
                if (parse.GetValue(wait))
                {
                    status("Waiting for the recipient's receipt…");
                    released = await WaitForDeliveryAsync(api, released.Id, TieCommands.TimeoutOf(parse, timeout), run.Ct).ConfigureAwait(false);
                }

                return (Draft: (DraftView?)null, Telegram: released);
            }).ConfigureAwait(false);

            return answer.Draft is { } submitted
                ? run.Print(submitted, d => ClearanceCommands.PrintDraft(run.Terminal, d))
                : run.Print(answer.Telegram!, telegram => run.Terminal.Fields(
                [
                    ("Telegram", telegram.Id.ToString()),
                    ("To", telegram.CounterpartName is { Length: > 0 } name ? name : telegram.Counterpart is { Length: > 0 } did ? did : recipient),
                    ("Serial", Terminal.Number(telegram.Serial)),
                    ("Precedence", Terminal.Word(telegram.Precedence)),
                    ("Status", Terminal.Word(telegram.Status)),
                    ("Relayed through", telegram.RelayPath.Count > 0 ? string.Join(", ", telegram.RelayPath.Select(Terminal.NameOf)) : null),
                    ("Registered there as", telegram.PeerRegistryNumber is { } n ? $"Nº {n}" : null),
                ]));
        }, connectFirst: false);
    }

    /// <summary>
    /// Waits until a receipt confirms delivery of an outbound telegram, it fails, or <paramref name="timeout"/> passes: listens
    /// on the agency's event stream for <c>telegram.delivered</c> (or <c>telegram.failed</c>) of that telegram, reading the
    /// telegram once the stream is open (its receipt may have come before) and again when its event arrives.
    /// </summary>
    internal static async Task<TelegramView> WaitForDeliveryAsync(ApiClient api, Guid id, TimeSpan timeout, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        TelegramView? telegram = null;
        try
        {
            // The stream may end (the node stops, the session expires): the telegram is read again and the stream reopened.
            while (telegram is null || !Settled(telegram))
            {
                using var listening = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var arrival = api.CallAsync(async (client, stop) =>
                {
                    await foreach (var item in client.EventsAsync(() => connected.TrySetResult(), stop).ConfigureAwait(false))
                    {
                        if (item.EventType is "telegram.delivered" or "telegram.failed" && item.Data.TelegramId == id)
                        {
                            return true;
                        }
                    }

                    return false;
                }, listening.Token);
                if (await Task.WhenAny(connected.Task, arrival).ConfigureAwait(false) == arrival)
                {
                    await arrival.ConfigureAwait(false);
                }

                telegram = await ReadOutboundAsync(api, id, ct).ConfigureAwait(false);
                if (Settled(telegram))
                {
                    await listening.CancelAsync().ConfigureAwait(false);
                    try
                    {
                        await arrival.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (listening.IsCancellationRequested)
                    {
                    }
                }
                else
                {
                    await arrival.ConfigureAwait(false);
                    telegram = await ReadOutboundAsync(api, id, ct).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            telegram = await ReadOutboundAsync(api, id, ct).ConfigureAwait(false);
            if (!Settled(telegram))
            {
                throw new CliException(ExitCodes.Unreachable,
                    $"telegram {id} is released and {Terminal.Word(telegram.Status)}, but no receipt arrived within {timeout.TotalSeconds:0} s; the agency keeps trying");
            }
        }

        return telegram.Status == TelegramStatus.Failed
            ? throw new CliException(ExitCodes.Unreachable, $"telegram {id} failed: {telegram.FailureReason ?? "not delivered before it expired"}")
            : telegram;
    }

    private static bool Settled(TelegramView telegram) => telegram.Status is TelegramStatus.Delivered or TelegramStatus.Failed;

    private static Task<TelegramView> ReadOutboundAsync(ApiClient api, Guid id, CancellationToken ct) =>
        api.CallAsync((client, c) => client.GetTelegramAsync(id, Direction.Outbound, c), ct);

    internal static async Task<string> ReadBodyAsync(string? body, FileInfo? file, CancellationToken ct)
    {
        if (body is not null && file is not null)
        {
            throw new CliException(ExitCodes.Usage, "give the text with --body or --body-file, not both");
        }

        if (body is not null)
        {
            return body;
        }

        if (file is not null)
        {
            CheckSize(file);
            return await File.ReadAllTextAsync(file.FullName, Encoding.UTF8, ct).ConfigureAwait(false);
        }

        if (!Console.IsInputRedirected)
        {
            throw new CliException(ExitCodes.Usage, "no text: give --body, --body-file, or pipe the text on stdin");
        }

        var buffer = new char[64 * 1024];
        var text = new StringBuilder();
        int read;
        while ((read = await Console.In.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
        {
            text.Append(buffer, 0, read);
            if (text.Length > MaxFileBytes)
            {
                throw new CliException(ExitCodes.Usage, $"the text on stdin is larger than {MaxFileBytes / (1024 * 1024)} MiB");
            }
        }

        return text.Length > 0 && !string.IsNullOrWhiteSpace(text.ToString())
            ? text.ToString()
            : throw new CliException(ExitCodes.Usage, "no text on stdin: give --body, --body-file, or pipe the text");
    }

    private static async Task<List<AttachmentUpload>> ReadAttachmentsAsync(FileInfo[] files, CancellationToken ct)
    {
        var array = new List<AttachmentUpload>();
        long total = 0;
        foreach (var file in files)
        {
            CheckSize(file);
            total += file.Length;
            if (total > MaxFileBytes)
            {
                throw new CliException(ExitCodes.Usage, $"the attachments together are larger than {MaxFileBytes / (1024 * 1024)} MiB");
            }

            byte[] content = await File.ReadAllBytesAsync(file.FullName, ct).ConfigureAwait(false);
            array.Add(new AttachmentUpload(file.Name, MediaTypes.TryGetContentType(file.Name, out string? mediaType) ? mediaType : "application/octet-stream",
                Convert.ToBase64String(content)));
        }

        return array;
    }

    private static void CheckSize(FileInfo file)
    {
        if (file.Length > MaxFileBytes)
        {
            throw new CliException(ExitCodes.Usage, $"{file.FullName} is larger than {MaxFileBytes / (1024 * 1024)} MiB");
        }
    }
}
