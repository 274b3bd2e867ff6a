using Telex.Core.Identity;

namespace Telex.Cli.Commands;

/// <summary>
/// <c>telex keys rotate</c> and <c>telex keys list</c>: the agency's DIDs and their rotation (over the API);
/// <c>telex keys seal</c> and <c>telex keys unseal</c>: the key file's passphrase (on the data folder).
/// </summary>
internal static class KeyCommands
{
    public static Command Create(Globals globals) =>
        Globals.Group("keys", "The agency's keys: rotate them, list current and prior DIDs, seal them with a passphrase",
            Rotate(globals), List(globals), Seal(globals), Unseal(globals));

    private static Command Seal(Globals globals) =>
        OnKeyFile(globals, "seal",
            "Seal the secret keys in the agency's key file with a passphrase (run with the agency stopped); telex serve then needs it",
            (keys, sealedFile, _) => sealedFile
                ? throw new CliException(ExitCodes.Conflict, $"{keys} is already sealed; to change the passphrase, unseal it and seal it again")
                : null,
            (identity, file) => identity.SealWith(Passphrase.Read(file, confirm: true)),
            keys => $"Sealed the keys in {keys}; telex serve now needs the passphrase ({Passphrase.EnvironmentVariable}, --passphrase-file or a prompt).");

    private static Command Unseal(Globals globals) =>
        OnKeyFile(globals, "unseal",
            "Write the agency's secret keys back in the clear (owner-only file), opened with the passphrase (run with the agency stopped)",
            (keys, sealedFile, file) => sealedFile ? Passphrase.Read(file, confirm: false) : throw new CliException(ExitCodes.Conflict, $"{keys} is not sealed"),
            (identity, _) => identity.Unseal(),
            keys => $"Unsealed the keys in {keys}: readable by its owner only, no passphrase needed.");

    /// <summary>
    /// A command that rewrites the key file of a stopped agency: loads it with the passphrase <paramref name="open"/> gives
    /// (told whether it is sealed, and the <c>--passphrase-file</c>), changes it and saves it.
    /// </summary>
    private static Command OnKeyFile(Globals globals, string verb, string description, Func<string, bool, string?, string?> open,
        Action<AgencyIdentity, string?> change, Func<string, string> done)
    {
        var data = Globals.Data();
        var file = Passphrase.FileOption();
        var command = new Command(verb, description) { data, file };
        command.SetAction(parse =>
        {
            var terminal = globals.Terminal(parse);
            string keys = KeyFilePath(parse.GetValue(data)!);
            using var stopped = HoldStopped(keys, verb);
            using var identity = LoadLocal(keys, sealedFile => open(keys, sealedFile, parse.GetValue(file)));
            change(identity, parse.GetValue(file));
            identity.Save(keys);
            return Done(terminal, keys, identity, done(keys));
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

    private static int Done(Terminal terminal, string keys, AgencyIdentity identity, string message) =>
        terminal.Report(new JsonObject { ["keyFile"] = keys, ["did"] = identity.Did, ["sealed"] = identity.IsSealed }, message);

    private static Command Rotate(Globals globals) =>
        ClientCommand.Show(globals, new Command("rotate",
            "Make new keys and a new DID, announce it over every tie signed by the old key (admins); the old keys are kept to verify the register"),
            run => run.Call((api, ct) => api.RotateKeysAsync(ct)),
            (run, result) =>
            {
                run.Terminal.Fields([("Old DID", result.OldDid), ("New DID", result.NewDid), ("Rotated", Terminal.Time(result.At)),
                    ("Ties told", Terminal.Number(result.TiesTold))]);
                run.Terminal.Line();
                run.Terminal.Line("Counterparts switch to the new DID as the announcement reaches them; tie fingerprints change with it.");
            });

    private static Command List(Globals globals) =>
        ClientCommand.Show(globals, new Command("list", "List the agency's current and prior DIDs, and the key rotations its register records"),
            run => run.Call((api, ct) => api.ListKeysAsync(ct)),
            (run, keys) =>
            {
                // DIDs are long: printed whole, one per line, so they can be copied.
                var fields = new List<(string Label, string? Value)> { ("Current DID", keys.Did) };
                foreach (var prior in keys.Priors.Reverse())
                {
                    fields.Add(("Prior DID", prior.Did));
                    fields.Add(("  replaced", Terminal.Time(prior.RotatedAt)));
                }

                run.Terminal.Fields(fields);
                if (keys.Rotations.Count > 0)
                {
                    run.Terminal.Line();
                    run.Terminal.Line("Key rotations in the register:");
                    foreach (var r in keys.Rotations)
                    {
                        run.Terminal.Line($"  {Terminal.Time(r.At)}  {r.Side}  {r.OldDid} -> {r.NewDid}");
                    }
                }
            });
}
