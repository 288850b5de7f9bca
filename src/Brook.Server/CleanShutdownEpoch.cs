using System.Globalization;

namespace Brook.Server;

/// <summary>
/// The broker epoch this node had when it last shut down cleanly, kept in <c>&lt;log.dirs&gt;/.brook-broker-epoch</c> for the
/// PreviousBrokerEpoch of its next registration (KIP-966; Kafka keeps it in its .kafka_cleanshutdown file). Start-up
/// takes it and leaves -1 behind (durably) before registering, so a crash later in this run reads as unclean; a clean
/// stop writes the epoch back once the logs are closed.
/// </summary>
internal static class CleanShutdownEpoch
{
    public const string FileName = ".brook-broker-epoch";

    /// <summary>The recorded epoch (-1 when there is none: first start, crash, or a data directory from before this file).</summary>
    public static long Take(string logDir)
    {
        var path = Path.Combine(logDir, FileName);
        long epoch = -1;
        try
        {
            if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var read))
                epoch = read;
        }
        catch (IOException) { }
        Write(path, -1);
        return epoch;
    }

    /// <summary>Records <paramref name="epoch"/> as the epoch of a clean shutdown.</summary>
    public static void Record(string logDir, long epoch) => Write(Path.Combine(logDir, FileName), epoch);

    private static void Write(string path, long epoch)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        file.Write(System.Text.Encoding.ASCII.GetBytes(epoch.ToString(CultureInfo.InvariantCulture) + "\n"));
        file.Flush(flushToDisk: true);
    }
}
