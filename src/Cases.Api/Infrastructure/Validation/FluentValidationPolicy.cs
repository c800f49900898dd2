using FluentValidation;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Wolverine.Http;
using Wolverine.Http.CodeGen;

namespace Cases.Api.Infrastructure.Validation;

/// <summary>
/// Runs the FluentValidation validator of an endpoint's request body before the endpoint, and answers 400
/// with a validation problem when it fails. Wolverine has no FluentValidation package here, so this is the
/// small policy that does the same job: a generated call per endpoint, no reflection per request.
/// </summary>
public sealed class FluentValidationPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.HasRequestType))
        {
            var validatorType = typeof(IValidator<>).MakeGenericType(chain.RequestType!);
            var validated = container.RegistrationsFor(validatorType).Any();

            // Every body is checked for presence; a body without a validator of its own gets only that check.
            chain.Metadata.ProducesValidationProblem();
            var name = validated ? nameof(FluentValidationExecutor.ValidateAsync) : nameof(FluentValidationExecutor.RequireBodyAsync);
            var method = typeof(FluentValidationExecutor).GetMethod(name)!.MakeGenericMethod(chain.RequestType!);
            var call = new MethodCall(typeof(FluentValidationExecutor), method) { CommentText = "Run the FluentValidation validator" };
            chain.Middleware.InsertRange(0, [call, new MaybeEndWithResultFrame(call.ReturnVariable!)]);
        }
    }
}

public static class FluentValidationExecutor
{
    public static Task<IResult> RequireBodyAsync<T>(T? message) => Task.FromResult(message is null
        ? Results.Problem(statusCode: 400, title: "The request is not valid", detail: "A JSON body is required.")
        : WolverineContinue.Result());

    public static async Task<IResult> ValidateAsync<T>(IValidator<T> validator, T? message)
    {
        if (message is null)
        {
            return Results.Problem(statusCode: 400, title: "The request is not valid", detail: "A JSON body is required.");
        }

        var result = await validator.ValidateAsync(message);
        if (result.IsValid)
        {
            return WolverineContinue.Result();
        }

        var errors = result.Errors
            .GroupBy(e => e.PropertyName, StringComparer.Ordinal)
            .ToDictionary(g => JsonName(g.Key), g => g.Select(e => e.ErrorMessage).Distinct().ToArray(), StringComparer.Ordinal);
        return Results.ValidationProblem(errors, title: "The request is not valid", detail: string.Join(" ", errors.SelectMany(e => e.Value)));
    }

    // FluentValidation names properties the C# way ("Resident.Phone"); clients know them as camelCase JSON.
    private static string JsonName(string propertyPath) =>
        string.Join('.', propertyPath.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}
