using Telex.Core.Model;

namespace Telex.Storage.Compliance;

/// <summary>Settings, officers, tokens, invitations and migration.</summary>
public abstract partial class StoreComplianceTests
{
    [Fact]
    public async Task Migrating_again_keeps_everything_stored()
    {
        await Store.Settings.SetSettingAsync("agency.name", "Kovalev");
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        var released = await ReleaseToAsync(Alpha);

        await Store.MigrateAsync();

        Assert.Equal("Kovalev", await Store.Settings.GetSettingAsync("agency.name"));
        AssertSameFields(released.Record, await Store.Telegrams.GetTelegramAsync(released.Record.Id, Direction.Outbound));
        Assert.Equal(2, (await ReleaseToAsync(Alpha)).Record.Serial);
    }

    [Fact]
    public async Task A_setting_never_written_reads_as_null()
    {
        Assert.Null(await Store.Settings.GetSettingAsync("nothing.here"));
    }

    [Fact]
    public async Task A_setting_reads_back_as_written_and_a_second_write_replaces_it()
    {
        await Store.Settings.SetSettingAsync("agency.name", "Agency of 1949");
        await Store.Settings.SetSettingAsync("agency.motto", "Nº 54611 — 毛泽东");
        Assert.Equal("Agency of 1949", await Store.Settings.GetSettingAsync("agency.name"));

        await Store.Settings.SetSettingAsync("agency.name", "Renamed");

        Assert.Equal("Renamed", await Store.Settings.GetSettingAsync("agency.name"));
        Assert.Equal("Nº 54611 — 毛泽东", await Store.Settings.GetSettingAsync("agency.motto"));
    }

    [Fact]
    public async Task Settings_are_listed_by_prefix_in_key_order_and_a_prefix_is_matched_literally()
    {
        await Store.Settings.SetSettingAsync("console.key.b", "<key id=\"b\"/>");
        await Store.Settings.SetSettingAsync("console.key.a", "<key id=\"a\"/>");
        await Store.Settings.SetSettingAsync("console.keyring", "not under the prefix");
        await Store.Settings.SetSettingAsync("console_key_x", "matches 'console.key.' only if . or _ were wildcards");
        await Store.Settings.SetSettingAsync("clearance.rules", "{}");

        var listed = await Store.Settings.ListSettingsAsync("console.key.");

        Assert.Equal(["console.key.a", "console.key.b"], listed.Select(p => p.Key));
        Assert.Equal("<key id=\"a\"/>", listed[0].Value);
        Assert.Empty(await Store.Settings.ListSettingsAsync("console.key.c"));
        Assert.Empty(await Store.Settings.ListSettingsAsync("console%"));
        Assert.Superset(new HashSet<string> { "console.key.a", "console.key.b", "console.keyring", "console_key_x", "clearance.rules" },
            (await Store.Settings.ListSettingsAsync("")).Select(p => p.Key).ToHashSet());
    }

    private static Officer NewOfficer(string name) =>
        new(Name: name, Role: Role.ReleasingOfficer, PasswordHash: "hash-of-" + name, CreatedAt: Start, MustChangePassword: true,
            FailedSignIns: 2, LockedUntil: Start + TimeSpan.FromMinutes(15));

    [Fact]
    public async Task An_added_officer_is_found_by_name_with_every_field()
    {
        var full = NewOfficer("kovalev") with { Disabled = true };
        var plain = NewOfficer("zhu") with { Role = Role.Clerk, MustChangePassword = false, FailedSignIns = 0, LockedUntil = null };

        Assert.True(await Store.Officers.AddOfficerAsync(full));
        Assert.True(await Store.Officers.AddOfficerAsync(plain));

        AssertSameFields(full, await Store.Officers.FindOfficerAsync("kovalev"));
        AssertSameFields(plain, await Store.Officers.FindOfficerAsync("zhu"));
    }

    [Fact]
    public async Task Adding_an_officer_whose_name_is_taken_is_refused_and_keeps_the_first()
    {
        var first = NewOfficer("kovalev");
        Assert.True(await Store.Officers.AddOfficerAsync(first));

        Assert.False(await Store.Officers.AddOfficerAsync(NewOfficer("kovalev") with { Role = Role.Admin, PasswordHash = "other" }));

        AssertSameFields(first, await Store.Officers.FindOfficerAsync("kovalev"));
        Assert.Single(await Store.Officers.ListOfficersAsync());
    }

