return await Telex.Cli.TelexCli.RunAsync(args).ConfigureAwait(false);
