using System.Security.Cryptography;
using Cases.Api.Infrastructure.Actors;
using Cases.Api.Infrastructure.Http;
using Cases.Api.Infrastructure.Security;
using Cases.Api.Reference;
using FluentValidation;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace Cases.Api.Delivery;

/// <summary>
/// Subscribe a department's system to its dispatches. Without a <c>secret</c>, one is made and returned in this answer,
/// and only in this one: the service never shows a secret again.
/// </summary>
public sealed record SubscriptionRequest(string? CallbackUrl, string? Secret);

/// <summary>The new subscription; <c>secret</c> is present only when the service generated it.</summary>
public sealed record SubscriptionCreated(Guid SubscriptionId, string DepartmentId, string CallbackUrl, DateTimeOffset CreatedAt, string? Secret);

public sealed class SubscriptionRequestValidator : AbstractValidator<SubscriptionRequest>
{
    public SubscriptionRequestValidator()
    {
        RuleFor(x => x.CallbackUrl).NotEmpty().MaximumLength(2000);
        RuleFor(x => x.Secret).MinimumLength(16).MaximumLength(256).When(x => x.Secret is not null);
    }
}

public static class SubscriptionEndpoints
{
    [WolverinePost("/api/departments/{departmentId}/subscriptions", OperationId = "subscribe")]
    [Authorize(Roles = Roles.Subscribers)]
    [Tags("Departments")]
    [ProducesResponseType<SubscriptionCreated>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(
        string departmentId, SubscriptionRequest body, HttpContext http, IActorAccessor actors, ReferenceData referenceData,
        CallbackGuard guard, WebhookStore store, TimeProvider clock, CancellationToken ct)
    {
        if (await Refuse(departmentId, http, actors, referenceData, ct) is { } refused)
        {
            return refused;
        }

        if (await guard.RefusalAsync(body.CallbackUrl!, http.Request.Host.Value, ct) is { } reason)
        {
            return Problems.Invalid("callbackUrl", reason);
        }

        var generated = body.Secret is null ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) : null;
        var id = Guid.CreateVersion7();
        var at = clock.GetUtcNow().ToUniversalTime();
        await store.CreateSubscriptionAsync(id, departmentId, body.CallbackUrl!, body.Secret ?? generated!, actors.Current(http).Id, at, ct);
        return Results.Created($"/api/departments/{departmentId}/subscriptions/{id}", new SubscriptionCreated(id, departmentId, body.CallbackUrl!, at, generated));
    }

