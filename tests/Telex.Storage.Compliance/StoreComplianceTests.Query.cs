using Telex.Core.Model;
using Telex.Core.Storage;

namespace Telex.Storage.Compliance;

/// <summary>Listing, filtering, paging and searching the register.</summary>
public abstract partial class StoreComplianceTests
{
    /// <summary>
    /// Four entries an hour apart, oldest first: out to Alpha (issue-1, routine, queued), in from Alpha (issue-1, flash),
    /// out to Bravo (issue-2, priority, delivered), in from Bravo (no issue, immediate).
    /// </summary>
    private async Task<TelegramRecord[]> SeedRegisterAsync()
    {
        await Store.Ties.SaveTieAsync(NewTie(Alpha));
        await Store.Ties.SaveTieAsync(NewTie(Bravo));
        var outAlpha = (await ReleaseToAsync(Alpha, r => r with
        {
            IssueId = "issue-1",
            Subject = "Ties with five countries",
            Body = "We have organized permanent ties with only five.",
        })).Record;
        Clock.Advance(TimeSpan.FromHours(1));
        var inAlpha = (await ReceiveFromAsync(Alpha, 1, r => r with
        {
            IssueId = "issue-1",
            Precedence = Precedence.Flash,
            Subject = "Eastern Information Bureau",
            Body = "Creating the bureau is still premature.",
            Attendees = ["Zhu De", "Liu Shaoqi"],
        })).Record;
        Clock.Advance(TimeSpan.FromHours(1));
        var outBravo = (await ReleaseToAsync(Bravo, r => r with
        {
            IssueId = "issue-2",
            Precedence = Precedence.Priority,
            Subject = "Aid",
            Body = "The aid is granted.",
            OnBehalfOf = "Gao Gang",
        })).Record;
        Assert.True(await Store.Telegrams.MarkDeliveredAsync(outBravo.Id, [1], 10, Now));
        Clock.Advance(TimeSpan.FromHours(1));
        var inBravo = (await ReceiveFromAsync(Bravo, 1, r => r with
        {
            Precedence = Precedence.Immediate,
            Subject = "Referred",
            Body = "Referred to Shenyang; the aid question is closed.",
        })).Record;
        return [outAlpha, inAlpha, outBravo, inBravo];
    }

    private async Task<Guid[]> IdsAsync(RegisterQuery query) => [.. (await Store.Register.QueryAsync(query)).Select(r => r.Id)];

    [Fact]
    public async Task The_register_is_listed_newest_first()
    {
        var seeded = await SeedRegisterAsync();

        var all = await Store.Register.QueryAsync(new RegisterQuery());

        Assert.Equal(seeded.Reverse().Select(r => r.Id), all.Select(r => r.Id));
        Assert.Equal(TelegramStatus.Delivered, all[1].Status);
    }

