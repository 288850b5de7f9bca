using System.Text;

namespace Brook.WebConsole.Tests;

/// <summary>The console's page, script and styles are embedded in the assembly with their content types and ETags.</summary>
public sealed class ConsoleAssetsTests
{
    private readonly ConsoleAssets _assets = new();

    [Theory]
    [InlineData("index.html", "text/html; charset=utf-8")]
    [InlineData("app.js", "text/javascript; charset=utf-8")]
    [InlineData("app.css", "text/css; charset=utf-8")]
    public void Each_asset_is_embedded_with_its_content_type_and_a_quoted_etag(string path, string contentType)
    {
        var asset = _assets.Find(path);
        Assert.NotNull(asset);
        Assert.Equal(contentType, asset.ContentType);
        Assert.NotEmpty(asset.Content);
        Assert.Matches("^\"[0-9A-F]{16}\"$", asset.ETag);
        Assert.Equal(asset.ETag, new ConsoleAssets().Find(path)!.ETag);
    }

    [Fact]
    public void The_page_loads_only_the_embedded_assets_and_nothing_from_the_internet()
    {
        var page = Encoding.UTF8.GetString(_assets.Find("index.html")!.Content);
        Assert.Contains("/console/app.js", page, StringComparison.Ordinal);
        Assert.Contains("/console/app.css", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", page, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_path_is_not_found()
    {
        Assert.Null(_assets.Find("../Brook.WebConsole.dll"));
        Assert.Null(_assets.Find("missing.js"));
    }
}
