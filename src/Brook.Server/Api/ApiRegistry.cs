namespace Brook.Server.Api;

/// <summary>API key → handler. The ApiVersions response is derived from it, so what we advertise is what we serve.</summary>
public sealed class ApiRegistry
{
    private readonly IApiHandler?[] _byKey = new IApiHandler?[128];

    public ApiRegistry(IEnumerable<IApiHandler> handlers)
    {
        foreach (var h in handlers)
        {
            var k = (int)h.Api.Key;
            if (_byKey[k] is not null) throw new InvalidOperationException($"two handlers for API {h.Api.Key}");
            _byKey[k] = h;
        }
    }

    public IApiHandler? Find(short apiKey) => apiKey >= 0 && apiKey < _byKey.Length ? _byKey[apiKey] : null;

    public IEnumerable<IApiHandler> All => _byKey.Where(h => h is not null)!;
}
