using System.Security.Cryptography;
using System.Text.Json;
using Cases.Api.Cases;
using Cases.Api.Clocks;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using Cases.Projections.Cases;
using Cases.Domain;
using Cases.Domain.Grid;
using FluentValidation;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine;
using Wolverine.Http;

namespace Cases.Api.Intake;

public sealed record ResidentContact(string? Name, string? Phone, string? Address);

/// <summary>An appeal as the call center files it.</summary>
public sealed record FileAppealRequest(
    string? Channel,
    string? Category,
    string? Urgency,
    string? Title,
    string? Description,
    string? MicroGridId,
    ResidentContact? Resident);

/// <summary>What the agent reads back to the resident: above all, the case number.</summary>
public sealed record AppealFiled(Guid CaseId, string CaseNumber, CaseStatus Status, string CurrentNodeId);

/// <summary>A filed appeal remembered under its Idempotency-Key, so that a retry files nothing new.</summary>
public sealed record IdempotencyRecord(string Id, string RequestHash, Guid CaseId, string CaseNumber, string CurrentNodeId);

public sealed class FileAppealValidator : AbstractValidator<FileAppealRequest>
{
    public static readonly string[] Channels = ["hotline", "patrol", "walk-in", "online"];
    public static readonly string[] Urgencies = ["normal", "urgent"];

    public FileAppealValidator(ReferenceData referenceData)
    {
        RuleFor(x => x.Channel).NotEmpty().Must(c => Channels.Contains(c))
            .WithMessage($"'channel' must be one of: {string.Join(", ", Channels)}.");
        RuleFor(x => x.Urgency).NotEmpty().Must(u => Urgencies.Contains(u))
            .WithMessage($"'urgency' must be one of: {string.Join(", ", Urgencies)}.");
        RuleFor(x => x.Title).NotEmpty().MaximumLength(200);
        RuleFor(x => x.Description).NotEmpty().MaximumLength(4000);
        RuleFor(x => x.Category).Cascade(CascadeMode.Stop).NotEmpty().MustAsync(async (code, ct) => (await referenceData.GetAsync(ct)).Categories.ContainsKey(code!))
            .WithMessage(x => $"There is no category '{x.Category}'.");
        // Whether it names a micro-grid is the decider's to say: it routes the case from that node.
        RuleFor(x => x.MicroGridId).NotEmpty().MaximumLength(100);
        RuleFor(x => x.Resident).NotNull().WithMessage("The resident's contact is required.");
        When(x => x.Resident is not null, () =>
        {
            RuleFor(x => x.Resident!.Name).NotEmpty().MaximumLength(100);
            RuleFor(x => x.Resident!.Phone).NotEmpty().MaximumLength(30).Matches(@"^[0-9+\-() ]+$")
                .WithMessage("'phone' may hold digits, spaces and + - ( ) only.");
            RuleFor(x => x.Resident!.Address).MaximumLength(300);
        });
    }
}

public static class FileAppealEndpoint
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public const int MaxKeyLength = 200;

    /// <summary>Files one appeal. The 201 is sent only once the case is committed to the store.</summary>
    [WolverinePost("/api/appeals", OperationId = "fileAppeal")]
    [Authorize(Roles = Roles.Intake)]
    [Tags("Intake")]
    [ProducesResponseType<AppealFiled>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    public static async Task<IResult> Post(
        FileAppealRequest body,
        HttpContext http,
        IDocumentSession session,
        IMessageBus bus,
        DecisionContextFactory contexts,
        ClockScheduler clocks,
        CaseNumbers numbers,
        IActorAccessor actors,
        ReferenceData referenceData,
        CancellationToken cancellationToken)
    {
        var header = http.Request.Headers[IdempotencyHeader].ToString();
        if (header.Length > MaxKeyLength || header.Any(char.IsControl))
        {
            return Problems.Invalid(IdempotencyHeader, $"An Idempotency-Key is at most {MaxKeyLength} printable characters.");
        }

        var actor = actors.Current(http);
        if (actor.NodeId is not null && !CaseScope.MayReadNode(actor, (await referenceData.GetAsync(cancellationToken)).Tree, body.MicroGridId!))
        {
            return CaseScope.Forbidden($"'{body.MicroGridId}' is not at or beneath your node; report it to the grid it belongs to.");
        }

        // Keys are per caller: another caller's key, even the same string, is another appeal.
        var key = header.Length > 0 ? $"{actor.Id.Length}:{actor.Id}:{header}" : "";
        var hash = key.Length > 0 ? Hash(body) : null;
        if (hash is not null && await session.LoadAsync<IdempotencyRecord>(key, cancellationToken) is { } earlier)
        {
            return Replay(earlier, hash, await session.LoadAsync<CaseRecord>(earlier.CaseId, cancellationToken));
        }

        var context = await contexts.CreateAsync(actor, body.Category!, cancellationToken);
        var caseId = Guid.CreateVersion7(context.Now);
        var caseNumber = await numbers.NextAsync(context.Now, cancellationToken);
        var resident = body.Resident!;
        var decision = CaseDecider.Decide(
            new RaiseAppeal(
                caseId,
                caseNumber,
                body.Channel == "walk-in" ? Channel.WalkIn : Enum.Parse<Channel>(body.Channel!, ignoreCase: true),
                body.Category!,
                Enum.Parse<Urgency>(body.Urgency!, ignoreCase: true),
                body.Title!.Trim(),
                body.Description!.Trim(),
                body.MicroGridId!,
                new Resident(resident.Name!.Trim(), resident.Phone!.Trim(), resident.Address?.Trim())),
            context);
        if (decision.Refusal is { } refusal)
        {
            return Problems.From(refusal);
        }

        // Appended here, committed once by Wolverine's transactional middleware: events, read model, timers and the
        // idempotency record together. A retry that races this one and loses is answered by IdempotentRetryHandler.
        // The contact is stored only sealed with the resident's key, so that erasing the key erases it (ResidentVault).
        var raised = (AppealRaised)decision.Events[0];
        raised = raised with { Resident = await Residents.ResidentVault.SealAsync(session, raised.Resident, cancellationToken) };
        Audit.Trail.Of(http).Stamp(session, bus);
        session.Events.StartStream<CaseRecord>(caseId, [raised, .. decision.Events.Skip(1)]);
        await clocks.ScheduleAsync(bus, null, decision.Events.Aggregate((Case?)null, (c, e) => Case.Evolve(c, e))!);
        if (hash is not null)
        {
            session.Insert(new IdempotencyRecord(key, hash, caseId, caseNumber, raised.Node.Id));
            http.Items[IdempotentRetryHandler.ItemKey] = (key, hash);
        }

        return Results.Created($"/api/cases/{caseId}", new AppealFiled(caseId, caseNumber, CaseStatus.Open, raised.Node.Id));
    }

    /// <summary>A retry gets the case it filed, as it is now.</summary>
    public static IResult Replay(IdempotencyRecord earlier, string hash, CaseRecord? now) =>
        earlier.RequestHash == hash
            ? Results.Created($"/api/cases/{earlier.CaseId}", new AppealFiled(
                earlier.CaseId, earlier.CaseNumber, now?.Status ?? CaseStatus.Open, now?.CurrentNodeId ?? earlier.CurrentNodeId))
            : Problems.Conflict($"The Idempotency-Key was already used for a different appeal (case {earlier.CaseNumber}). Use a new key for a new appeal.");

    public static string Hash(FileAppealRequest body) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(body)));
}
