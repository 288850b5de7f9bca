using System.Globalization;
using System.Text;

namespace Brook.Storage;

/// <summary>
/// <c>meta.properties</c> in a log directory, as Kafka's KRaft mode keeps it: the cluster the directory belongs to and
/// the node that owns it. Written by <c>brook storage format</c> (or by a standalone node on its first start); a node
/// refuses to start on a directory formatted for another cluster or node, so data is never mixed.
/// </summary>
public sealed record MetaProperties(string ClusterId, int NodeId, string DirectoryId)
{
    public const string FileName = "meta.properties";

    /// <summary>The file of <paramref name="logDir"/>, or null when the directory is not formatted.</summary>
    public static MetaProperties? Read(string logDir)
    {
        var path = Path.Combine(logDir, FileName);
        if (!File.Exists(path)) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!') continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        if (!values.TryGetValue("version", out var version) || version != "1")
            throw new InvalidDataException($"{path}: unsupported meta.properties version '{version}' (expected 1, KRaft)");
        if (!values.TryGetValue("cluster.id", out var clusterId) || clusterId.Length == 0)
            throw new InvalidDataException($"{path} has no cluster.id");
        if (!values.TryGetValue("node.id", out var nodeText) || !int.TryParse(nodeText, NumberStyles.None, CultureInfo.InvariantCulture, out var nodeId))
            throw new InvalidDataException($"{path} has no valid node.id");
        return new MetaProperties(clusterId, nodeId, values.GetValueOrDefault("directory.id", ""));
    }

    /// <summary>Writes the file into <paramref name="logDir"/> (created if needed): temp file, fsync, rename.</summary>
    public void Write(string logDir)
    {
        Directory.CreateDirectory(logDir);
        var text = new StringBuilder()
            .Append("#\n#Written by brook storage format\n")
            .Append(CultureInfo.InvariantCulture, $"node.id={NodeId}\n")
            .Append(CultureInfo.InvariantCulture, $"directory.id={DirectoryId}\n")
            .Append("version=1\n")
            .Append(CultureInfo.InvariantCulture, $"cluster.id={ClusterId}\n")
            .ToString();
        var path = Path.Combine(logDir, FileName);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
    }
}
