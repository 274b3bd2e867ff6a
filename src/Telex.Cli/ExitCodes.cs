namespace Telex.Cli;

/// <summary>What the <c>telex</c> process's exit code means; scripts may rely on these.</summary>
internal static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>Something unexpected failed.</summary>
    public const int Unexpected = 1;

    /// <summary>The command line, a configuration value or other input is invalid.</summary>
    public const int Usage = 2;

    /// <summary>Not signed in, wrong password, locked out, or the officer's role does not allow it.</summary>
    public const int Refused = 3;

    /// <summary>The telegram, tie, officer or agency asked for does not exist.</summary>
    public const int NotFound = 4;

    /// <summary>The request conflicts with the current state: no established tie, an agency already in the folder.</summary>
    public const int Conflict = 5;

    /// <summary>The agency, or the counterpart it had to reach, could not be reached.</summary>
    public const int Unreachable = 6;

    /// <summary><c>telex register verify</c> found the register changed: entries or telegrams altered, deleted, inserted or reordered, or a bad checkpoint.</summary>
    public const int Tampered = 7;

    /// <summary>The exit code for an HTTP status from the client API.</summary>
    public static int ForStatus(int status) => status switch
    {
        400 or 413 or 415 or 422 => Usage,
        401 or 403 or 429 => Refused,
        404 => NotFound,
        409 => Conflict,
        502 or 503 or 504 => Unreachable,
        _ => Unexpected,
    };
}
