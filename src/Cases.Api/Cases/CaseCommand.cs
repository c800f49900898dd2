using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Domain;
using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Frames;
using Marten;
using Wolverine;
using Wolverine.Http;

namespace Cases.Api.Cases;

/// <summary>
/// A command on one case, bound to the request: its caller, and the session and message bus that Wolverine
/// commits. An endpoint takes one as a parameter and hands it the decision to make; <see cref="CaseCommandPolicy"/>
/// opens it from the request's own variables.
/// </summary>
public sealed class CaseCommand(IDocumentSession session, IMessageBus bus, Actor actor, CaseWorkflow workflow, CancellationToken cancellationToken)
{
    /// <summary>Decides <paramref name="decide"/> on the case and answers with the case view as it now is.</summary>
    public async Task<IResult> RunAsync(Guid caseId, IVersionedCommand body, Func<Case, DecisionContext, Decision> decide)
    {
        var outcome = await workflow.ExecuteAsync(session, bus, caseId, body.ExpectedVersion, actor, decide, cancellationToken, Admit);
        return outcome switch
        {
            { Refusal: { } refusal } => Problems.From(refusal),
            { After: { } after, Context: { } context } => Results.Ok(CaseView.From(after, actor, context.Now, await Residents.ResidentVault.KeysAsync(session, after, cancellationToken))),
            _ => throw new InvalidOperationException("A command came to neither a change nor a refusal."),
        };
    }

    /// <summary>
    /// A case the caller cannot read is answered as one that does not exist (404). One it can read but no longer acts on
    /// (it moved up, out of the caller's node) is a 409 that says so, like any other command the case's state refuses.
    /// </summary>
    private Refusal? Admit(Projections.Cases.CaseRecord record) =>
        !CaseScope.MayRead(actor, record) ? CaseOutcome.Missing(record.Id).Refusal
        : !CaseScope.MayAct(actor, record) ? new Refusal(RefusalKind.Conflict, $"The case is now at '{record.CurrentNodeId}', outside your scope; nothing was changed.")
        : null;

    /// <summary>Another case's decision state, for commands that consult it (merge).</summary>
    /// <remarks>One outside the caller's scope is as absent as a missing one: the answer must not confirm it exists.</remarks>
    public async Task<Case?> LoadOtherAsync(Guid caseId) =>
        await session.LoadAsync<Projections.Cases.CaseRecord>(caseId, cancellationToken) is { } other && CaseScope.MayRead(actor, other) ? other.State : null;

    /// <summary>Opened by generated code once per request, before the endpoint runs.</summary>
    public static CaseCommand Open(IDocumentSession session, IMessageBus bus, HttpContext http, IActorAccessor actors, CaseWorkflow workflow)
    {
        Audit.Trail.Of(http).Stamp(session, bus);
        return new(session, bus, actors.Current(http), workflow, http.RequestAborted);
    }
}

/// <summary>
/// Gives every endpoint that asks for a <see cref="CaseCommand"/> one opened from the request's own session and
/// bus, the ones Wolverine's transactional middleware commits, and documents the answers a case command gives.
/// </summary>
public sealed class CaseCommandPolicy : IHttpPolicy
{
    public void Apply(IReadOnlyList<HttpChain> chains, GenerationRules rules, IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.Method.Method.GetParameters().Any(p => p.ParameterType == typeof(CaseCommand))))
        {
            chain.Middleware.Add(new MethodCall(typeof(CaseCommand), nameof(CaseCommand.Open)) { CommentText = "Open the case command for this request" });
            // The session is used by the middleware, not the endpoint method, so say outright that the chain commits it.
            new Wolverine.Attributes.TransactionalAttribute().Modify(chain, rules, container);
        }
    }
}
