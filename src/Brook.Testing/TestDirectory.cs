namespace Brook.Testing;

/// <summary>A test broker's data directory: the one the options name (kept), or a fresh temporary one (deleted at disposal).</summary>
internal sealed class TestDirectory
{
    private TestDirectory(string path, bool owned)
    {
        Path = path;
        Owned = owned;
    }

    /// <summary>Absolute path of the directory.</summary>
    public string Path { get; }

    /// <summary>True when this directory was made for the test and is deleted at disposal.</summary>
    public bool Owned { get; }

    public static TestDirectory For(string? requested, string label)
    {
        if (requested is not null)
        {
            var full = System.IO.Path.GetFullPath(requested);
            Directory.CreateDirectory(full);
            return new TestDirectory(full, owned: false);
        }
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "brook-testing", $"{label}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return new TestDirectory(path, owned: true);
    }

    /// <summary>Deletes the directory if it was made for the test; a file still held open is left for the OS to clean.</summary>
    public void DeleteIfOwned()
    {
        if (!Owned) return;
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
