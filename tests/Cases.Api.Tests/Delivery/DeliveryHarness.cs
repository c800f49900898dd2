using System.Net;
using Alba;
using Cases.Api.Tests.Security;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests.Delivery;

/// <summary>Hosts whose retries come in tenths of a second, and cases driven to a dispatch.</summary>
public static class DeliveryHarness
{
    public static readonly (string Key, string Value)[] FastRetries =
    [
        ("Cases:Delivery:FirstRetryDelay", "00:00:00.2"),
        ("Cases:Delivery:MaxRetryDelay", "00:00:00.8"),
        ("Cases:Delivery:PollInterval", "00:00:00.1"),
        ("Cases:Delivery:BreakAfterFailures", "1000"),
    ];

    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static Task<IAlbaHost> StartHostAsync(string database, params (string Key, string Value)[] more) =>
        TestHosts.StartAsync(database, [.. FastRetries, .. more]);

    public static async Task<Guid> Subscribe(ApiClient api, string department, string callbackUrl) =>
        (await api.Post($"/api/departments/{department}/subscriptions", new { callbackUrl, secret = Receiver.Secret }, Caller.Department(department)))
            .ShouldBe(HttpStatusCode.Created).Body!["subscriptionId"]!.GetValue<Guid>();

    /// <summary>A case handled at the 亚芳 grid and dispatched to <paramref name="department"/>.</summary>
    public static async Task<(Guid CaseId, Guid DispatchId)> Dispatched(ApiClient api, string department)
    {
        var target = await new Arrange(api).HandledAtGrid();
        return (target.CaseId, await DispatchAgain(api, target.CaseId, department));
    }

    /// <summary>Dispatches the case (again) to the department; returns the new dispatch's id.</summary>
    public static async Task<Guid> DispatchAgain(ApiClient api, Guid caseId, string department)
    {
        var answer = (await api.Command(caseId, "dispatch", new { departmentId = department }, Arrange.GridHead)).ShouldBe(HttpStatusCode.OK);
        return answer.Body!["dispatches"]!.AsArray()[^1]!["dispatchId"]!.GetValue<Guid>();
    }

    /// <summary>The department hands the dispatch back (退单), so that the case can be dispatched to it again.</summary>
    public static async Task Return(ApiClient api, Guid caseId, Guid dispatchId, string department) =>
        (await api.Command(caseId, $"dispatches/{dispatchId}/return", new { reason = "Please check the address." }, Caller.Department(department)))
            .ShouldBe(HttpStatusCode.OK);

    public static async Task<System.Text.Json.Nodes.JsonArray> Deliveries(ApiClient api, string department, Guid subscriptionId, string? status = null) =>
        (await api.Get($"/api/departments/{department}/subscriptions/{subscriptionId}/deliveries{(status is null ? "" : $"?status={status}")}", Caller.Department(department)))
            .ShouldBe(HttpStatusCode.OK).Body!.AsArray();
}
