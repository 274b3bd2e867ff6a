using Microsoft.Playwright;

using Telex.Core.Security;
using Telex.TestKit;

namespace Telex.Console.Tests;

/// <summary>
/// One headless Debian Chromium (<c>/usr/bin/chromium</c>, installed by <c>.ci/run</c>) shared by the console tests;
/// Playwright never downloads a browser here. Each officer gets a browser context of their own (separate cookies).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"{ChromiumPath} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does");
        }

        // Expect(...) waits as long as actions do: Playwright's own 5 s is too short on a busy machine.
        Assertions.SetDefaultExpectTimeout(OfficerBrowser.Deadline);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class SharedBrowser : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}

/// <summary>An officer signed in to an agency's console in a browser context of their own.</summary>
public sealed class OfficerBrowser : IAsyncDisposable
{
    /// <summary>
    /// How long an action, and an expectation, waits for the page to show what it should (live updates cross two
    /// agencies); both are set to it.
    /// </summary>
    public static readonly float Deadline = 30_000;

    private OfficerBrowser(IBrowserContext context, IPage page, TestAgency agency, string name)
    {
        Context = context;
        Page = page;
        Agency = agency;
        Name = name;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public TestAgency Agency { get; }

    public string Name { get; }

    /// <summary>Adds an officer with a known password to the agency's store.</summary>
    public static async Task AddAsync(TestAgency agency, string name, Role role, string password)
    {
        Assert.True(await agency.Store.Officers.AddOfficerAsync(new Telex.Core.Model.Officer(name, role, PasswordHasher.Hash(password),
            CreatedAt: DateTimeOffset.UtcNow)));
    }

    /// <summary>Opens a fresh browser context at the agency's console (no session yet).</summary>
    public static async Task<OfficerBrowser> OpenAsync(IBrowser browser, TestAgency agency, string name, int width = 1280, int height = 900)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = agency.Url,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(Deadline);
        var page = await context.NewPageAsync();
        return new OfficerBrowser(context, page, agency, name);
    }

    /// <summary>Adds the officer, opens a context and signs in through the sign-in form.</summary>
    public static async Task<OfficerBrowser> SignInAsync(IBrowser browser, TestAgency agency, string name, Role role, int width = 1280, int height = 900)
    {
        string password = "correct horse " + name;
        await AddAsync(agency, name, role, password);
        var officer = await OpenAsync(browser, agency, name, width, height);
        await officer.SubmitSignInAsync(password);
        await Assertions.Expect(officer.Page.GetByTestId("officer")).ToHaveTextAsync(name);
        return officer;
    }

    /// <summary>Fills and submits the sign-in form.</summary>
    public async Task SubmitSignInAsync(string password)
    {
        await Page.GotoAsync("/sign-in");
        await Page.GetByLabel("Officer name").FillAsync(Name);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Saves a screenshot of the page under docs/console/ (the README shows them).</summary>
    public async Task ScreenshotAsync(string name)
    {
        string folder = Path.Combine(RepositoryRoot(), "docs", "console");
        Directory.CreateDirectory(folder);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telex.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Telex.slnx) was not found above the test assembly");
    }

    public async ValueTask DisposeAsync() => await Context.DisposeAsync();
}
