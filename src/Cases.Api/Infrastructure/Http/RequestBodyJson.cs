using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cases.Api.Infrastructure.Http;

/// <summary>
/// Reads request bodies with the usual converters, but a failure reaches the client without the serializer's
/// wording, which names our .NET types ("could not be converted to Cases.Api.Lifecycle.FeedbackRequest",
/// "System.DateTimeOffset"). Every way a body can be unreadable becomes one JsonException a client can act on.
/// </summary>
public sealed class RequestBodyJson : JsonConverterFactory
{
    public const string Message = "The body is not valid JSON for this operation: a value has the wrong type, is out of range, or the JSON is malformed.";

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.Assembly == typeof(RequestBodyJson).Assembly && typeToConvert is { IsClass: true, IsAbstract: false }
        && (typeToConvert.Name.EndsWith("Request", StringComparison.Ordinal) || typeToConvert.Name.EndsWith("Body", StringComparison.Ordinal));

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options)
    {
        var inner = new JsonSerializerOptions(options);
        inner.Converters.Remove(inner.Converters.Single(c => c is RequestBodyJson));
        return (JsonConverter)Activator.CreateInstance(typeof(Sanitizing<>).MakeGenericType(typeToConvert), inner)!;
    }

    private sealed class Sanitizing<T>(JsonSerializerOptions inner) : JsonConverter<T>
    {
        public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            try
            {
                return JsonSerializer.Deserialize<T>(ref reader, inner);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException)
            {
                throw new JsonException(Message);
            }
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => JsonSerializer.Serialize(writer, value, inner);
    }
}
