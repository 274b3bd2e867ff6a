namespace Telex.Cli.Commands;

/// <summary><c>telex tie …</c>: invitations, the directory of counterparts, verification, status and terms.</summary>
internal static class TieCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("tie", "Establish and manage ties with other agencies",
            Invite(globals), Accept(globals), List(globals), Show(globals), Verify(globals),
            Status(globals, "suspend", "Suspend a tie: nothing flows until it is resumed"), Status(globals, "resume", "Resume a suspended tie"),
            Status(globals, "sever", "Sever a tie for good"), Terms(globals), SignTerms(globals));

    private static Command Invite(Globals globals)
    {
        var valid = new Option<int?>("--valid") { Description = "Minutes the invitation stays valid (default the agency's, 24 hours)", HelpName = "MINUTES" };
        valid.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is <= 0 or > 43_200)
            {
                r.AddError("--valid must be between 1 and 43200 minutes (30 days)");
            }
        });
        var note = new Option<string?>("--note") { Description = "A note kept with the invitation (who it is for)", HelpName = "TEXT" };
        return ClientCommand.Show(globals, new Command("invite", "Issue a one-time invitation code for another agency to accept") { valid, note },
            run => run.Call((api, ct) => api.InviteAsync(new InvitationRequest(run.Parse.GetValue(valid), run.Parse.GetValue(note)), ct)),
            (run, invitation) =>
            {
                run.Terminal.Fields([("Code", invitation.Code), ("URL", invitation.Url), ("Expires", Terminal.Time(invitation.ExpiresAt))]);
                run.Terminal.Line();
                run.Terminal.Line("Give the code or the URL to the other agency over a channel you trust; it runs: telex tie accept CODE");
            });
    }

    private static Command Accept(Globals globals)
    {
        var code = new Argument<string>("CODE") { Description = "The invitation code or URL" };
        var wait = new Option<bool>("--wait") { Description = "Wait until the inviter confirms and the tie is established" };
        var timeout = Timeout();
        return ClientCommand.Show(globals, new Command("accept", "Accept another agency's invitation") { code, wait, timeout },
            async run =>
            {
                var tie = await run.Call((api, ct) => api.AcceptAsync(run.Value(code).Trim(), ct)).ConfigureAwait(false);
                if (run.Value(wait))
                {
                    tie = await run.Terminal.WithStatusAsync($"Waiting for {tie.PeerName} to confirm the tie…",
                        _ => WaitForStatusAsync(run.Api, tie.PeerDid, TieStatus.Established, TimeoutOf(run.Parse, timeout), run.Ct)).ConfigureAwait(false);
                }

                return tie;
            },
            (run, tie) =>
            {
                PrintTie(run.Terminal, tie);
                run.Terminal.Line();
                run.Terminal.Line($"Compare the fingerprint with {tie.PeerName} over a channel you trust, then: telex tie verify {tie.PeerDid}");
            });
    }

    private static Command List(Globals globals) =>
        ClientCommand.Show(globals, new Command("list", "The directory: every counterpart this agency knows, with its tie"),
            run => run.Call((api, ct) => api.ListTiesAsync(ct)),
            (run, ties) => run.Terminal.Table(["Counterpart", "Status", "Verified", "Fingerprint", "Established", "Last serial"],
                ties.Select(t => new[]
                {
                    t.PeerName,
                    Terminal.Word(t.Status),
                    t.Verified ? "yes" : "no",
                    t.Fingerprint,
                    Terminal.Time(t.EstablishedAt),
                    Terminal.Number(t.LastSentSerial),
                }), null, 3, 5));

    private static Command Show(Globals globals) =>
        OnTie(globals, "show", "Show a tie: status, fingerprint, terms and proposed terms", (api, peer, ct) => api.GetTieAsync(peer, ct), PrintTie);

    private static Command Verify(Globals globals)
    {
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "The fingerprint the counterpart read out; the tie is verified only if it matches",
            HelpName = "FINGERPRINT",
        };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask: the fingerprints were compared already" };
        return OnTie(globals, "verify", "Mark a tie verified after comparing its fingerprint over a trusted channel", async (run, peer) =>
        {
            var tie = await run.Call((api, ct) => api.GetTieAsync(peer, ct)).ConfigureAwait(false);
            string ours = tie.Fingerprint;
            if (run.Parse.GetValue(fingerprint) is { } theirs)
            {
                if (!string.Equals(Normalize(theirs), Normalize(ours), StringComparison.OrdinalIgnoreCase))
                {
                    throw new CliException(ExitCodes.Conflict,
                        $"the fingerprints differ (ours {ours}, theirs {theirs}): this may not be the agency you think; the tie stays unverified");
                }
            }
            else if (!run.Value(yes))
            {
                if (!Terminal.CanPrompt || run.Terminal.Json)
                {
                    throw new CliException(ExitCodes.Usage, "give --fingerprint as read by the counterpart, or --yes if you compared it already");
                }

                if (!run.Terminal.Confirm($"Does {tie.PeerName} read the same fingerprint, {ours}?"))
                {
                    throw new CliException(ExitCodes.Conflict, "not verified");
                }
            }

            return await run.Call((api, ct) => api.VerifyTieAsync(peer, ct)).ConfigureAwait(false);
        }, (terminal, tie) => terminal.Line($"tie with {tie.PeerName} verified (fingerprint {tie.Fingerprint})"), [fingerprint, yes]);
    }

    private static Command Status(Globals globals, string action, string description) =>
        OnTie(globals, action, description, (api, peer, ct) => api.ChangeTieAsync(peer, action, ct),
            (terminal, tie) => terminal.Line($"tie with {tie.PeerName} is now {Terminal.Word(tie.Status)}"));

    private static Command Terms(Globals globals)
    {
        var maxTelegram = new Option<int?>("--max-telegram-bytes") { Description = "Largest telegram body accepted, in bytes", HelpName = "BYTES" };
        var maxAttachment = new Option<int?>("--max-attachment-bytes") { Description = "Largest single attachment, in bytes", HelpName = "BYTES" };
        var expiry = new Option<string?>("--expiry") { Description = "How long a sender keeps trying before a telegram fails (e.g. 3d, 12h)", HelpName = "DURATION" };
        var retry = new Option<string?>("--max-retry-interval") { Description = "Longest wait between delivery attempts (e.g. 10m)", HelpName = "DURATION" };
        var receipts = new Option<bool?>("--read-receipts") { Description = "Whether read receipts are sent (true or false)", HelpName = "true|false" };
        var relays = new Option<bool?>("--relays") { Description = "Whether telegrams may be relayed over this tie (true or false)", HelpName = "true|false" };
        return OnTie(globals, "terms", "Propose new terms for a tie; they take effect when the counterpart signs them", async (run, peer) =>
        {
            // A term left out keeps its current value.
            var terms = new TermsRequest(run.Parse.GetValue(maxTelegram), run.Parse.GetValue(maxAttachment),
                (long?)Duration(run.Parse, expiry)?.TotalSeconds, (long?)Duration(run.Parse, retry)?.TotalMilliseconds, run.Parse.GetValue(receipts),
                run.Parse.GetValue(relays));
            return await run.Call((api, ct) => api.ProposeTermsAsync(peer, terms, ct)).ConfigureAwait(false);
        }, (terminal, tie) =>
        {
            terminal.Line($"terms proposed to {tie.PeerName}; they take effect when it signs them (telex tie sign-terms on its side)");
            PrintTerms(terminal, tie.ProposedTerms, "Proposed terms");
        }, [maxTelegram, maxAttachment, expiry, retry, receipts, relays], before: parse =>
        {
            var (newExpiry, newRetry) = (Duration(parse, expiry), Duration(parse, retry));
            if (parse.GetValue(maxTelegram) is null && parse.GetValue(maxAttachment) is null && newExpiry is null && newRetry is null
                && parse.GetValue(receipts) is null && parse.GetValue(relays) is null)
            {
                throw new CliException(ExitCodes.Usage, "give at least one term to change (see telex tie terms --help)");
            }
        });
    }

    private static Command SignTerms(Globals globals) =>
        OnTie(globals, "sign-terms", "Sign the terms the counterpart proposed; they take effect on both sides", (api, peer, ct) => api.SignTermsAsync(peer, ct),
            (terminal, tie) =>
            {
                terminal.Line($"terms with {tie.PeerName} signed");
                PrintTerms(terminal, tie.Terms, "Terms in force");
            });

    /// <summary>A command on the tie named by its <c>DID</c> argument (a DID or the counterpart's name) that answers with the tie.</summary>
    private static Command OnTie(Globals globals, string name, string description, Func<TelexApiClient, string, CancellationToken, Task<TieView>> call,
        Action<Terminal, TieView> print) =>
        OnTie(globals, name, description, (run, peer) => run.Call((api, ct) => call(api, peer, ct)), print);

    /// <summary>
    /// A command on the tie named by its <c>DID</c> argument that acts with <paramref name="act"/>; <paramref name="before"/>
    /// checks the command line before the agency is connected to.
    /// </summary>
    private static Command OnTie(Globals globals, string name, string description, Func<ClientRun, string, Task<TieView>> act,
        Action<Terminal, TieView> print, Option[]? options = null, Action<ParseResult>? before = null)
    {
        var did = new Argument<string>("DID") { Description = "The counterpart's DID, or its name as telex tie list shows it" };
        var command = new Command(name, description) { did };
        foreach (var option in options ?? [])
        {
            command.Options.Add(option);
        }

        return ClientCommand.Create(globals, command, async run =>
        {
            before?.Invoke(run.Parse);
            string peer = await run.TieAsync(run.Value(did)).ConfigureAwait(false);
            var tie = await act(run, peer).ConfigureAwait(false);
            return run.Print(tie, t => print(run.Terminal, t));
        }, connectFirst: before is null);
    }

    /// <summary>Polls a tie until it reaches <paramref name="status"/>, with a deadline.</summary>
    internal static async Task<TieView> WaitForStatusAsync(ApiClient api, string did, TieStatus status, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        var delay = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var tie = await api.CallAsync((client, c) => client.GetTieAsync(did, c), ct).ConfigureAwait(false);
            if (tie.Status == status)
            {
                return tie;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new CliException(ExitCodes.Unreachable,
                    $"the tie with {tie.PeerName} is still {Terminal.Word(tie.Status)} after {timeout.TotalSeconds:0} s; the inviter has not confirmed");
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

    private static TimeSpan? Duration(ParseResult parse, Option<string?> option)
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

    private static string Normalize(string fingerprint) =>
        new(fingerprint.Where(char.IsAsciiLetterOrDigit).ToArray());

    private static void PrintTie(Terminal terminal, TieView tie)
    {
        terminal.Fields(
        [
            ("Counterpart", tie.PeerName),
            ("DID", tie.PeerDid),
            ("Endpoint", tie.Endpoint),
            ("Status", Terminal.Word(tie.Status)),
            ("Verified", tie.Verified ? "yes" : "no — compare the fingerprint, then telex tie verify"),
            ("Fingerprint", tie.Fingerprint),
            ("Established", Terminal.Time(tie.EstablishedAt)),
            ("Last serial sent", Terminal.Number(tie.LastSentSerial)),
        ]);
        PrintTerms(terminal, tie.Terms, "Terms in force");
        if (tie.ProposedTerms is { } proposed)
        {
            PrintTerms(terminal, proposed, tie.ProposedByUs ? "Proposed by us, awaiting signature" : "Proposed by the counterpart (telex tie sign-terms)");
        }
    }

    /// <summary>The terms as the API names them, one a row.</summary>
    private static void PrintTerms(Terminal terminal, TermsView? terms, string title)
    {
        if (terms is null)
        {
            return;
        }

        static string Flag(bool value) => value ? "true" : "false";
        terminal.Table(["Term", "Value"],
        [
            ["version", Terminal.Number(terms.Version)],
            ["maxTelegramBytes", Terminal.Number(terms.MaxTelegramBytes)],
            ["maxAttachmentBytes", Terminal.Number(terms.MaxAttachmentBytes)],
            ["expirySeconds", Terminal.Number(terms.ExpirySeconds)],
            ["maxRetryIntervalMs", Terminal.Number(terms.MaxRetryIntervalMs)],
            ["readReceipts", Flag(terms.ReadReceipts)],
            ["relays", Flag(terms.Relays)],
        ], title);
    }
}
