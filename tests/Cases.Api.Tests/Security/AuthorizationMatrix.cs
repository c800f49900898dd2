using System.Net;
using System.Text.Json.Nodes;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;

namespace Cases.Api.Tests.Security;

/// <summary>What a matrix row acts on: a case arranged for it, its dispatch, and a second case (merge).</summary>
public sealed record Target(Guid CaseId, Guid DispatchId = default, Guid OtherCaseId = default, JsonNode? Current = null);

/// <summary>
/// One endpoint: how to arrange a target, the request, and the exact status each role gets, inside its scope
/// and outside it. <c>Expect</c> reads "role in [out]" per caller; out defaults to in.
/// </summary>
public sealed record MatrixRow(string Endpoint, Func<Arrange, Task<Target>> Setup, Func<Target, string> Path, Func<Target, object?> Body, string Expect)
{
    public override string ToString() => Endpoint;
}

/// <summary>Cases in known states, all raised at 亚芳花园 4号楼 and, where handled, held by the 亚芳 grid.</summary>
public sealed class Arrange(ApiClient api)
{
    public static readonly Caller MicroWorker = Caller.GridWorker(SuchengDemoData.Known.YafangBuilding4);
    public static readonly Caller GridHead = Caller.CoordinatorAt(SuchengDemoData.Known.YafangGrid);
    public static readonly Caller Urban = Caller.Department("urban");

    public async Task<Target> Filed() => new((await api.FileAppeal(actor: Caller.Agent)).CaseId);

    public async Task<Target> OpenAtGrid()
    {
        var t = await Filed();
        (await api.Command(t.CaseId, "acknowledge", new { }, MicroWorker)).ShouldBe(HttpStatusCode.OK);
        (await api.Command(t.CaseId, "escalate", new { reason = "Needs the grid." }, MicroWorker)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    public async Task<Target> HandledAtGrid()
    {
        var t = await OpenAtGrid();
        (await api.Command(t.CaseId, "acknowledge", new { }, GridHead)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    public async Task<Target> Dispatched()
    {
        var t = await HandledAtGrid();
        var answer = (await api.Command(t.CaseId, "dispatch", new { departmentId = "urban" }, GridHead)).ShouldBe(HttpStatusCode.OK);
        return t with { DispatchId = answer.Body!["dispatches"]![0]!["dispatchId"]!.GetValue<Guid>() };
    }

    public async Task<Target> Accepted()
    {
        var t = await Dispatched();
        (await api.Command(t.CaseId, $"dispatches/{t.DispatchId}/accept", new { }, Urban)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    public async Task<Target> Resolved()
    {
        var t = await Accepted();
        (await api.Command(t.CaseId, "resolve", new { resolution = "Done." }, Urban)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    public async Task<Target> Paused()
    {
        var t = await HandledAtGrid();
        (await api.Command(t.CaseId, "pause", new { reason = "Resident away." }, GridHead)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    /// <summary>The micro-grid asked for more time; the grid above it decides.</summary>
    public async Task<Target> ExtensionAsked()
    {
        var t = await Filed();
        (await api.Command(t.CaseId, "acknowledge", new { }, MicroWorker)).ShouldBe(HttpStatusCode.OK);
        (await api.Command(t.CaseId, "extension", new { days = 3, reason = "Parts." }, MicroWorker)).ShouldBe(HttpStatusCode.OK);
        return t;
    }

    public async Task<Target> Duplicate() => (await HandledAtGrid()) with { OtherCaseId = (await Filed()).CaseId };

    /// <summary>What an admin reads now, to write back unchanged.</summary>
    public async Task<Target> Current(string path, Func<JsonNode, JsonNode> pick) =>
        new(Guid.Empty, Current: pick((await api.Get(path, Caller.Admin)).ShouldBe(HttpStatusCode.OK).Body!).DeepClone());

    /// <summary>A webhook subscription of the urban department, made by an admin; <c>Current</c> is its 201 body.</summary>
    public async Task<Target> Subscribed() =>
        new(Guid.Empty, Current: (await api.Post("/api/departments/urban/subscriptions", new { callbackUrl = "http://127.0.0.1:9/hook" }, Caller.Admin))
            .ShouldBe(HttpStatusCode.Created).Body);

    /// <summary>A case filed for a resident no other case has, so erasing them touches nothing else; Current is the phone.</summary>
    public async Task<Target> ResidentOfOwn()
    {
        var phone = "139" + Random.Shared.NextInt64(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var appeal = new
        {
            channel = "hotline", category = "dispute", urgency = "normal", title = "Erasure", description = "A resident of their own.",
            microGridId = SuchengDemoData.Known.YafangBuilding4, resident = new { name = "钱", phone },
        };
        return new((await api.FileAppeal(appeal, Caller.Agent)).CaseId, Current: JsonValue.Create(phone));
    }

    public static Task<Target> Nothing() => Task.FromResult(new Target(Guid.Empty));
}
