using System.Xml;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain.Grid;
using Cases.Domain.Sla;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Grid;

/// <summary>One urgency's limits as ISO-8601 durations (PT2H, P5D).</summary>
public sealed record UrgencyLimits(string? Acknowledge, string? AcceptDispatch, string? Resolve, string? FeedbackWindow);

public sealed record LimitsBody(UrgencyLimits? Normal, UrgencyLimits? Urgent, bool? ResolveInWorkingDays);

public sealed record CategoryView(string Code, string Name, LimitsBody Limits);

public sealed class LimitsValidator : AbstractValidator<LimitsBody>
{
    public LimitsValidator()
    {
        RuleFor(x => x.Normal).NotNull().SetValidator(new UrgencyLimitsValidator()!);
        RuleFor(x => x.Urgent).NotNull().SetValidator(new UrgencyLimitsValidator()!);
        RuleFor(x => x.ResolveInWorkingDays).NotNull();
    }

    private sealed class UrgencyLimitsValidator : AbstractValidator<UrgencyLimits>
    {
        public UrgencyLimitsValidator()
        {
            RuleFor(x => x.Acknowledge).Must(Durations.IsPositive).WithMessage(Durations.Message);
            RuleFor(x => x.AcceptDispatch).Must(Durations.IsPositive).WithMessage(Durations.Message);
            RuleFor(x => x.Resolve).Must(Durations.IsPositive).WithMessage(Durations.Message);
            RuleFor(x => x.FeedbackWindow).Must(Durations.IsPositive).WithMessage(Durations.Message);
        }
    }
}

/// <summary>ISO-8601 durations on the wire, <see cref="TimeSpan"/> inside.</summary>
public static class Durations
{
    public const string Message = "'{PropertyName}' must be a positive ISO-8601 duration such as PT30S, PT2H or P5D.";

    public static string Format(TimeSpan span) => XmlConvert.ToString(span);

    public static bool TryParse(string? value, out TimeSpan span)
    {
        span = default;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        try
        {
            span = XmlConvert.ToTimeSpan(value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    public static bool IsPositive(string? value) => TryParse(value, out var span) && span > TimeSpan.Zero && span <= TimeSpan.FromDays(366);
}

public static class CategoryEndpoints
{
    [WolverineGet("/api/categories", OperationId = "categories")]
    [Authorize]
    [Tags("Reference data")]
    [ProducesResponseType<CategoryView[]>(StatusCodes.Status200OK)]
    public static async Task<IReadOnlyList<CategoryView>> List(ReferenceData referenceData, CancellationToken ct) =>
        [.. (await referenceData.GetAsync(ct)).Categories.Values.OrderBy(c => c.Code, StringComparer.Ordinal).Select(View)];

    /// <summary>
    /// Admin: replaces a category's limits. Clocks that start afterwards use them, on every node within a
    /// second; running clocks keep theirs. The change is recorded in GET /api/reference/changes.
    /// </summary>
    [WolverinePut("/api/categories/{code}/limits", OperationId = "replaceCategoryLimits")]
    [Authorize(Roles = Roles.Administrators)]
    [Tags("Reference data")]
    [ProducesResponseType<CategoryView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    public static async Task<IResult> Replace(
        string code, LimitsBody body, HttpContext http, IActorAccessor actors, ReferenceData referenceData, CancellationToken ct)
    {
        var limits = new CategoryLimits(ToLimits(body.Normal!), ToLimits(body.Urgent!), body.ResolveInWorkingDays!.Value);
        var actor = actors.Current(http);
        Category? replaced = null;
        var recorded = await referenceData.RecordAsync(async (session, token) =>
        {
            if (await session.LoadAsync<Category>(code, token) is not { } before)
            {
                return null;
            }

            replaced = before with { Limits = limits };
            session.Store(replaced);
            return new CategoryLimitsReplaced(code, before.Limits, limits, actor);
        }, Audit.Trail.Of(http), ct);
        return recorded is null || replaced is null ? Problems.NotFound($"There is no category '{code}'.") : Results.Ok(View(replaced));
    }

    private static SlaLimits ToLimits(UrgencyLimits l)
    {
        Durations.TryParse(l.Acknowledge, out var acknowledge);
        Durations.TryParse(l.AcceptDispatch, out var accept);
        Durations.TryParse(l.Resolve, out var resolve);
        Durations.TryParse(l.FeedbackWindow, out var feedback);
        return new SlaLimits(acknowledge, accept, resolve, feedback);
    }

    public static LimitsBody View(CategoryLimits l) => new(FromLimits(l.Normal), FromLimits(l.Urgent), l.ResolveInWorkingDays);

    private static UrgencyLimits FromLimits(SlaLimits l) =>
        new(Durations.Format(l.Acknowledge), Durations.Format(l.AcceptDispatch), Durations.Format(l.Resolve), Durations.Format(l.FeedbackWindow));

    private static CategoryView View(Category c) => new(c.Code, c.Name, View(c.Limits));
}
