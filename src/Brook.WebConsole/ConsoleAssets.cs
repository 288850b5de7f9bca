using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Brook.WebConsole;

/// <summary>
/// The console's page, script and style sheet, embedded in this assembly (no CDN, no files beside the binary), read once
/// and served with an ETag so a browser revalidates instead of downloading them again.
/// </summary>
public sealed class ConsoleAssets
{
    private readonly FrozenDictionary<string, Asset> _assets;

    /// <summary>One embedded file.</summary>
    public sealed record Asset(byte[] Content, string ContentType, string ETag);

    public ConsoleAssets()
    {
        var assembly = typeof(ConsoleAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("console/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            var etag = "\"" + Convert.ToHexString(SHA256.HashData(content))[..16] + "\"";
            assets[name["console/".Length..]] = new Asset(content, ContentTypeOf(name), etag);
        }
        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The file at <paramref name="path"/> (relative to the console's root), or null.</summary>
    public Asset? Find(string path) => _assets.GetValueOrDefault(path);

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
