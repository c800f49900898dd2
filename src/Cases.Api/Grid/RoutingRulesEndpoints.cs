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
        RuleForEach(x => x.StartRules).NotNull().ChildRules(rule =>
        {
            rule.RuleFor(r => r.Category).NotEmpty().MustAsync(async (c, ct) => (await referenceData.GetAsync(ct)).Categories.ContainsKey(c!))
                .WithMessage(r => $"There is no category '{r.Category}'.");
            rule.RuleFor(r => r.Urgency).Must(u => u is "normal" or "urgent").WithMessage("'urgency' is normal or urgent.");
            rule.RuleFor(r => r.StartAt).Must(l => GridLevels.TryParse(l, out var level) && level != GridLevel.MicroGrid)
                .WithMessage("'startAt' is district, street, community or grid.");
        });
        RuleForEach(x => x.SuggestedDepartments).MustAsync(async (pair, ct) =>
            {
                var reference = await referenceData.GetAsync(ct);
                return pair.Value is not null && reference.Categories.ContainsKey(pair.Key) && reference.Departments.ContainsKey(pair.Value);
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

    /// <summary>Admin: replaces the routing rules. Appeals filed afterwards follow them.</summary>
    [WolverinePut("/api/routing-rules", OperationId = "replaceRoutingRules")]
    [Authorize(Roles = Roles.Administrators)]
    [Tags("Reference data")]
    [ProducesResponseType<RoutingRulesBody>(StatusCodes.Status200OK)]
    public static async Task<RoutingRulesBody> Put(RoutingRulesBody body, ReferenceData referenceData, CancellationToken ct)
    {
        var rules = new RoutingRules(
            [.. body.StartRules!.Select(r => new StartRule(
                r.Category!, Enum.Parse<Urgency>(r.Urgency!, ignoreCase: true), GridLevels.TryParse(r.StartAt, out var level) ? level : GridLevel.Grid))],
            new Dictionary<string, string>(body.SuggestedDepartments!, StringComparer.Ordinal));
        await referenceData.ReplaceRoutingAsync(rules, ct);
        return View(rules);
    }

    private static RoutingRulesBody View(RoutingRules rules) => new(
        [.. rules.StartRules.Select(r => new StartRuleBody(r.Category, r.Urgency.ToString().ToLowerInvariant(), r.StartAt.ToWire()))],
        rules.SuggestedDepartments);
}
