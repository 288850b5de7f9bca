using System.Text.Json;
using Brook.Cli;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.AspNetCore.Http;

namespace Brook.WebConsole.Api;

/// <summary>
/// How the console API answers: snake_case JSON, and a Kafka error as <c>{"error": reason, "code": name}</c> with 404 for an
/// unknown topic or group, 400 for a refused request and 503 when the cluster cannot be reached.
/// </summary>
public static class ApiResults
{
    /// <summary>The API's JSON settings.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>A 200 answer.</summary>
    public static IResult Ok(object value) => Results.Json(value, Json);

    /// <summary>An error answer.</summary>
    public static IResult Error(int status, string message, string? code = null) =>
        Results.Json(new { error = message, code }, Json, statusCode: status);

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
