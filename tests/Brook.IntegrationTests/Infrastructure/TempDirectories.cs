namespace Brook.IntegrationTests.Infrastructure;

/// <summary>Clean-up of the temporary directories child processes (brokers, Prometheus) worked in.</summary>
public static class TempDirectories
{
    /// <summary>
    /// Deletes <paramref name="path"/> and everything under it, retrying briefly while a just-killed process's files
    /// are still being released; leaves it when access is denied (clean-up must not fail a test).
    /// </summary>
    public static void TryDelete(string path)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                return;
            }
            catch (IOException)
            {
                Thread.Sleep(100);
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }
        }
    }
}
