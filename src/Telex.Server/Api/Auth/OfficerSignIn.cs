using Telex.Core.Security;

namespace Telex.Server.Api.Auth;

/// <summary>What became of a sign-in attempt.</summary>
internal enum SignInStatus
{
    /// <summary>Signed in: a token was issued.</summary>
    Success,

    /// <summary>A field is missing or too long; nothing was counted.</summary>
    Invalid,

    /// <summary>Unknown name or wrong password (the same answer for both).</summary>
    WrongCredentials,

    /// <summary>Too many failures: the officer is locked out until <see cref="SignInOutcome.LockedUntil"/> (also the attempt that locks).</summary>
    LockedOut,

    /// <summary>The right password, but the officer is disabled (said only to whoever knows the password).</summary>
    Disabled,

    /// <summary>Too many failures from this network address in the last minute: not checked at all.</summary>
    RateLimited,
}

/// <summary>The outcome of <see cref="OfficerSignIn.TryAsync"/>.</summary>
internal sealed record SignInOutcome(SignInStatus Result, string? Field = null, string? Detail = null)
{
    public string? Token { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public Officer? Officer { get; init; }

    public DateTimeOffset? LockedUntil { get; init; }

    /// <summary>True when a wrong password was given (counted as a failure from its address), also by the attempt that locks the officer out.</summary>
    public bool WrongPassword { get; init; }

    /// <summary>For <see cref="SignInStatus.RateLimited"/>: when to try again.</summary>
    public TimeSpan RetryAfter { get; init; }
}

/// <summary>
/// Signing an officer in with a name and password, for the client API and the console alike. An unknown name and a
/// wrong password get the same answer in about the same time; too many failures in a row lock the officer out for a
/// while, whatever password comes next; a success resets the count and issues a token (stored by its hash).
/// </summary>
internal static class OfficerSignIn
{
    /// <summary>Longer passwords are not worth hashing; nobody's is this long.</summary>
    internal const int MaxPasswordLength = 1024;

    /// <summary>Shortest new password: long enough to resist guessing at the PBKDF2 work factor.</summary>
    internal const int MinPasswordLength = 12;

    // The address is the client's, for the limit on failed sign-ins per address; null counts nothing.
    public static async Task<SignInOutcome> TryAsync(string? name, string? password, Agency agency, TelexOptions options, SignInGuard guard,
        TimeProvider time, ILogger logger, string? address, CancellationToken ct)
    {
        // The place is taken before the password is checked and kept only by a failure: checking first and counting
        // after would let concurrent attempts all pass the check before any of them counted.
        var place = guard.Reserve(address);
        if (!place.IsAcquired)
        {
            place.Dispose();
            return new SignInOutcome(SignInStatus.RateLimited) { RetryAfter = SignInGuard.Window };
        }

        var outcome = new SignInOutcome(SignInStatus.Invalid);
        try
        {
            outcome = await CheckAsync(name, password, agency, options, guard, time, logger, ct).ConfigureAwait(false);
            return outcome;
        }
        finally
        {
            if (outcome.Result == SignInStatus.WrongCredentials || outcome.WrongPassword)
            {
                guard.KeepForWindow(place);
            }
            else
            {
                place.Dispose();
            }
        }
    }

