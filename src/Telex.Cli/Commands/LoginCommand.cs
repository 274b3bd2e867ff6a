namespace Telex.Cli.Commands;

/// <summary><c>telex login</c>: signs in and stores the session for later commands.</summary>
internal static class LoginCommand
{
    public static Command Create(Globals globals)
    {
        var client = new ClientOptions();
        var name = new Option<string>("--name", "-n") { Description = "The officer's sign-in name", Required = true, HelpName = "NAME" };
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin instead of prompting" };
        var command = new Command("login",
            "Sign in to an agency and remember the session under the agency's name, as the current agency (telex use switches)")
        {
            client.Url, client.Agency, name, stdin,
        };
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            var sessions = SessionStore.Default();
            var (url, _) = client.Resolve(parse, sessions);
            string officer = parse.GetValue(name)!;
            string password = Secrets.Read(terminal, parse.GetValue(stdin), $"Password for {officer} at {url}:");
            SessionResponse response;
            using (var anonymous = new ApiClient(url, token: null))
            {
                response = await anonymous.CallAsync((api, c) => api.SignInAsync(officer, password, c), ct).ConfigureAwait(false);
            }

            string token = response.Token;
            var expires = response.ExpiresAt;

            // The context is named after the agency, as it names itself to its signed-in officers.
            using var api = new ApiClient(url, token);
            var agency = await api.CallAsync((c, t) => c.GetAgencyAsync(t), ct).ConfigureAwait(false);
            string agencyName = agency.Name is { Length: > 0 } n ? n : SessionStore.Key(url);
            var context = sessions.SaveLogin(url, agencyName, agency.Did, new StoredSession(officer, token, expires));
            Invocation.ActOn(agencyName, url, token);
            if (terminal.Json)
            {
                terminal.WriteJson(ApiClient.AsJson(response));
                return ExitCodes.Ok;
            }

            terminal.Line($"signed in to {agencyName} as {officer} ({Output.Terminal.Word(response.Officer.Role)}); session valid until {Output.Terminal.Time(expires)}");
            terminal.Line($"{context.Name} is now the current agency (telex use lists every agency signed in to)");
            if (response.Officer.MustChangePassword)
            {
                terminal.Line("You are signed in with a one-time password: choose your own now with telex password");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
