using Telex.Core.Identity;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex keys rotate</c> and <c>telex keys list</c>: the agency's DIDs and their rotation (over the API);
/// <c>telex keys seal</c> and <c>telex keys unseal</c>: the key file's passphrase (on the data folder).
/// </summary>
internal static class KeyCommands
{
    public static Command Create(Globals globals)
    {
        var keys = new Command("keys", "The agency's keys: rotate them, list current and prior DIDs, seal them with a passphrase");
        keys.Subcommands.Add(Rotate(globals));
        keys.Subcommands.Add(List(globals));
        keys.Subcommands.Add(Seal(globals));
        keys.Subcommands.Add(Unseal(globals));
        return keys;
    }

    private static Command Seal(Globals globals)
    {
        var data = Globals.Data();
        var file = Passphrase.FileOption();
        var command = new Command("seal",
            "Seal the secret keys in the agency's key file with a passphrase (run with the agency stopped); telex serve then needs it")
        {
            data, file,
        };
        command.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            string keys = KeyFilePath(parse.GetValue(data)!);
            using var stopped = HoldStopped(keys, "seal");
            using var identity = LoadLocal(keys, sealedFile => sealedFile
                ? throw new CliException(ExitCodes.Conflict, $"{keys} is already sealed; to change the passphrase, unseal it and seal it again")
                : null);
            identity.SealWith(Passphrase.Read(parse.GetValue(file), confirm: true));
            identity.Save(keys);
            return Done(terminal, keys, identity, $"Sealed the keys in {keys}; telex serve now needs the passphrase ({Passphrase.EnvironmentVariable}, --passphrase-file or a prompt).");
        });
        return command;
    }

    private static Command Unseal(Globals globals)
    {
        var data = Globals.Data();
        var file = Passphrase.FileOption();
        var command = new Command("unseal",
            "Write the agency's secret keys back in the clear (owner-only file), opened with the passphrase (run with the agency stopped)")
        {
            data, file,
        };
        command.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            string keys = KeyFilePath(parse.GetValue(data)!);
            using var stopped = HoldStopped(keys, "unseal");
            using var identity = LoadLocal(keys, sealedFile => sealedFile
                ? Passphrase.Read(parse.GetValue(file), confirm: false)
                : throw new CliException(ExitCodes.Conflict, $"{keys} is not sealed"));
            identity.Unseal();
            identity.Save(keys);
            return Done(terminal, keys, identity, $"Unsealed the keys in {keys}: readable by its owner only, no passphrase needed.");
        });
        return command;
    }

    /// <summary>
    /// The agency's folder lock, exclusively, for as long as the key file is rewritten: refused while the agency is open
    /// anywhere (a running agency keeps the keys it loaded and would write them back in the old form at its next rotation).
    /// </summary>
    private static FolderLock HoldStopped(string keys, string verb)
    {
        string directory = Path.GetDirectoryName(keys)!;
        return FolderLock.TryExclusive(directory)
            ?? throw new CliException(ExitCodes.Conflict,
                $"the agency in {directory} is running ({FolderLock.PathIn(directory)} is held by telex serve or another telex command); stop it, then {verb} the keys");
    }

    private static string KeyFilePath(string directory)
    {
        string keys = Path.Combine(Path.GetFullPath(directory), AgencyFolder.KeyFile);
        return File.Exists(keys)
            ? keys
            : throw new CliException(ExitCodes.NotFound, $"no agency in {Path.GetFullPath(directory)} (no {AgencyFolder.KeyFile})");
    }

    /// <summary>Loads the key file; <paramref name="passphrase"/> is told whether it is sealed and gives the passphrase or refuses.</summary>
    private static AgencyIdentity LoadLocal(string keys, Func<bool, string?> passphrase)
    {
        try
        {
            return AgencyIdentity.Load(keys, passphrase(AgencyIdentity.IsSealedFile(keys)));
        }
        catch (KeyFileException e)
        {
            throw AgencyFolder.KeyFileError(keys, e);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new CliException(ExitCodes.Usage, $"{keys}: {e.Message}");
        }
    }

    private static int Done(Terminal terminal, string keys, AgencyIdentity identity, string message)
    {
        if (terminal.Json)
        {
            terminal.WriteJson(new JsonObject { ["keyFile"] = keys, ["did"] = identity.Did, ["sealed"] = identity.IsSealed });
        }
        else
        {
            terminal.Line(message);
        }

        return ExitCodes.Ok;
    }

    private static Command Rotate(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("rotate",
            "Make new keys and a new DID, announce it over every tie signed by the old key (admins); the old keys are kept to verify the register"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var result = await api.PostAsync("api/keys/rotate", null, ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(result);
                return ExitCodes.Ok;
            }

            long told = result.TryGetProperty("tiesTold", out var t) && t.TryGetInt64(out long n) ? n : 0;
            terminal.Fields([("Old DID", result.Str("oldDid")), ("New DID", result.Str("newDid")), ("Rotated", Terminal.Time(result.Time("at"))),
                ("Ties told", told.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            terminal.Line();
            terminal.Line("Counterparts switch to the new DID as the announcement reaches them; tie fingerprints change with it.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(Globals globals)
    {
        var client = new ClientOptions();
        var command = client.AddTo(new Command("list", "List the agency's current and prior DIDs, and the key rotations its register records"));
        command.SetAction(async (parse, ct) =>
        {
            var terminal = globals.Terminal(parse);
            using var api = client.Connect(parse);
            var keys = await api.GetAsync("api/keys", ct).ConfigureAwait(false);
            if (terminal.Json)
            {
                terminal.WriteJson(keys);
                return ExitCodes.Ok;
            }

            // DIDs are long: printed whole, one per line, so they can be copied.
            var fields = new List<(string Label, string? Value)> { ("Current DID", keys.Str("did")) };
            foreach (var prior in Array(keys, "priors").AsEnumerable().Reverse())
            {
                fields.Add(("Prior DID", prior.Str("did")));
                fields.Add(("  replaced", Terminal.Time(prior.Time("rotatedAt"))));
            }

            terminal.Fields(fields);
            var rotations = Array(keys, "rotations");
            if (rotations.Count > 0)
            {
                terminal.Line();
                terminal.Line("Key rotations in the register:");
                foreach (var r in rotations)
                {
                    terminal.Line($"  {Terminal.Time(r.Time("at"))}  {r.Str("side")}  {r.Str("oldDid")} -> {r.Str("newDid")}");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static List<JsonElement> Array(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? [.. v.EnumerateArray()] : [];
}