    private static async Task<SignInOutcome> CheckAsync(string? name, string? password, Agency agency, TelexOptions options, SignInGuard guard,
        TimeProvider time, ILogger logger, CancellationToken ct)
    {
        var officers = agency.Officers;
        if (string.IsNullOrEmpty(name))
        {
            return new SignInOutcome(SignInStatus.Invalid, "name", "required");
        }

        if (string.IsNullOrEmpty(password))
        {
            return new SignInOutcome(SignInStatus.Invalid, "password", "required");
        }

        if (password.Length > MaxPasswordLength)
        {
            return new SignInOutcome(SignInStatus.Invalid, "password", $"at most {MaxPasswordLength} characters");
        }

        var officer = name.Length <= Officers.MaxNameLength ? await officers.FindOfficerAsync(name, ct).ConfigureAwait(false) : null;
        if (officer is null)
        {
            PasswordHasher.Verify(password, guard.DummyHash);
            ApiLog.UnknownOfficer(logger);
            return new SignInOutcome(SignInStatus.WrongCredentials);
        }

        using (await guard.LockAsync(officer.Name, ct).ConfigureAwait(false))
        {
            // Read again under the lock: a concurrent attempt may have counted a failure meanwhile.
            officer = await officers.FindOfficerAsync(officer.Name, ct).ConfigureAwait(false);
            if (officer is null)
            {
                return new SignInOutcome(SignInStatus.WrongCredentials);
            }

            var now = time.GetUtcNow();
            if (officer.LockedUntil is { } until && until > now)
            {
                return new SignInOutcome(SignInStatus.LockedOut) { LockedUntil = until };
            }

            if (!PasswordHasher.Verify(password, officer.PasswordHash))
            {
                // The attempt that locks the officer out says so, and until when, rather than "wrong password" once more.
                return await CountFailureAsync(agency, officer, options.Api, now, logger, ct).ConfigureAwait(false) is { } lockedUntil
                    ? new SignInOutcome(SignInStatus.LockedOut) { LockedUntil = lockedUntil, WrongPassword = true }
                    : new SignInOutcome(SignInStatus.WrongCredentials);
            }

            if (officer.FailedSignIns != 0 || officer.LockedUntil is not null)
            {
                await officers.SetSignInFailuresAsync(officer.Name, 0, null, ct).ConfigureAwait(false);
            }

            if (officer.Disabled)
            {
                ApiLog.DisabledSignIn(logger, officer.Name);
                return new SignInOutcome(SignInStatus.Disabled);
            }

            var (token, hash) = PasswordHasher.NewToken();
            var expiresAt = now + options.Api.TokenLifetime;
            await officers.AddTokenAsync(new ApiToken(hash, officer.Name, now, expiresAt), ct).ConfigureAwait(false);
            ApiLog.SignedIn(logger, officer.Name);
            return new SignInOutcome(SignInStatus.Success) { Token = token, ExpiresAt = expiresAt, Officer = officer };
        }
    }

    /// <summary>
    /// Counts a wrong password; at the limit, locks the officer out, starts the count again and returns until when. The
    /// lockout is filed in the register's chain as an officer event (who, until when), which the admins read in the
    /// officers' history, and announced on the event stream (<c>officer.locked-out</c>).
    /// </summary>
    internal static async Task<DateTimeOffset?> CountFailureAsync(Agency agency, Officer officer, ApiOptions api, DateTimeOffset now, ILogger logger,
        CancellationToken ct)
    {
        int failures = officer.FailedSignIns + 1;
        ApiLog.SignInFailed(logger, officer.Name, failures);
        if (failures < api.MaxFailedSignIns)
        {
            await agency.Officers.SetSignInFailuresAsync(officer.Name, failures, officer.LockedUntil, ct).ConfigureAwait(false);
            return null;
        }

        // Whole milliseconds, as the store keeps it: the time the officer is told is the one every later answer repeats.
        var until = DateTimeOffset.FromUnixTimeMilliseconds((now + api.Lockout).ToUnixTimeMilliseconds());
        await agency.Officers.AdministerOfficerAsync(new OfficerEvent
        {
            Action = OfficerAction.LockedOut,
            Officer = officer.Name,
            At = now,
            Until = until,
        }, ct: ct).ConfigureAwait(false);
        ApiLog.LockedOut(logger, officer.Name, until);

        return until;
    }

