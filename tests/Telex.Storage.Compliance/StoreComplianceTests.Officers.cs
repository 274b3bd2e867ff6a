using Telex.Core;
using Telex.Core.Model;
using Telex.Core.Register;

namespace Telex.Storage.Compliance;

/// <summary>Officer administration: each act filed with its chain entry, the last enabled admin kept, nothing changed by a refusal.</summary>
public abstract partial class StoreComplianceTests
{
    private static Officer Staff(string name, Role role) => new(Name: name, Role: role, PasswordHash: "hash-of-" + name, CreatedAt: Start);

    private OfficerEvent Act(OfficerAction action, string officer, Role? role = null, DateTimeOffset? until = null) =>
        new() { Action = action, Officer = officer, By = "ada", At = Now, Role = role, Until = until };

    private async Task AddTokenOfAsync(string officer) =>
        await Store.Sessions.AddTokenAsync(new ApiToken("token-of-" + officer, officer, Now, Now + TimeSpan.FromHours(1)));

    private async Task<bool> HasTokenAsync(string officer) => await Store.Sessions.FindTokenAsync("token-of-" + officer, Now) is not null;

    [Fact]
    public async Task Each_act_of_officer_administration_changes_the_officer_and_is_filed_in_the_chain_with_its_content()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("kovalev", Role.Clerk) with { MustChangePassword = true, CreatedAt = Now }, "ada"));
        Assert.False(await Store.Officers.AddOfficerAsync(Staff("kovalev", Role.Admin), "ada"));
        await AddTokenOfAsync("kovalev");

        Clock.Advance(TimeSpan.FromMinutes(1));
        var until = Now + TimeSpan.FromMinutes(15);
        var locked = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.LockedOut, "kovalev", until: until) with { By = null });
        Assert.Equal(until, (await Store.Officers.FindOfficerAsync("kovalev"))!.LockedUntil);
        Assert.True(await HasTokenAsync("kovalev"));

        var unlocked = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Unlocked, "kovalev"));
        Assert.Null((await Store.Officers.FindOfficerAsync("kovalev"))!.LockedUntil);

        var reset = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.PasswordReset, "kovalev"), "new-hash");
        var afterReset = (await Store.Officers.FindOfficerAsync("kovalev"))!;
        Assert.Equal(("new-hash", true), (afterReset.PasswordHash, afterReset.MustChangePassword));
        Assert.False(await HasTokenAsync("kovalev"));

        await AddTokenOfAsync("kovalev");
        var disabled = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Disabled, "kovalev"));
        Assert.True((await Store.Officers.FindOfficerAsync("kovalev"))!.Disabled);
        Assert.False(await HasTokenAsync("kovalev"));
        var enabled = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Enabled, "kovalev"));
        Assert.False((await Store.Officers.FindOfficerAsync("kovalev"))!.Disabled);

        await AddTokenOfAsync("kovalev");
        var promoted = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, "kovalev", Role.Admin));
        Assert.Equal(Role.Admin, (await Store.Officers.FindOfficerAsync("kovalev"))!.Role);
        Assert.True(await HasTokenAsync("kovalev"));
        Assert.Equal(Role.Clerk, promoted!.PreviousRole);

        var removed = await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Removed, "kovalev"));
        Assert.Null(await Store.Officers.FindOfficerAsync("kovalev"));
        Assert.False(await HasTokenAsync("kovalev"));

        OfficerEvent[] filed = [locked!, unlocked!, reset!, disabled!, enabled!, promoted, removed!];
        var register = await Store.Register.ReadRegisterAsync();
        Assert.Equal(8, register.Entries.Count);
        Assert.All(register.Entries, e =>
        {
            Assert.Equal(RegisterKinds.Officer, e.Kind);
            Assert.Equal("officer/kovalev", e.Reference);
            Assert.NotNull(e.Content);
        });
        Assert.Equal(Enumerable.Range(2, 7).Select(p => (long)p), filed.Select(e => e.Position));
        for (int i = 0; i < filed.Length; i++)
        {
            Assert.Equal(CanonicalWriter.Sha256Hex(RegisterChain.OfficerContent(filed[i])), register.Entries[i + 1].ContentHash);
        }

        var history = await Store.Officers.ListOfficerEventsAsync("kovalev");
        Assert.Equal(
            [OfficerAction.Removed, OfficerAction.RoleChanged, OfficerAction.Enabled, OfficerAction.Disabled, OfficerAction.PasswordReset,
                OfficerAction.Unlocked, OfficerAction.LockedOut, OfficerAction.Added],
            history.Select(e => e.Action));
        AssertSameFields(promoted, history[1]);
        AssertSameFields(locked!, history[6]);
        Assert.Null(history[6].By);
        Assert.Equal(until, history[6].Until);
        Assert.Equal((Role.Clerk, "ada"), (history[7].Role!.Value, history[7].By));
        Assert.Equal(2, (await Store.Officers.ListOfficerEventsAsync(null, limit: 2)).Count);
        Assert.Empty(await Store.Officers.ListOfficerEventsAsync("ada"));

        var report = RegisterVerifier.Verify(register, Alpha, NoSignatures);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(8, report.OfficerEvents);

        // The JSON Lines export carries the officer entries with their content, and what it reads back verifies.
        using var export = new MemoryStream();
        await RegisterExport.WriteAsync(export, register, Alpha, "Alpha", Now);
        export.Position = 0;
        var (read, _, error) = await RegisterExport.ReadAsync(export);
        Assert.Null(error);
        Assert.Equal(register.Entries.Select(e => (e.Hash, Convert.ToHexString(e.Content!))), read!.Entries.Select(e => (e.Hash, Convert.ToHexString(e.Content!))));
        Assert.Equal(8, RegisterVerifier.Verify(read, Alpha, NoSignatures).OfficerEvents);
    }

    [Fact]
    public async Task An_act_that_would_change_nothing_files_nothing()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("kovalev", Role.Clerk)));

        Assert.Null(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Enabled, "kovalev")));
        Assert.Null(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Unlocked, "kovalev")));
        Assert.Null(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, "kovalev", Role.Clerk)));

        Assert.Equal(0, (await Store.Register.GetRegisterHeadAsync()).Count);
        AssertSameFields(Staff("kovalev", Role.Clerk), await Store.Officers.FindOfficerAsync("kovalev"));
    }

    [Fact]
    public async Task The_last_enabled_admin_cannot_be_removed_disabled_or_demoted_and_a_refusal_changes_nothing()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("bob", Role.Admin) with { Disabled = true }));
        await AddTokenOfAsync("ada");

        // A disabled admin does not count: ada is the only enabled one.
        foreach (var act in new[] { Act(OfficerAction.Removed, "ada"), Act(OfficerAction.Disabled, "ada"), Act(OfficerAction.RoleChanged, "ada", Role.Auditor) })
        {
            var refused = await Assert.ThrowsAsync<TelexException>(() => Store.Officers.AdministerOfficerAsync(act));
            Assert.Equal(TelexErrorKind.Conflict, refused.Kind);
            Assert.Contains("last enabled admin", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await Store.Register.GetRegisterHeadAsync()).Count);
        AssertSameFields(Staff("ada", Role.Admin), await Store.Officers.FindOfficerAsync("ada"));
        Assert.True(await HasTokenAsync("ada"));

        // Her own password reset and a lockout leave her the admin she is.
        Assert.NotNull(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.PasswordReset, "ada"), "reset-hash"));
        Assert.NotNull(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.LockedOut, "ada", until: Now + TimeSpan.FromMinutes(15))));

        // With bob enabled, ada may step down; then bob is the last one.
        Assert.NotNull(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Enabled, "bob")));
        Assert.NotNull(await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, "ada", Role.Clerk)));
        Assert.Equal(TelexErrorKind.Conflict,
            (await Assert.ThrowsAsync<TelexException>(() => Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Disabled, "bob")))).Kind);
        Assert.False((await Store.Officers.FindOfficerAsync("bob"))!.Disabled);
    }

    [Fact]
    public async Task Two_admins_demoting_each_other_at_once_leave_exactly_one_enabled_admin()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("bob", Role.Admin)));
        for (int round = 0; round < 10; round++)
        {
            // Removing, disabling and demoting all take an enabled admin away; both acts checked against the same count
            // would leave none.
            var acts = (round % 3) switch
            {
                0 => (Act(OfficerAction.RoleChanged, "ada", Role.Clerk), Act(OfficerAction.RoleChanged, "bob", Role.Clerk)),
                1 => (Act(OfficerAction.Disabled, "ada"), Act(OfficerAction.Disabled, "bob")),
                _ => (Act(OfficerAction.Disabled, "ada"), Act(OfficerAction.RoleChanged, "bob", Role.Auditor)),
            };
            var outcomes = await Task.WhenAll(Attempt(acts.Item1), Attempt(acts.Item2));

            Assert.Equal(1, outcomes.Count(o => o));
            var officers = await Store.Officers.ListOfficersAsync();
            Assert.Single(officers, o => o is { Role: Role.Admin, Disabled: false });

            // Both admins again for the next round; each restoring act is filed too.
            foreach (var o in officers.Where(o => o.Role != Role.Admin))
            {
                await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, o.Name, Role.Admin));
            }

            foreach (var o in officers.Where(o => o.Disabled))
            {
                await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.Enabled, o.Name));
            }
        }

        var report = RegisterVerifier.Verify(await Store.Register.ReadRegisterAsync(), Alpha, NoSignatures);
        Assert.True(report.Ok, string.Join("; ", report.Problems));
        Assert.Equal(20, report.OfficerEvents);

        async Task<bool> Attempt(OfficerEvent act)
        {
            try
            {
                return await Task.Run(() => Store.Officers.AdministerOfficerAsync(act)) is not null;
            }
            catch (TelexException e) when (e.Kind == TelexErrorKind.Conflict)
            {
                return false;
            }
        }
    }

    [Fact]
    public async Task An_act_on_an_unknown_officer_is_not_found_and_files_nothing()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));

        foreach (var action in new[] { OfficerAction.PasswordReset, OfficerAction.Unlocked, OfficerAction.Disabled, OfficerAction.Removed })
        {
            var refused = await Assert.ThrowsAsync<TelexException>(() => Store.Officers.AdministerOfficerAsync(Act(action, "nobody"), "hash"));
            Assert.Equal(TelexErrorKind.NotFound, refused.Kind);
        }

        Assert.Equal(0, (await Store.Register.GetRegisterHeadAsync()).Count);
    }

    [Fact]
    public async Task Counting_sign_in_failures_changes_only_the_count_and_the_lockout()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("kovalev", Role.Clerk)));
        await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.PasswordReset, "kovalev"), "reset-hash");
        await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, "kovalev", Role.ReleasingOfficer));

        // A sign-in that read the officer before the reset and the role change writes its count afterwards: it undoes neither.
        await Store.Officers.SetSignInFailuresAsync("kovalev", 3, Start + TimeSpan.FromHours(1));

        var officer = (await Store.Officers.FindOfficerAsync("kovalev"))!;
        Assert.Equal(("reset-hash", Role.ReleasingOfficer, true), (officer.PasswordHash, officer.Role, officer.MustChangePassword));
        Assert.Equal((3, Start + TimeSpan.FromHours(1)), (officer.FailedSignIns, officer.LockedUntil));
        Assert.Equal(2, (await Store.Register.GetRegisterHeadAsync()).Count);
    }

    [Fact]
    public async Task An_officer_entry_whose_kept_content_is_altered_is_reported_by_the_verifier()
    {
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("ada", Role.Admin)));
        Assert.True(await Store.Officers.AddOfficerAsync(Staff("kovalev", Role.Clerk), "ada"));
        await Store.Officers.AdministerOfficerAsync(Act(OfficerAction.RoleChanged, "kovalev", Role.Admin));
        var register = await Store.Register.ReadRegisterAsync();
        Assert.True(RegisterVerifier.Verify(register, Alpha, NoSignatures).Ok);

        // Someone rewrites who promoted kovalev; then also the content hash; then the entry's hash too.
        var entry = register.Entries[1];
        var forged = RegisterChain.OfficerContent(RegisterChain.ReadOfficerEvent(entry)! with { By = "mallory" });
        RegisterSnapshot With(RegisterEntry e) => register with { Entries = [register.Entries[0], e] };

        var contentOnly = RegisterVerifier.Verify(With(entry with { Content = forged }), Alpha, NoSignatures);
        Assert.Equal((2L, "changed"), (contentOnly.First!.Position!.Value, contentOnly.First.Problem));
        var withHash = RegisterVerifier.Verify(With(entry with { Content = forged, ContentHash = CanonicalWriter.Sha256Hex(forged) }), Alpha, NoSignatures);
        Assert.Equal((2L, "changed"), (withHash.First!.Position!.Value, withHash.First.Problem));

        // An entry under another officer's reference than its content names is not an act on its officer.
        var moved = entry with { Reference = RegisterChain.OfficerReference("ada") };
        var rehashed = moved with { Hash = RegisterChain.HashOf(moved.Position, moved.Kind, moved.Reference, moved.Time, moved.ContentHash, moved.PrevHash) };
        var misplaced = RegisterVerifier.Verify(With(rehashed), Alpha, NoSignatures);
        Assert.Contains(misplaced.Problems, p => p.Position == 2 && p.Detail.Contains("officer", StringComparison.Ordinal));
    }
}