    [Fact]
    public async Task An_unknown_officer_is_not_found()
    {
        await Store.Officers.AddOfficerAsync(NewOfficer("kovalev"));

        Assert.Null(await Store.Officers.FindOfficerAsync("gao"));
    }

    [Fact]
    public async Task Updating_an_officer_replaces_the_password_and_sign_in_state_by_name_but_never_the_role()
    {
        await Store.Officers.AddOfficerAsync(NewOfficer("kovalev"));
        var other = NewOfficer("liu");
        await Store.Officers.AddOfficerAsync(other);
        var updated = NewOfficer("kovalev") with
        {
            Role = Role.Auditor,
            PasswordHash = "new-hash",
            MustChangePassword = false,
            FailedSignIns = 5,
            LockedUntil = Start + TimeSpan.FromHours(1),
        };

        // The role (and whether the officer is disabled) changes only by an act of administration, which is filed.
        await Store.Officers.UpdateOfficerAsync(updated with { Disabled = true });
        AssertSameFields(updated with { Role = Role.ReleasingOfficer }, await Store.Officers.FindOfficerAsync("kovalev"));

        var unlocked = updated with { FailedSignIns = 0, LockedUntil = null };
        await Store.Officers.UpdateOfficerAsync(unlocked);
        AssertSameFields(unlocked with { Role = Role.ReleasingOfficer }, await Store.Officers.FindOfficerAsync("kovalev"));
        AssertSameFields(other, await Store.Officers.FindOfficerAsync("liu"));
    }

    [Fact]
    public async Task Officers_are_listed_by_name()
    {
        foreach (string name in new[] { "zhu", "gao", "mao", "kovalev" })
        {
            await Store.Officers.AddOfficerAsync(NewOfficer(name));
        }

        var officers = await Store.Officers.ListOfficersAsync();

        Assert.Equal(["gao", "kovalev", "mao", "zhu"], officers.Select(o => o.Name));
        AssertSameFields(NewOfficer("mao"), officers[2]);
    }

