using Microsoft.Playwright;

namespace Brook.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's Chromium (/usr/bin/chromium) driven by Microsoft.Playwright, headless, with no browser download: the flags
/// keep it off the network this machine does not have (background updates, sync, QUIC), and each launch gets a fresh
/// profile. Screenshots go to TestResults/console-screenshots so CI keeps them as artifacts.
/// </summary>
public sealed class HeadlessChromium : IAsyncDisposable
{
    /// <summary>Where Debian installs Chromium.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    /// <summary>How to get it.</summary>
    public const string InstallHint = "install with: apt-get install -y chromium (scripts/test.sh does this when run as root)";

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    /// <summary>Whether Chromium is installed.</summary>
    public static bool IsAvailable => File.Exists(ChromiumPath);

    /// <summary>The folder screenshots are written to.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepoPaths.RepoRoot, "TestResults", "console-screenshots");

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; }

    /// <summary>Starts Playwright's driver and Chromium.</summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>A new page with a desktop-sized viewport.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    /// <summary>Saves a full-page screenshot named <paramref name="name"/>.png and returns its path.</summary>
    public static async Task<string> ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>
/// A [Fact] for browser tests: skipped, with the reason naming the fix, when Chromium is missing, except in CI, where it
/// runs and fails so a machine without a browser never passes quietly.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!HeadlessChromium.IsAvailable && !NetworkNamespace.Required)
            Skip = $"{HeadlessChromium.ChromiumPath} not found; {HeadlessChromium.InstallHint} (CI=true or {NetworkNamespace.RequireVariable}=1 turns this skip into a failure)";
    }
}
