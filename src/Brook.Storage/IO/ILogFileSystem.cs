namespace Brook.Storage.IO;

/// <summary>
/// Every file-system operation the storage layer performs. <see cref="PhysicalLogFileSystem"/> is the real one;
/// tests wrap it to simulate crashes and torn writes.
/// </summary>
public interface ILogFileSystem
{
    bool DirectoryExists(string path);

    void CreateDirectory(string path);

    /// <summary>Removes a directory and everything in it; no error if it does not exist.</summary>
    void DeleteDirectory(string path);

    /// <summary>Names (not paths) of the regular files directly inside <paramref name="directory"/>.</summary>
    IReadOnlyList<string> ListFiles(string directory);

    bool FileExists(string path);

    /// <summary>Opens a file for reading and writing; creates it (empty) when <paramref name="createIfMissing"/> is set.</summary>
    ILogFile OpenFile(string path, bool createIfMissing);

    /// <summary>Deletes a file; no error if it does not exist.</summary>
    void DeleteFile(string path);

    /// <summary>Renames a file, replacing any existing destination (atomic on POSIX file systems).</summary>
    void MoveFile(string source, string destination);

    /// <summary>
    /// Makes creations, renames and deletions inside <paramref name="directory"/> durable (fsync of the directory).
    /// Best effort: file systems that cannot sync a directory are ignored.
    /// </summary>
    void SyncDirectory(string directory);
}
