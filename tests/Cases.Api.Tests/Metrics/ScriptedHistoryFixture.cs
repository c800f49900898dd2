using System.Net;
using Alba;
using Cases.Api.Demo;
using Cases.Api.Tests.Support;
using Marten;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Cases.Api.Tests.Metrics;

/// <summary>
/// A scripted history with known timestamps, played over HTTP against a host whose clock the script sets
/// (clocks off, so no timer acts behind the script's back). Six cases from Monday 2027-03-01 09:00 (CST):
/// <list type="bullet">
/// <item>A (M1): acknowledged at +10 min, resolved at +120, satisfied at +180: closed, settled in the grid.</item>
/// <item>B (M1): acknowledged +31, escalated to the grid +40, acknowledged +50, dispatched to urban +60, accepted +80,
/// resolved by urban +300, unsatisfied +360 (rework to urban), resolved +420, satisfied +480.</item>
/// <item>C (M1): acknowledged late at +182, escalated +190, acknowledged +200, dispatched to water +210, returned +240,
/// dispatched to urban +250, accepted +270, extension asked +280 and granted +290, resolved by urban +300.</item>
/// <item>D (M2, another street): acknowledged +20, withdrawn +60.</item>
/// <item>E (M1): raised +10 and never acknowledged.</item>
/// <item>F (M1, hazard): acknowledged +25, resolved +1440, unsatisfied +1500 (reopened at the node).</item>
/// </list>
/// </summary>
public sealed class ScriptedHistoryFixture : IAsyncLifetime
{
    public const string M1 = SuchengDemoData.Known.YafangBuilding4;
    public const string M2 = "sc.sz.c01.g01.m01";

    public static readonly DateTimeOffset T0 = new(2027, 3, 1, 9, 0, 0, TimeSpan.FromHours(8));

    public FakeTimeProvider Clock { get; } = new(T0);

    public IAlbaHost Host { get; private set; } = null!;

    public ApiClient Api { get; private set; } = null!;

    public IDocumentStore Store => Host.Services.GetRequiredService<IDocumentStore>();

    public Dictionary<string, Guid> Cases { get; } = [];

    public async Task InitializeAsync()
    {
        var database = await TestDatabase.CreateDatabaseAsync("cases_metrics");
        Host = await AlbaHost.For<Program>(builder => builder
            .UseSetting("ConnectionStrings:Cases", database)
            .UseSetting("Cases:Demo", "true")
            .UseSetting("Cases:Clocks", "false")
            .ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock)));
        Api = new ApiClient(Host.Server.CreateClient());
        await PlayAsync();
        await TestHosts.Eventually(
            () => Api.Get("/api/projections"),
            a => a.Body!.AsArray().All(p => p!["lagEvents"]!.GetValue<long>() == 0 && p["lastSequence"]!.GetValue<long>() > 0),
            TimeSpan.FromSeconds(60),
            "the async projections to catch up");
    }

    private async Task PlayAsync()
    {
        var urban = Caller.Department("urban");
        var water = Caller.Department("water");
        var script = new List<(int Minute, Func<Task> Step)>
        {
            (0, () => File("A", M1, "dispute")),
            (1, () => File("B", M1, "dispute")),
            (2, () => File("C", M1, "dispute")),
            (5, () => File("D", M2, "dispute")),
            (10, () => Do("A", "acknowledge", new { })),
            (10, () => File("E", M1, "dispute")),
            (20, () => Do("D", "acknowledge", new { })),
            (20, () => File("F", M1, "hazard")),
            (25, () => Do("F", "acknowledge", new { })),
            (31, () => Do("B", "acknowledge", new { })),
            (40, () => Do("B", "escalate", new { reason = "Needs the grid head." })),
            (50, () => Do("B", "acknowledge", new { })),
            (60, () => Do("B", "dispatch", new { departmentId = "urban" })),
            (60, () => Do("D", "withdraw", new { reason = "Settled with the neighbour." })),
            (80, () => Dispatch("B", "urban", "accept", new { }, urban)),
            (120, () => Do("A", "resolve", new { resolution = "Mediated." })),
            (180, () => Do("A", "feedback", new { satisfied = true, score = 5 })),
            (182, () => Do("C", "acknowledge", new { })),
            (190, () => Do("C", "escalate", new { reason = "Needs a department." })),
            (200, () => Do("C", "acknowledge", new { })),
            (210, () => Do("C", "dispatch", new { departmentId = "water" })),
            (240, () => Dispatch("C", "water", "return", new { reason = "Not a water matter." }, water)),
            (250, () => Do("C", "dispatch", new { departmentId = "urban" })),
            (270, () => Dispatch("C", "urban", "accept", new { }, urban)),
            (280, () => Do("C", "extension", new { days = 3, reason = "Waiting for parts." })),
            (290, () => Do("C", "extension/decision", new { granted = true })),
            (300, () => Do("B", "resolve", new { resolution = "Stopped the works." }, urban)),
            (300, () => Do("C", "resolve", new { resolution = "Repaired." }, urban)),
            (360, () => Do("B", "feedback", new { satisfied = false, score = 2 })),
            (420, () => Do("B", "resolve", new { resolution = "Stopped them for good." }, urban)),
            (480, () => Do("B", "feedback", new { satisfied = true, score = 4 })),
            (1440, () => Do("F", "resolve", new { resolution = "Cover replaced." })),
            (1500, () => Do("F", "feedback", new { satisfied = false, score = 1 })),
        };

        foreach (var (minute, step) in script)
        {
            Clock.SetUtcNow(T0.AddMinutes(minute));
            await step();
        }
    }

    private async Task File(string name, string microGrid, string category)
    {
        var filed = await Api.FileAppeal(new
        {
            channel = "hotline",
            category,
            urgency = "normal",
            title = $"Case {name}",
            description = "Scripted history.",
            microGridId = microGrid,
            resident = new { name = "测试", phone = "13000000000" },
        });
        Cases[name] = filed.CaseId;
    }

    private async Task Do(string name, string command, object body, Caller? caller = null) =>
        (await Api.Command(Cases[name], command, body, caller)).ShouldBe(HttpStatusCode.OK);

    private async Task Dispatch(string name, string department, string command, object body, Caller caller)
    {
        var view = await Api.Case(Cases[name]);
        var dispatch = view.Body!["dispatches"]!.AsArray().Last(d => d!["departmentId"]!.GetValue<string>() == department)!;
        await Do(name, $"dispatches/{dispatch["dispatchId"]!.GetValue<Guid>()}/{command}", body, caller);
    }

    public async Task DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
