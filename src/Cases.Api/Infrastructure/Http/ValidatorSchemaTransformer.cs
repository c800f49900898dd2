using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using FluentValidation;
using FluentValidation.Validators;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Cases.Api.Infrastructure.Http;

/// <summary>
/// Writes each request body's shape rules into its schema from its FluentValidation validator, so that the rule has
/// one definition: NotNull/NotEmpty make a property required (and not nullable), Length/MaximumLength bound it,
/// InclusiveBetween and comparisons give minimum/maximum, Matches a pattern. A property no rule requires is optional,
/// whatever ASP.NET's generator assumes from a positional record. Rules it cannot express (a category that must
/// exist, say) stay with the validator and answer 400.
/// </summary>
public sealed class ValidatorSchemaTransformer : IOpenApiSchemaTransformer
{
    private Dictionary<Type, Dictionary<string, List<IPropertyValidator>>>? _rules;

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        IntegersAreIntegers(schema);
        _rules ??= Collect(context.ApplicationServices);
        if (!_rules.TryGetValue(context.JsonTypeInfo.Type, out var byProperty))
        {
            return Task.CompletedTask;
        }

        schema.Required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in context.JsonTypeInfo.Properties)
        {
            var member = (property.AttributeProvider as MemberInfo)?.Name;
            if (member is null || schema.Properties?.TryGetValue(property.Name, out var propertySchema) != true ||
                !byProperty.TryGetValue(member, out var validators))
            {
                continue;
            }

            if (validators.Any(v => v is INotNullValidator or INotEmptyValidator))
            {
                schema.Required.Add(property.Name);
                if (!NotNullable(propertySchema!))
                {
                    // A nullable object only becomes "oneOf: [null, $ref]" later; CollapseNullables finishes the job.
                    schema.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                    var pending = schema.Extensions.TryGetValue(NotNullExtension, out var e) ? ((JsonNodeExtension)e).Node.AsArray() : [];
                    pending.Add(property.Name);
                    schema.Extensions[NotNullExtension] = new JsonNodeExtension(pending);
                }
            }

            if (propertySchema is OpenApiSchema target)
            {
                Describe(target, validators);
            }
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiSchema schema, List<IPropertyValidator> validators)
    {
        foreach (var validator in validators)
        {
            switch (validator)
            {
                case ILengthValidator length:
                    schema.MaxLength = length.Max > 0 ? length.Max : schema.MaxLength;
                    schema.MinLength = length.Min > 0 ? length.Min : schema.MinLength;
                    break;
                case INotEmptyValidator when schema.Type?.HasFlag(JsonSchemaType.String) == true:
                    schema.MinLength = Math.Max(schema.MinLength ?? 0, 1);
                    break;
                case IBetweenValidator between when validator.Name == "InclusiveBetweenValidator":
                    schema.Minimum = Number(between.From);
                    schema.Maximum = Number(between.To);
                    break;
                case IComparisonValidator { Comparison: Comparison.GreaterThanOrEqual } comparison:
                    schema.Minimum = Number(comparison.ValueToCompare);
                    break;
                case IComparisonValidator { Comparison: Comparison.LessThanOrEqual } comparison:
                    schema.Maximum = Number(comparison.ValueToCompare);
                    break;
                case IRegularExpressionValidator regex:
                    schema.Pattern = regex.Expression;
                    break;
            }
        }
    }

    private const string NotNullExtension = "x-cases-not-null";

    /// <summary>Runs last, over the whole document: a required object property is "$ref", not "oneOf: [null, $ref]".</summary>
    public static Task CollapseNullables(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        // Left behind by endpoints that return IResult; OpenApiProblems drops the responses that pointed at it.
        document.Components?.Schemas?.Remove("IResult");
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Extensions?.Remove(NotNullExtension, out var names) != true)
            {
                continue;
            }

            foreach (var name in ((JsonNodeExtension)names!).Node.AsArray().Select(n => n!.GetValue<string>()))
            {
                if (schema.Properties?[name] is OpenApiSchema { OneOf: [{ Type: JsonSchemaType.Null }, var only] })
                {
                    schema.Properties[name] = only;
                }
            }
        }

        return Task.CompletedTask;
    }

    // A property that must be present must not be null either: the validator refuses null as it refuses absence.
    private static bool NotNullable(IOpenApiSchema schema)
    {
        if (schema is OpenApiSchema { Type: { } type } own && !type.HasFlag(JsonSchemaType.Object))
        {
            own.Type = type & ~JsonSchemaType.Null;
            return true;
        }

        return false;
    }

    // The host reads numbers from strings too (ASP.NET's web defaults), but clients should send numbers, so the
    // document says "integer" rather than "integer or a string of digits".
    private static void IntegersAreIntegers(OpenApiSchema schema)
    {
        if (schema.Type is { } type && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)) && type.HasFlag(JsonSchemaType.String))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }
    }

    private static string? Number(object? value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    /// <summary>Every validator in the API, its rules keyed by the type and member they constrain ("Resident.Name" constrains ResidentContact.Name).</summary>
    private static Dictionary<Type, Dictionary<string, List<IPropertyValidator>>> Collect(IServiceProvider services)
    {
        var rules = new Dictionary<Type, Dictionary<string, List<IPropertyValidator>>>();
        using var scope = services.CreateScope();
        var validated = typeof(ValidatorSchemaTransformer).Assembly.GetTypes()
            .Select(t => t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(AbstractValidator<>) ? b.GetGenericArguments()[0] : null)
            .OfType<Type>();
        foreach (var type in validated)
        {
            if (scope.ServiceProvider.GetService(typeof(IValidator<>).MakeGenericType(type)) is not IValidator validator)
            {
                continue;
            }

            // A validated type with no rule on a property still owns its schema: nothing in it is required.
            rules.TryAdd(type, new(StringComparer.Ordinal));
            foreach (var members in validator.CreateDescriptor().GetMembersWithValidators())
            {
                var path = members.Key.Split('.');
                var owner = type;
                foreach (var step in path[..^1])
                {
                    var next = owner.GetProperty(step)?.PropertyType;
                    owner = next is null ? owner : Nullable.GetUnderlyingType(next) ?? next;
                }

                var byProperty = rules.TryGetValue(owner, out var found) ? found : rules[owner] = new(StringComparer.Ordinal);
                var list = byProperty.TryGetValue(path[^1], out var existing) ? existing : byProperty[path[^1]] = [];
                list.AddRange(members.Select(m => m.Validator));
            }
        }

        return rules;
    }
}