    [WolverineGet("/api/departments/{departmentId}/subscriptions", OperationId = "subscriptions")]
    [Authorize(Roles = Roles.DeliveryReaders)]
    [Tags("Departments")]
    [ProducesResponseType<IReadOnlyList<SubscriptionView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(string departmentId, HttpContext http, IActorAccessor actors, ReferenceData referenceData, DeliveryQueries queries, CancellationToken ct) =>
        await Refuse(departmentId, http, actors, referenceData, ct) ?? Results.Ok(await queries.SubscriptionsAsync(departmentId, null, ct));

    [WolverineGet("/api/departments/{departmentId}/subscriptions/{subscriptionId}", OperationId = "subscription")]
    [Authorize(Roles = Roles.DeliveryReaders)]
    [Tags("Departments")]
    [ProducesResponseType<SubscriptionView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Get(string departmentId, Guid subscriptionId, HttpContext http, IActorAccessor actors, ReferenceData referenceData, DeliveryQueries queries, CancellationToken ct) =>
        await Refuse(departmentId, http, actors, referenceData, ct)
        ?? ((await queries.SubscriptionsAsync(departmentId, subscriptionId, ct)) is [var view] ? Results.Ok(view) : Missing(subscriptionId));

    /// <summary>Stops the subscription: nothing more is sent to it. Its deliveries stay listed.</summary>
    [WolverineDelete("/api/departments/{departmentId}/subscriptions/{subscriptionId}", OperationId = "unsubscribe")]
    [Authorize(Roles = Roles.Subscribers)]
    [Tags("Departments")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    public static async Task<IResult> Delete(string departmentId, Guid subscriptionId, HttpContext http, IActorAccessor actors, ReferenceData referenceData, WebhookStore store, CancellationToken ct) =>
        await Refuse(departmentId, http, actors, referenceData, ct)
        ?? (await store.DeactivateAsync(subscriptionId, departmentId, ct) ? Results.NoContent() : Missing(subscriptionId));

    /// <summary>A subscription's deliveries, oldest first; <c>status=failed</c> lists the dead letters.</summary>
    [WolverineGet("/api/departments/{departmentId}/subscriptions/{subscriptionId}/deliveries", OperationId = "deliveries")]
    [Authorize(Roles = Roles.DeliveryReaders)]
    [Tags("Departments")]
    [ProducesResponseType<IReadOnlyList<DeliveryView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Deliveries(
        string departmentId, Guid subscriptionId, DeliveryStatus? status, int? limit, HttpContext http, IActorAccessor actors,
        ReferenceData referenceData, DeliveryQueries queries, CancellationToken ct)
    {
        if (await Refuse(departmentId, http, actors, referenceData, ct) is { } refused)
        {
            return refused;
        }

        var size = limit ?? 100;
        if (size is < 1 or > 1000)
        {
            return Problems.Invalid("limit", "'limit' is between 1 and 1000.");
        }

        return !await queries.SubscriptionExistsAsync(departmentId, subscriptionId, ct)
            ? Missing(subscriptionId)
            : Results.Ok(await queries.DeliveriesAsync(subscriptionId, null, status, size, ct));
    }

    /// <summary>Puts a dead letter back in line at once, with a fresh retry window; the answer shows it pending. Only a <c>failed</c> delivery can be retried (409 otherwise).</summary>
    [WolverinePost("/api/departments/{departmentId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}/retry", OperationId = "retryDelivery")]
    [Authorize(Roles = Roles.Subscribers)]
    [Tags("Departments")]
    [ProducesResponseType<DeliveryView>(StatusCodes.Status200OK)]
    public static async Task<IResult> Retry(
        string departmentId, Guid subscriptionId, Guid deliveryId, HttpContext http, IActorAccessor actors, ReferenceData referenceData,
        DeliveryQueries queries, WebhookStore store, DeliveryOptions options, WebhookSignal signal, CancellationToken ct)
    {
        if (await Refuse(departmentId, http, actors, referenceData, ct) is { } refused)
        {
            return refused;
        }

        if (!await queries.SubscriptionExistsAsync(departmentId, subscriptionId, ct)
            || await queries.DeliveriesAsync(subscriptionId, deliveryId, null, 1, ct) is not [var delivery])
        {
            return Problems.NotFound($"There is no delivery '{deliveryId}' for subscription '{subscriptionId}'.");
        }

        if (!await store.RetryAsync(subscriptionId, deliveryId, options.RetryFor, ct))
        {
            return Problems.Conflict($"Delivery '{deliveryId}' is {delivery.Status.ToString().ToLowerInvariant()}, not a dead letter; only a failed delivery is retried.");
        }

        signal.Wake();
        var retried = await queries.DeliveriesAsync(subscriptionId, deliveryId, null, 1, ct);
        return Results.Ok(retried[0]);
    }

    private static async Task<IResult?> Refuse(string departmentId, HttpContext http, IActorAccessor actors, ReferenceData referenceData, CancellationToken ct) =>
        !(await referenceData.GetAsync(ct)).Departments.ContainsKey(departmentId) ? Problems.NotFound($"There is no department '{departmentId}'.")
        : !CaseScope.MayReadDepartment(actors.Current(http), departmentId) ? CaseScope.Forbidden($"You may not manage the subscriptions of department '{departmentId}'.")
        : null;

    private static IResult Missing(Guid subscriptionId) => Problems.NotFound($"There is no subscription '{subscriptionId}' for this department.");
}
