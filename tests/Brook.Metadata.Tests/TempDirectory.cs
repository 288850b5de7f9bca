using Brook.Common.Config;
namespace Brook.Metadata.Tests;

/// <summary>A fresh directory per test, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "brook-metadata-" + Guid.NewGuid().ToString("N"));

    public string MetadataLogFile => System.IO.Path.Combine(Path, MetadataLog.DirectoryName, MetadataLog.FileName);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
