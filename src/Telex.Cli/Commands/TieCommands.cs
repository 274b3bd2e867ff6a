namespace Telex.Cli.Commands;

/// <summary><c>telex tie …</c>: invitations, the directory of counterparts, verification, status and terms.</summary>
internal static class TieCommands
{
    public static Command Create(Globals globals)
    {
        var tie = new Command("tie", "Establish and manage ties with other agencies");
        tie.Subcommands.Add(Invite(globals));
        tie.Subcommands.Add(Accept(globals));
        tie.Subcommands.Add(List(globals));
        tie.Subcommands.Add(Show(globals));
        tie.Subcommands.Add(Verify(globals));
        tie.Subcommands.Add(Status(globals, "suspend", "Suspend a tie: nothing flows until it is resumed"));
        tie.Subcommands.Add(Status(globals, "resume", "Resume a suspended tie"));
        tie.Subcommands.Add(Status(globals, "sever", "Sever a tie for good"));
        tie.Subcommands.Add(Terms(globals));
        tie.Subcommands.Add(SignTerms(globals));
        return tie;
    }

    private static Command Invite(Globals globals)
    {
        var client = new ClientOptions();
        var valid = new Option<int?>("--valid") { Description = "Minutes the invitation stays valid (default the agency's, 24 hours)", HelpName = "MINUTES" };
        valid.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0 or > 43_200)
            {
                r.AddError("--valid must be between 1 and 43200 minutes (30 days)");
            }
        });
        var note = new Option<string?>("--note") { Description = "A note kept with the invitation (who it is for)", HelpName = "TEXT" };
        var command = client.AddTo(new Command("invite", "Issue a one-time invitation code for another agency to accept") { valid, note });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var body = new JsonObject();
            if (parse.GetValue(valid) is { } minutes)
            {
                body["validityMinutes"] = minutes;
            }

            if (parse.GetValue(note) is { } n)
            {
                body["note"] = n;
            }

            var invitation = await api.PostAsync("api/ties/invitations", body, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(invitation);
                return ExitCodes.Ok;
            }

            terminal.Fields([("Code", invitation.Str("code")), ("URL", invitation.Str("url")), ("Expires", Terminal.Time(invitation.Time("expiresAt")))]);
            terminal.Line();
            terminal.Line("Give the code or the URL to the other agency over a channel you trust; it runs: telex tie accept CODE");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Accept(Globals globals)
    {
        var client = new ClientOptions();
        var code = new Argument<string>("CODE") { Description = "The invitation code or URL" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the inviter confirms and the tie is established" };
        var timeout = Timeout();
        var command = client.AddTo(new Command("accept", "Accept another agency's invitation") { code, wait, timeout });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var tie = await api.PostAsync("api/ties/accept", new JsonObject { ["code"] = parse.GetValue(code)!.Trim() }, ct).ConfigureAwait(false);
            string did = tie.Str("peerDid") ?? throw new CliException(ExitCodes.Unexpected, "the agency's answer names no counterpart");
            if (parse.GetValue(wait))
            {
                tie = await terminal.WithStatusAsync($"Waiting for {Counterparts.NameOf(tie, did)} to confirm the tie…",
                    _ => WaitForStatusAsync(api, did, "established", TimeoutOf(parse, timeout), ct)).ConfigureAwait(false);
            }

            if (terminal.Json)
            {
                terminal.WriteJson(tie);
                return ExitCodes.Ok;
            }

            PrintTie(terminal, tie);
            terminal.Line();
            terminal.Line($"Compare the fingerprint with {Counterparts.NameOf(tie, did)} over a channel you trust, then: telex tie verify {did}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "The directory: every counterpart this agency knows, with its tie"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var ties = await api.GetAsync("api/ties", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(ties);
                return ExitCodes.Ok;
            }

            terminal.Table(["Counterpart", "Status", "Verified", "Fingerprint", "Established", "Last serial"],
                ties.Items().Select(t => new[]
                {
                    t.Str("peerName"),
                    t.Str("status"),
                    t.Bool("verified") == true ? "yes" : "no",
                    t.Str("fingerprint"),
                    Terminal.Time(t.Time("establishedAt")),
                    t.Str("lastSentSerial"),
                }), null, 3, 5);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Show(Globals globals)
    {
        var client = new ClientOptions();
        var did = Did();
        var command = client.AddTo(new Command("show", "Show a tie: status, fingerprint, terms and proposed terms") { did });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string peer = await Counterparts.ResolveAsync(api, parse.GetValue(did)!, ct).ConfigureAwait(false);
            var tie = await api.GetAsync(Counterparts.TiePath(peer), ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(tie);
            }
            else
            {
                PrintTie(terminal, tie);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify(Globals globals)
    {
        var client = new ClientOptions();
        var did = Did();
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "The fingerprint the counterpart read out; the tie is verified only if it matches",
            HelpName = "FINGERPRINT",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask: the fingerprints were compared already" };
        var command = client.AddTo(new Command("verify", "Mark a tie verified after comparing its fingerprint over a trusted channel") { did, fingerprint, yes });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string peer = await Counterparts.ResolveAsync(api, parse.GetValue(did)!, ct).ConfigureAwait(false);
            var tie = await api.GetAsync(Counterparts.TiePath(peer), ct).ConfigureAwait(false);
            string ours = tie.Str("fingerprint") ?? "";
            if (parse.GetValue(fingerprint) is { } theirs)
            {
                if (!string.Equals(Normalize(theirs), Normalize(ours), StringComparison.OrdinalIgnoreCase))
                {
                    throw new CliException(ExitCodes.Conflict,
                        $"the fingerprints differ (ours {ours}, theirs {theirs}): this may not be the agency you think; the tie stays unverified");
                }
            }
            else if (!parse.GetValue(yes))
            {
                if (!Terminal.CanPrompt || terminal.Json)
                {
                    throw new CliException(ExitCodes.Usage, "give --fingerprint as read by the counterpart, or --yes if you compared it already");
                }

                if (!terminal.Confirm($"Does {Counterparts.NameOf(tie, peer)} read the same fingerprint, {ours}?"))
                {
                    throw new CliException(ExitCodes.Conflict, "not verified");
                }
            }

            tie = await api.PostAsync(Counterparts.TiePath(peer, "verify"), null, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(tie);
            }
            else
            {
                terminal.Line($"tie with {Counterparts.NameOf(tie, peer)} verified (fingerprint {ours})");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Status(Globals globals, string action, string description)
    {
        var client = new ClientOptions();
        var did = Did();
        var command = client.AddTo(new Command(action, description) { did });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string peer = await Counterparts.ResolveAsync(api, parse.GetValue(did)!, ct).ConfigureAwait(false);
            var tie = await api.PostAsync(Counterparts.TiePath(peer, action), null, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(tie);
            }
            else
            {
                terminal.Line($"tie with {Counterparts.NameOf(tie, peer)} is now {tie.Str("status")}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Terms(Globals globals)
    {
        var client = new ClientOptions();
        var did = Did();
        var maxTelegram = new Option<int?>("--max-telegram-bytes") { Description = "Largest telegram body accepted, in bytes", HelpName = "BYTES" };
        var maxAttachment = new Option<int?>("--max-attachment-bytes") { Description = "Largest single attachment, in bytes", HelpName = "BYTES" };
        var expiry = new Option<string?>("--expiry") { Description = "How long a sender keeps trying before a telegram fails (e.g. 3d, 12h)", HelpName = "DURATION" };
        var retry = new Option<string?>("--max-retry-interval") { Description = "Longest wait between delivery attempts (e.g. 10m)", HelpName = "DURATION" };
        var receipts = new Option<bool?>("--read-receipts") { Description = "Whether read receipts are sent (true or false)", HelpName = "true|false" };
        var relays = new Option<bool?>("--relays") { Description = "Whether telegrams may be relayed over this tie (true or false)", HelpName = "true|false" };
        var command = client.AddTo(new Command("terms", "Propose new terms for a tie; they take effect when the counterpart signs them")
        {
            did, maxTelegram, maxAttachment, expiry, retry, receipts, relays,
        });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            TimeSpan? Duration(Option<string?> option)
            {
                string? text = parse.GetValue(option);
                if (text is null)
                {
                    return null;
                }

                return TelexConfiguration.TryParseDuration(text, out var span) && span > TimeSpan.Zero
                    ? span
                    : throw new CliException(ExitCodes.Usage, $"{option.Name} '{text}' is not a duration such as 3d, 12h, 10m or 00:10:00");
            }

            var (newExpiry, newRetry) = (Duration(expiry), Duration(retry));
            if (parse.GetValue(maxTelegram) is null && parse.GetValue(maxAttachment) is null && newExpiry is null && newRetry is null
                && parse.GetValue(receipts) is null && parse.GetValue(relays) is null)
            {
                throw new CliException(ExitCodes.Usage, "give at least one term to change (see telex tie terms --help)");
            }

            // A term left out keeps its current value.
            var terms = new JsonObject();
            if (parse.GetValue(maxTelegram) is { } mt)
            {
                terms["maxTelegramBytes"] = mt;
            }

            if (parse.GetValue(maxAttachment) is { } ma)
            {
                terms["maxAttachmentBytes"] = ma;
            }

            if (newExpiry is { } e)
            {
                terms["expirySeconds"] = (long)e.TotalSeconds;
            }

            if (newRetry is { } r)
            {
                terms["maxRetryIntervalMs"] = (long)r.TotalMilliseconds;
            }

            if (parse.GetValue(receipts) is { } rr)
            {
                terms["readReceipts"] = rr;
            }

            if (parse.GetValue(relays) is { } rl)
            {
                terms["relays"] = rl;
            }

            using var api = client.Connect(parse);
            string peer = await Counterparts.ResolveAsync(api, parse.GetValue(did)!, ct).ConfigureAwait(false);
            var tie = await api.PostAsync(Counterparts.TiePath(peer, "terms"), terms, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(tie);
                return ExitCodes.Ok;
            }

            terminal.Line($"terms proposed to {Counterparts.NameOf(tie, peer)}; they take effect when it signs them (telex tie sign-terms on its side)");
            PrintTerms(terminal, tie.Obj("proposedTerms"), "Proposed terms");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SignTerms(Globals globals)
    {
        var client = new ClientOptions();
        var did = Did();
        var command = client.AddTo(new Command("sign-terms", "Sign the terms the counterpart proposed; they take effect on both sides") { did });
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            string peer = await Counterparts.ResolveAsync(api, parse.GetValue(did)!, ct).ConfigureAwait(false);
            var tie = await api.PostAsync(Counterparts.TiePath(peer, "terms/sign"), null, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(tie);
                return ExitCodes.Ok;
            }

            terminal.Line($"terms with {Counterparts.NameOf(tie, peer)} signed");
            PrintTerms(terminal, tie.Obj("terms"), "Terms in force");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Polls a tie until it reaches <paramref name="status"/>, with a deadline.</summary>
    internal static async Task<JsonElement> WaitForStatusAsync(ApiClient api, string did, string status, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var tie = await api.GetAsync(Counterparts.TiePath(did), ct).ConfigureAwait(false);
            if (string.Equals(tie.Str("status"), status, StringComparison.OrdinalIgnoreCase))
            {
                return tie;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(ExitCodes.Unreachable,
                    $"the tie with {Counterparts.NameOf(tie, did)} is still {tie.Str("status")} after {timeout.TotalSeconds:0} s; the inviter has not confirmed");
            }

            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 1000));
        }
    }

    /// <summary><c>--timeout SECONDS</c> for <c>--wait</c>; read with <see cref="TimeoutOf"/>.</summary>
    internal static Option<int> Timeout()
    {
        var timeout = new Option<int>("--timeout")
        {
            Description = "How long --wait waits, in seconds",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => 60,
        };
        timeout.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 86_400)
            {
                r.AddError("--timeout must be between 1 and 86400 seconds");
            }
        });
        return timeout;
    }

    internal static TimeSpan TimeoutOf(ParseResult parse, Option<int> timeout) => TimeSpan.FromSeconds(parse.GetValue(timeout));

    private static Argument<string> Did() => new("DID") { Description = "The counterpart's DID, or its name as telex tie list shows it" };

    private static string Normalize(string fingerprint) =>
        new(fingerprint.Where(char.IsAsciiLetterOrDigit).ToArray());

    private static void PrintTie(Terminal terminal, JsonElement tie)
    {
        terminal.Fields(
        [
            ("Counterpart", tie.Str("peerName")),
            ("DID", tie.Str("peerDid")),
            ("Endpoint", tie.Str("endpoint")),
            ("Status", tie.Str("status")),
            ("Verified", tie.Bool("verified") == true ? "yes" : "no — compare the fingerprint, then telex tie verify"),
            ("Fingerprint", tie.Str("fingerprint")),
            ("Established", Terminal.Time(tie.Time("establishedAt"))),
            ("Last serial sent", tie.Str("lastSentSerial")),
        ]);
        PrintTerms(terminal, tie.Obj("terms"), "Terms in force");
        if (tie.Obj("proposedTerms") is { } proposed)
        {
            PrintTerms(terminal, proposed, tie.Bool("proposedByUs") == true ? "Proposed by us, awaiting signature" : "Proposed by the counterpart (telex tie sign-terms)");
        }
    }

    private static void PrintTerms(Terminal terminal, JsonElement? terms, string title)
    {
        if (terms is not { } t)
        {
            return;
        }

        terminal.Table(["Term", "Value"], t.EnumerateObject().Select(p => new[]
        {
            p.Name,
            p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText(),
        }), title);
    }
}
