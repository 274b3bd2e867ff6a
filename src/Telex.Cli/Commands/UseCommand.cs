namespace Telex.Cli.Commands;

/// <summary><c>telex use [NAME|URL]</c>: lists the agencies signed in to, or chooses the one later commands act on.</summary>
internal static class UseCommand
{
    public static Command Create(Globals globals)
    {
        var agency = new Argument<string?>("NAME|URL")
        {
            Description = "The agency to act on from now on, by the name telex use lists or its URL; without it, list them",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var command = new Command("use", "Choose the agency later commands act on, or list the agencies signed in to (the current one marked *)") { agency };
        command.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            var sessions = SessionStore.Default();
            if (parse.GetValue(agency) is { Length: > 0 } wanted)
            {
                var context = sessions.Find(wanted);
                if (context is null)
                {
                    var known = sessions.Contexts.Select(c => c.Name).ToList();
                    throw new CliException(ExitCodes.NotFound, $"no agency '{wanted}' is signed in to"
                        + (known.Count > 0 ? $" (known: {string.Join(", ", known)})" : "") + "; telex login --url URL --name NAME adds one");
                }

                sessions.Use(context);
                if (terminal.Json)
                {
                    terminal.WriteJson(Json(context, current: true));
                }
                else
                {
                    terminal.Line($"now acting on {context.Display} · {context.Url}");
                }

                return ExitCodes.Ok;
            }

            var contexts = sessions.Contexts;
            string? current = sessions.Current?.Name;
            if (terminal.Json)
            {
                terminal.WriteJson(new JsonArray(contexts.Select(c => (JsonNode)Json(c, c.Name == current)).ToArray()));
                return ExitCodes.Ok;
            }

            if (contexts.Count == 0)
            {
                terminal.Line("not signed in to any agency: telex login --url URL --name NAME");
                return ExitCodes.Ok;
            }

            terminal.Table(["", "Agency", "URL", "Officer", "Session"], contexts.Select(c => (IReadOnlyList<string?>)
            [
                c.Name == current ? "*" : "",
                c.Name,
                c.Url,
                c.Session?.Name,
                c.Session is null ? "none"
                    : c.Session.ExpiresAt is { } expires ? (expires <= DateTimeOffset.UtcNow ? "expired " : "valid until ") + Terminal.Time(expires)
                    : "valid",
            ]));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static JsonObject Json(AgencyContext c, bool current) => new()
    {
        ["name"] = c.Name,
        ["agency"] = c.Agency,
        ["url"] = c.Url,
        ["did"] = c.Did,
        ["officer"] = c.Session?.Name,
        ["expiresAt"] = c.Session?.ExpiresAt,
        ["current"] = current,
    };
}
