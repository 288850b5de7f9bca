namespace Brook.Storage.IO;

/// <summary>The real file system.</summary>
public sealed class PhysicalLogFileSystem : ILogFileSystem
{
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
    public ILogFile OpenFile(string path, bool createIfMissing) => new PhysicalLogFile(path, createIfMissing);
    public void DeleteFile(string path) => File.Delete(path);
    public void MoveFile(string source, string destination) => File.Move(source, destination, overwrite: true);
    public void SyncDirectory(string directory) => DirectorySync.TrySync(directory);
}
