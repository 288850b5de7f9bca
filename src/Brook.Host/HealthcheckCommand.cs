namespace Brook.Host;

/// <summary>
/// `brook healthcheck [--url URL]`: exits 0 when the node's readiness endpoint answers 200, 1 otherwise — the container
/// image's HEALTHCHECK, which has no shell or curl to run.
/// </summary>
public static class HealthcheckCommand
{
    /// <summary>The admin listener's readiness endpoint of a node in the container image (brook.admin.listener 0.0.0.0:9644).</summary>
    public const string DefaultUrl = "http://127.0.0.1:9644/health/ready";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        string url = DefaultUrl;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--url" && i + 1 < args.Length) url = args[++i];
            else if (args[i].StartsWith("--url=", StringComparison.Ordinal)) url = args[i]["--url=".Length..];
            else
            {
                error.WriteLine($"brook healthcheck: unknown argument {args[i]}; usage: brook healthcheck [--url {DefaultUrl}]");
                return 2;
            }
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url);
            string body = (await response.Content.ReadAsStringAsync()).Trim();
            output.WriteLine($"{url}: {(int)response.StatusCode} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            error.WriteLine($"brook healthcheck: {url}: {e.Message}");
            return 1;
        }
    }
}