    [Fact]
    public async Task The_register_is_filtered_by_counterpart()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[1].Id, s[0].Id], await IdsAsync(new RegisterQuery { Counterpart = Alpha }));
        Assert.Equal([s[3].Id, s[2].Id], await IdsAsync(new RegisterQuery { Counterpart = Bravo }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Counterpart = Charlie }));
    }

    [Fact]
    public async Task The_register_is_filtered_by_issue()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[1].Id, s[0].Id], await IdsAsync(new RegisterQuery { IssueId = "issue-1" }));
        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { IssueId = "issue-2" }));
        Assert.Empty(await IdsAsync(new RegisterQuery { IssueId = "issue-3" }));
    }

    [Fact]
    public async Task The_register_is_filtered_by_precedence()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[0].Id], await IdsAsync(new RegisterQuery { Precedence = Precedence.Routine }));
        Assert.Equal([s[1].Id], await IdsAsync(new RegisterQuery { Precedence = Precedence.Flash }));
        Assert.Equal([s[3].Id], await IdsAsync(new RegisterQuery { Precedence = Precedence.Immediate }));
    }

    [Fact]
    public async Task The_register_is_filtered_by_status()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[0].Id], await IdsAsync(new RegisterQuery { Status = TelegramStatus.Queued }));
        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { Status = TelegramStatus.Delivered }));
        Assert.Equal([s[3].Id, s[1].Id], await IdsAsync(new RegisterQuery { Status = TelegramStatus.Registered }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Status = TelegramStatus.Failed }));
    }

    [Fact]
    public async Task The_register_is_filtered_by_direction()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[2].Id, s[0].Id], await IdsAsync(new RegisterQuery { Direction = Direction.Outbound }));
        Assert.Equal([s[3].Id, s[1].Id], await IdsAsync(new RegisterQuery { Direction = Direction.Inbound }));
    }

    [Fact]
    public async Task A_date_range_includes_its_start_and_excludes_its_end()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[2].Id, s[1].Id], await IdsAsync(new RegisterQuery { From = s[1].RegisteredAt, Until = s[3].RegisteredAt }));
        Assert.Equal([s[3].Id, s[2].Id], await IdsAsync(new RegisterQuery { From = s[2].RegisteredAt }));
        Assert.Equal([s[0].Id], await IdsAsync(new RegisterQuery { Until = s[1].RegisteredAt }));
        Assert.Equal([s[3].Id], await IdsAsync(new RegisterQuery { From = s[2].RegisteredAt + TimeSpan.FromMilliseconds(1) }));
        Assert.Empty(await IdsAsync(new RegisterQuery { From = s[1].RegisteredAt, Until = s[1].RegisteredAt }));
    }

    [Fact]
    public async Task Filters_combine()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[1].Id], await IdsAsync(new RegisterQuery { Counterpart = Alpha, Direction = Direction.Inbound, IssueId = "issue-1" }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Counterpart = Alpha, Precedence = Precedence.Priority }));
    }

    [Fact]
    public async Task The_register_is_paged_with_limit_and_offset()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[3].Id, s[2].Id], await IdsAsync(new RegisterQuery { Limit = 2 }));
        Assert.Equal([s[1].Id, s[0].Id], await IdsAsync(new RegisterQuery { Limit = 2, Offset = 2 }));
        Assert.Equal([s[0].Id], await IdsAsync(new RegisterQuery { Limit = 2, Offset = 3 }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Offset = 4 }));
        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { Direction = Direction.Outbound, Limit = 1 }));
    }

    [Fact]
    public async Task A_query_returns_one_hundred_rows_by_default_and_never_more_than_one_thousand()
    {
        const int n = 1001;
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            await go.Task;
            for (int serial = w + 1; serial <= n; serial += Workers)
            {
                await ReceiveFromAsync(Alpha, serial);
            }
        })).ToArray();
        go.SetResult();
        await Task.WhenAll(workers);

        var byDefault = await Store.Register.QueryAsync(new RegisterQuery());
        var capped = await Store.Register.QueryAsync(new RegisterQuery { Limit = 5000 });

        Assert.Equal(100, new RegisterQuery().Limit);
        Assert.Equal(100, byDefault.Count);
        Assert.Equal(n, byDefault[0].RegistryNumber);
        Assert.Equal(1000, capped.Count);
        Assert.Equal(2, capped[^1].RegistryNumber);
        Assert.Equal([1], (await Store.Register.QueryAsync(new RegisterQuery { Limit = 1000, Offset = 1000 })).Select(r => r.RegistryNumber));
        Assert.Equal(n, await Store.Register.CountAsync(new RegisterQuery()));
    }

    [Fact]
    public async Task Counting_applies_every_filter_and_the_text_but_ignores_limit_and_offset()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal(4, await Store.Register.CountAsync(new RegisterQuery()));
        Assert.Equal(4, await Store.Register.CountAsync(new RegisterQuery { Limit = 1, Offset = 3 }));
        Assert.Equal(4, await Store.Register.CountAsync(new RegisterQuery { Offset = 10 }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { Counterpart = Alpha, Limit = 1 }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { IssueId = "issue-1" }));
        Assert.Equal(1, await Store.Register.CountAsync(new RegisterQuery { Precedence = Precedence.Flash }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { Status = TelegramStatus.Registered }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { Direction = Direction.Outbound }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { From = s[1].RegisteredAt, Until = s[3].RegisteredAt }));
        Assert.Equal(2, await Store.Register.CountAsync(new RegisterQuery { Text = "aid" }));
        Assert.Equal(1, await Store.Register.CountAsync(new RegisterQuery { Text = "aid", Direction = Direction.Inbound }));
        Assert.Equal(0, await Store.Register.CountAsync(new RegisterQuery { Text = "Moscow" }));
        Assert.Equal(0, await Store.Register.CountAsync(new RegisterQuery { Counterpart = Charlie }));
    }

    [Fact]
    public async Task Full_text_search_finds_telegrams_by_a_word_of_the_body_newest_first()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[3].Id, s[2].Id], await IdsAsync(new RegisterQuery { Text = "aid" }));
        Assert.Equal([s[1].Id], await IdsAsync(new RegisterQuery { Text = "premature" }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Text = "Moscow" }));
    }

    [Fact]
    public async Task Full_text_search_covers_subject_attendees_and_on_behalf_of()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[1].Id], await IdsAsync(new RegisterQuery { Text = "Bureau" }));
        Assert.Equal([s[1].Id], await IdsAsync(new RegisterQuery { Text = "Shaoqi" }));
        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { Text = "Gao" }));
        Assert.Equal([s[0].Id], await IdsAsync(new RegisterQuery { Text = "countries" }));
    }

    [Fact]
    public async Task Full_text_search_combines_with_filters_and_paging()
    {
        var s = await SeedRegisterAsync();

        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { Text = "aid", Direction = Direction.Outbound }));
        Assert.Equal([s[3].Id], await IdsAsync(new RegisterQuery { Text = "aid", Counterpart = Bravo, Limit = 1 }));
        Assert.Equal([s[2].Id], await IdsAsync(new RegisterQuery { Text = "aid", Offset = 1 }));
        Assert.Empty(await IdsAsync(new RegisterQuery { Text = "aid", Counterpart = Alpha }));
    }

    [Fact]
    public async Task Full_text_search_finds_new_words_after_more_telegrams_arrive()
    {
        var s = await SeedRegisterAsync();
        var later = await ReceiveFromAsync(Alpha, 2, r => r with { Body = "Coordinate with Moscow first." });

        Assert.Equal([later.Record.Id], await IdsAsync(new RegisterQuery { Text = "Moscow" }));
        Assert.Equal(s.Length + 1, (await Store.Register.QueryAsync(new RegisterQuery())).Count);
    }
}