    [Fact]
    public async Task A_token_is_found_by_its_hash_only_before_it_expires()
    {
        var token = new ApiToken("token-hash-1", "kovalev", Start, Start + TimeSpan.FromHours(8));
        await Store.Sessions.AddTokenAsync(token);
        await Store.Sessions.AddTokenAsync(new ApiToken("token-hash-2", "zhu", Start, Start + TimeSpan.FromHours(1)));

        Assert.Equal(token, await Store.Sessions.FindTokenAsync("token-hash-1", Start));
        Assert.Equal(token, await Store.Sessions.FindTokenAsync("token-hash-1", token.ExpiresAt - TimeSpan.FromMilliseconds(1)));
        Assert.Null(await Store.Sessions.FindTokenAsync("token-hash-1", token.ExpiresAt));
        Assert.Null(await Store.Sessions.FindTokenAsync("token-hash-1", token.ExpiresAt + TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task An_unknown_token_hash_finds_nothing()
    {
        await Store.Sessions.AddTokenAsync(new ApiToken("token-hash-1", "kovalev", Start, Start + TimeSpan.FromHours(8)));

        Assert.Null(await Store.Sessions.FindTokenAsync("token-hash-2", Start));
    }

    [Fact]
    public async Task A_revoked_token_is_no_longer_found_and_revoking_it_again_is_refused()
    {
        var token = new ApiToken("token-hash-1", "kovalev", Start, Start + TimeSpan.FromHours(8));
        var other = new ApiToken("token-hash-2", "kovalev", Start, Start + TimeSpan.FromHours(8));
        await Store.Sessions.AddTokenAsync(token);
        await Store.Sessions.AddTokenAsync(other);

        Assert.True(await Store.Sessions.RevokeTokenAsync("token-hash-1"));

        Assert.Null(await Store.Sessions.FindTokenAsync("token-hash-1", Start));
        Assert.False(await Store.Sessions.RevokeTokenAsync("token-hash-1"));
        Assert.False(await Store.Sessions.RevokeTokenAsync("token-hash-3"));
        Assert.Equal(other, await Store.Sessions.FindTokenAsync("token-hash-2", Start));
    }

    [Fact]
    public async Task Revoking_an_officers_tokens_keeps_only_the_one_named_and_leaves_other_officers_alone()
    {
        foreach (var (hash, officer) in new[] { ("k-1", "kovalev"), ("k-2", "kovalev"), ("k-3", "kovalev"), ("s-1", "sokolova") })
        {
            await Store.Sessions.AddTokenAsync(new ApiToken(hash, officer, Start, Start + TimeSpan.FromHours(8)));
        }

        Assert.Equal(2, await Store.Sessions.RevokeOfficerTokensAsync("kovalev", keptTokenHash: "k-2"));

        Assert.Null(await Store.Sessions.FindTokenAsync("k-1", Start));
        Assert.NotNull(await Store.Sessions.FindTokenAsync("k-2", Start));
        Assert.Null(await Store.Sessions.FindTokenAsync("k-3", Start));
        Assert.NotNull(await Store.Sessions.FindTokenAsync("s-1", Start));

        Assert.Equal(1, await Store.Sessions.RevokeOfficerTokensAsync("kovalev", keptTokenHash: null));
        Assert.Null(await Store.Sessions.FindTokenAsync("k-2", Start));
        Assert.Equal(0, await Store.Sessions.RevokeOfficerTokensAsync("nobody", keptTokenHash: null));
        Assert.NotNull(await Store.Sessions.FindTokenAsync("s-1", Start));
    }

    private static Invitation NewInvitation(string id, string? note = "for the Shenyang office") =>
        new(id, "secret-hash-" + id, Start, Start + TimeSpan.FromDays(1), note);

    [Fact]
    public async Task An_invitation_is_consumed_once_and_returned_with_every_field()
    {
        var invitation = NewInvitation("inv-1");
        var withoutNote = NewInvitation("inv-2", note: null);
        await Store.Ties.AddInvitationAsync(invitation);
        await Store.Ties.AddInvitationAsync(withoutNote);

        Assert.Equal(invitation, await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromHours(1)));
        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromHours(1)));
        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromHours(2)));
        Assert.Equal(withoutNote, await Store.Ties.ConsumeInvitationAsync("inv-2", "secret-hash-inv-2", Start + TimeSpan.FromHours(2)));
    }

    [Fact]
    public async Task An_expired_invitation_is_not_consumed_and_is_left_unused()
    {
        var invitation = NewInvitation("inv-1");
        await Store.Ties.AddInvitationAsync(invitation);

        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", invitation.ExpiresAt));
        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", invitation.ExpiresAt + TimeSpan.FromDays(30)));

        // Nothing changed: at a time it is still valid, it is consumed as if those calls had never been made.
        Assert.Equal(invitation, await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", invitation.ExpiresAt - TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public async Task An_invitation_presented_with_a_wrong_secret_is_not_consumed_and_stays_usable()
    {
        var invitation = NewInvitation("inv-1");
        await Store.Ties.AddInvitationAsync(invitation);

        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-mistyped", Start + TimeSpan.FromMinutes(1)));
        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "", Start + TimeSpan.FromMinutes(2)));

        Assert.Equal(invitation, await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromMinutes(3)));
        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromMinutes(4)));
    }

    [Fact]
    public async Task An_unknown_invitation_is_not_consumed()
    {
        await Store.Ties.AddInvitationAsync(NewInvitation("inv-1"));

        Assert.Null(await Store.Ties.ConsumeInvitationAsync("inv-2", "secret-hash-inv-2", Start));
        Assert.NotNull(await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start));
    }

    [Fact]
    public async Task Of_eight_concurrent_consumers_of_one_invitation_exactly_one_wins()
    {
        await Store.Ties.AddInvitationAsync(NewInvitation("inv-1"));
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var attempts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await go.Task;
            return await Store.Ties.ConsumeInvitationAsync("inv-1", "secret-hash-inv-1", Start + TimeSpan.FromMinutes(1));
        })).ToArray();
        go.SetResult();
        var results = await Task.WhenAll(attempts);

        Assert.Single(results, r => r is not null);
        Assert.Equal(7, results.Count(r => r is null));
    }
}