    /// <summary>
    /// The principal for a presented token: the token's SHA-256 must name an unexpired, unrevoked token of an existing
    /// officer; the officer's role is read now, so a role change takes effect at once. Null when any of that fails.
    /// </summary>
    public static async Task<(System.Security.Claims.ClaimsPrincipal? User, string? Failure)> AuthenticateAsync(string token, string scheme,
        ITelexStore store, DateTimeOffset now, CancellationToken ct)
    {
        string hash = PasswordHasher.HashToken(token);
        var record = await store.Sessions.FindTokenAsync(hash, now, ct).ConfigureAwait(false);
        if (record is null)
        {
            return (null, "unknown or expired token");
        }

        var officer = await store.Officers.FindOfficerAsync(record.OfficerName, ct).ConfigureAwait(false);
        return officer is null ? (null, "the token's officer no longer exists")
            : officer.Disabled ? (null, "the token's officer is disabled")
            : (OfficerClaims.Create(officer, record, scheme), null);
    }

    /// <summary>
    /// The officer replaces their password, which clears "must change password" and revokes every other token of theirs
    /// (API tokens and console sessions, on every node), keeping only <paramref name="keptTokenHash"/>, the one the change
    /// was made with. A wrong current password counts towards the lockout like a failed sign-in. Null when changed; otherwise why not (a field with what is wrong with it, or a
    /// code: <c>locked</c>, <c>wrong-password</c>).
    /// </summary>
    public static async Task<PasswordRefusal?> ChangePasswordAsync(string name, string? current, string? replacement, string? keptTokenHash,
        Agency agency, TelexOptions options, SignInGuard guard, Sessions sessions, TimeProvider time, ILogger logger, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(current))
        {
            return new PasswordRefusal("current", "invalid", "required");
        }

        if (replacement is null)
        {
            return new PasswordRefusal("new", "invalid", "required");
        }

        if (replacement.Length < MinPasswordLength)
        {
            return new PasswordRefusal("new", "invalid", $"at least {MinPasswordLength} characters");
        }

        if (replacement.Length > MaxPasswordLength || current.Length > MaxPasswordLength)
        {
            return new PasswordRefusal(replacement.Length > MaxPasswordLength ? "new" : "current", "invalid", $"at most {MaxPasswordLength} characters");
        }

        if (replacement == current)
        {
            return new PasswordRefusal("new", "invalid", "must differ from the current password");
        }

        var officers = agency.Officers;
        using (await guard.LockAsync(name, ct).ConfigureAwait(false))
        {
            var officer = await officers.FindOfficerAsync(name, ct).ConfigureAwait(false)
                ?? throw new TelexException(TelexErrorKind.NotFound, "the officer no longer exists");
            var now = time.GetUtcNow();
            if (officer.LockedUntil is { } until && until > now)
            {
                return new PasswordRefusal(null, "locked", $"too many failed attempts: try again after {until:u}") { LockedUntil = until };
            }

            if (!PasswordHasher.Verify(current, officer.PasswordHash))
            {
                return await CountFailureAsync(agency, officer, options.Api, now, logger, ct).ConfigureAwait(false) is { } lockedUntil
                    ? new PasswordRefusal(null, "locked", $"too many failed attempts: try again after {lockedUntil:u}") { LockedUntil = lockedUntil }
                    : new PasswordRefusal(null, "wrong-password", "the current password is wrong");
            }

            await officers.UpdateOfficerAsync(officer with
            {
                PasswordHash = PasswordHasher.Hash(replacement),
                MustChangePassword = false,
                FailedSignIns = 0,
                LockedUntil = null,
            }, ct).ConfigureAwait(false);

            // Whoever knew the old password may hold a session: none outlives the change. Under the lock, so no sign-in
            // with the old password slips in between.
            await sessions.RevokeOthersAsync(name, keptTokenHash, ct).ConfigureAwait(false);
        }

        ApiLog.PasswordChanged(logger, name);
        return null;
    }
}

/// <summary>Why a password was not changed: a field and what is wrong with it, or a code.</summary>
internal sealed record PasswordRefusal(string? Field, string Code, string Detail)
{
    /// <summary>For <c>locked</c>: when the officer may try again.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
}
