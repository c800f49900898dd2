using System.Text.Json;
using System.Text.Json.Serialization;
using System.Xml;

namespace Cases.Api.Infrastructure.Http;

/// <summary>Durations travel as ISO-8601 (PT2H, P5D), as the API conventions say.</summary>
public sealed class IsoDurationConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.GetString();
        try
        {
            return XmlConvert.ToTimeSpan(text ?? "");
        }
        catch (FormatException e)
        {
            throw new JsonException($"'{text}' is not an ISO-8601 duration such as PT2H or P5D.", e);
        }
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(XmlConvert.ToString(value));
}
