using System.Text.Json;
using System.Text.Json.Serialization;

namespace Brook.Examples.EventSourcing;

/// <summary>The JSON form of events and states on the topics: camelCase, enums by name, so other languages can read them.</summary>
public static class AccountJson
{
    /// <summary>The serializer options for topic values (the HTTP API uses ASP.NET Core's web defaults, which match).</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The record value for <paramref name="value"/>.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>The value of a record; throws <see cref="JsonException"/> for what is not one.</summary>
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null value");
}
