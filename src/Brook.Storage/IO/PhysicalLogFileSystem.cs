namespace Brook.Storage.IO;

/// <summary>The real file system; segment files (*.log) get bounded write-back when it is given a <see cref="LogWriteBack"/>.</summary>
public sealed class PhysicalLogFileSystem(LogWriteBack? writeBack = null) : ILogFileSystem, IDisposable
{
    /// <summary>The real file system without write-back.</summary>
    public static PhysicalLogFileSystem Instance { get; } = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);
    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void DeleteDirectory(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    public IReadOnlyList<string> ListFiles(string directory)
    {
        var names = new List<string>();
        foreach (var path in Directory.EnumerateFiles(directory)) names.Add(Path.GetFileName(path));
        return names;
    }

    public bool FileExists(string path) => File.Exists(path);

    public ILogFile OpenFile(string path, bool createIfMissing) =>
        new PhysicalLogFile(path, createIfMissing, path.EndsWith(LogFileNames.LogSuffix, StringComparison.Ordinal) ? writeBack : null);

    public void DeleteFile(string path) => File.Delete(path);
    public void MoveFile(string source, string destination) => File.Move(source, destination, overwrite: true);
    public void SyncDirectory(string directory) => DirectorySync.TrySync(directory);

    /// <summary>Ends the write-back thread (after what it was handed); the file system itself holds nothing else.</summary>
    public void Dispose() => writeBack?.Dispose();
}
