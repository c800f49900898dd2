using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Domain;
using Cases.Domain.Grid;
using Cases.Domain.Routing;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Grid;

public sealed record StartRuleBody(string? Category, string? Urgency, string? StartAt);

/// <summary>Routing as data: which appeals start above their micro-grid, and whom to suggest for a dispatch.</summary>
public sealed record RoutingRulesBody(IReadOnlyList<StartRuleBody>? StartRules, IReadOnlyDictionary<string, string>? SuggestedDepartments);

public sealed class RoutingRulesValidator : AbstractValidator<RoutingRulesBody>
{
    public RoutingRulesValidator(ReferenceData referenceData)
    {
        RuleFor(x => x.StartRules).NotNull();
        RuleFor(x => x.SuggestedDepartments).NotNull();
        RuleForEach(x => x.StartRules).NotNull().WithMessage("A start rule is an object {category, urgency, startAt}.");
        RuleForEach(x => x.StartRules).ChildRules(rule =>
        {
            // Stop at an empty category: the lookup after it needs one (a null key was a 500).
            rule.RuleFor(r => r.Category).Cascade(CascadeMode.Stop).NotEmpty()
                .MustAsync(async (c, ct) => (await referenceData.GetAsync(ct)).Categories.ContainsKey(c!))
                .WithMessage(r => $"There is no category '{r.Category}'.");
            rule.RuleFor(r => r.Urgency).Must(u => u is "normal" or "urgent").WithMessage("'urgency' is normal or urgent.");
            rule.RuleFor(r => r.StartAt).Must(l => GridLevels.TryParse(l, out var level) && level != GridLevel.MicroGrid)
                .WithMessage("'startAt' is district, street, community or grid.");
        }).When(x => x.StartRules is not null && x.StartRules.All(r => r is not null));

        // Only the first rule for a category and urgency would ever apply: a second one is a mistake.
        RuleFor(x => x.StartRules)
            .Must(rules => rules!.DistinctBy(r => (r.Category, r.Urgency)).Count() == rules!.Count)
            .When(x => x.StartRules is not null && x.StartRules.All(r => r is not null))
            .WithMessage("Each category and urgency has at most one start rule.");
        RuleForEach(x => x.SuggestedDepartments).MustAsync(async (pair, ct) =>
            {
                var reference = await referenceData.GetAsync(ct);
                return pair.Key is not null && pair.Value is not null
                    && reference.Categories.ContainsKey(pair.Key) && reference.Departments.ContainsKey(pair.Value);
            })
            .WithMessage("Each suggestion maps a known category to a known department.");
    }
}

public static class RoutingRulesEndpoints
{
    [WolverineGet("/api/routing-rules", OperationId = "routingRules")]
    [Authorize]
    [Tags("Reference data")]
    [ProducesResponseType<RoutingRulesBody>(StatusCodes.Status200OK)]
    public static async Task<RoutingRulesBody> Get(ReferenceData referenceData, CancellationToken ct) =>
        View((await referenceData.GetAsync(ct)).Routing);

    /// <summary>
    /// Admin: replaces the routing rules. Appeals filed afterwards follow them, on every node within a second.
    /// The change is recorded in GET /api/reference/changes.
    /// </summary>
    [WolverinePut("/api/routing-rules", OperationId = "replaceRoutingRules")]
    [Authorize(Roles = Roles.Administrators)]
    [Tags("Reference data")]
    [ProducesResponseType<RoutingRulesBody>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest, "application/problem+json")]
    public static async Task<RoutingRulesBody> Put(
        RoutingRulesBody body, HttpContext http, IActorAccessor actors, ReferenceData referenceData, CancellationToken ct)
    {
        var rules = new RoutingRules(
            [.. body.StartRules!.Select(r => new StartRule(
                r.Category!, Enum.Parse<Urgency>(r.Urgency!, ignoreCase: true), GridLevels.TryParse(r.StartAt, out var level) ? level : GridLevel.Grid))],
            new Dictionary<string, string>(body.SuggestedDepartments!, StringComparer.Ordinal));
        var actor = actors.Current(http);
        await referenceData.RecordAsync(async (session, token) =>
        {
            var before = await session.LoadAsync<RoutingRules>(RoutingRules.DocumentId, token) ?? RoutingRules.None;
            session.Store(rules);
            return new RoutingRulesReplaced(before, rules, actor);
        }, Audit.Trail.Of(http), ct);
        return View(rules);
    }

    public static RoutingRulesBody View(RoutingRules rules) => new(
        [.. rules.StartRules.Select(r => new StartRuleBody(r.Category, r.Urgency.ToString().ToLowerInvariant(), r.StartAt.ToWire()))],
        rules.SuggestedDepartments);
}
