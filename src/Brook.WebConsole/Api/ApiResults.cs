using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Brook.Cli;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Http;

namespace Brook.WebConsole.Api;

/// <summary>
/// How the console API answers: snake_case JSON, and a Kafka error as <c>{"error": reason, "code": name}</c> with 404 for an
/// unknown topic or group, 400 for a refused request and 503 when the cluster cannot be reached.
/// </summary>
/// <remarks>
/// Answers are built as <see cref="JsonNode"/> documents with their snake_case names spelled out, and request bodies
/// are read through source-generated metadata (<see cref="ConsoleJsonContext"/>): no reflection over types, so the
/// console works in a trimmed or Native AOT brook.
/// </remarks>
public static class ApiResults
{
    private const string JsonContentType = "application/json; charset=utf-8";

    /// <summary>A 200 answer.</summary>
    public static IResult Ok(JsonNode? value) => Results.Text(value?.ToJsonString() ?? "null", JsonContentType);

    /// <summary>An error answer.</summary>
    public static IResult Error(int status, string message, string? code = null) =>
        Results.Text(new JsonObject { ["error"] = message, ["code"] = code }.ToJsonString(), JsonContentType, statusCode: status);

    /// <summary>A JSON array of <paramref name="items"/>, each converted by <paramref name="toJson"/>.</summary>
    public static JsonArray ArrayOf<T>(IEnumerable<T> items, Func<T, JsonNode?> toJson) => new([.. items.Select(toJson)]);

    /// <summary>Reads a JSON request body (snake_case names) with its source-generated metadata.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type) =>
        await JsonSerializer.DeserializeAsync(request.Body, type) ?? throw new BadRequestException("a JSON body is required");

    /// <summary>Runs <paramref name="body"/>, turning Kafka's and the console's errors into answers instead of 500s.</summary>
    public static async Task<IResult> RunAsync(Func<Task<IResult>> body)
    {
        try
        {
            return await body();
        }
        catch (CreateTopicsException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            return Refused(failed.Error);
        }
        catch (DeleteTopicsException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            return Refused(failed.Error);
        }
        catch (CreatePartitionsException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            return Refused(failed.Error);
        }
        catch (IncrementalAlterConfigsException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            return Refused(failed.Error);
        }
        catch (KafkaException e)
        {
            return Refused(e.Error);
        }
        catch (CliException e)
        {
            return Error(StatusCodes.Status404NotFound, e.Message);
        }
        catch (BadRequestException e)
        {
            return Error(StatusCodes.Status400BadRequest, e.Message);
        }
        catch (JsonException e)
        {
            return Error(StatusCodes.Status400BadRequest, $"malformed JSON: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, e.Message);
        }
    }

    private static IResult Refused(Error error)
    {
        var status = error.Code switch
        {
            ErrorCode.UnknownTopicOrPart or ErrorCode.GroupIdNotFound => StatusCodes.Status404NotFound,
            ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut => StatusCodes.Status503ServiceUnavailable,
            _ => StatusCodes.Status400BadRequest,
        };
        return Error(status, error.Reason, error.Code.ToString());
    }
}

/// <summary>A request the console refuses before asking the cluster (a missing field, a value out of range).</summary>
public sealed class BadRequestException(string message) : Exception(message);
