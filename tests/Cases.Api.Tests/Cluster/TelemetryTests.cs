using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cases.Api.Demo;
using Cases.Api.Infrastructure.Telemetry;
using Cases.Api.Tests.Clocks;
using Cases.Api.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using static Cases.Api.Tests.Support.TestHosts;

namespace Cases.Api.Tests.Cluster;

/// <summary>The instruments an operator's collector would receive, heard in-process while a host does real work.</summary>
public sealed class TelemetryTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Requests_projections_clocks_wolverine_and_marten_all_report()
    {
        await using var host = await StartAsync(await TestDatabase.CreateDatabaseAsync("cases_telemetry"));
        Assert.NotNull(host.Services.GetService<MeterProvider>());
        var ours = host.Services.GetRequiredService<IMeterFactory>();
        var heard = new ConcurrentDictionary<string, double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            // Our meters by this host's factory (other tests' hosts run beside it); the libraries' static ones by name.
            var name = instrument.Meter.Name;
            if ((instrument.Meter.Scope == ours && name is CasesMeters.MeterName or "Microsoft.AspNetCore.Hosting")
                || name.StartsWith("Wolverine", StringComparison.Ordinal) || name == "Marten")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((i, value, _, _) => heard.AddOrUpdate($"{i.Meter.Name}/{i.Name}", value, (_, v) => v + value));
        meters.SetMeasurementEventCallback<double>((i, value, _, _) => heard.AddOrUpdate($"{i.Meter.Name}/{i.Name}", value, (_, v) => Math.Max(v, value)));
        meters.SetMeasurementEventCallback<int>((i, value, _, _) => heard.AddOrUpdate($"{i.Meter.Name}/{i.Name}", value, (_, v) => v + value));
        meters.Start();
        var sources = new ConcurrentDictionary<string, int>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Wolverine", StringComparison.Ordinal) || source.Name == "Marten",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            // Wolverine starts a handler's span with the parent's id as a string.
            SampleUsingParentId = (ref ActivityCreationOptions<string> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => sources.AddOrUpdate(activity.Source.Name.Split(':')[0], 1, (_, n) => n + 1),
        };
        ActivitySource.AddActivityListener(activities);

        var api = new ApiClient(host.Server.CreateClient());
        await ClockFixture.SetLimits(api, "dispute", acknowledge: "PT1S", accept: "PT1H", resolve: "PT1H", feedback: "PT1H");
        await api.FileAppeal(new
        {
            channel = "hotline", category = "dispute", urgency = "normal", title = "Telemetry", description = "A clock that fires.",
            microGridId = SuchengDemoData.Known.YafangBuilding4, resident = new { name = "赵", phone = "13700000000" },
        });

        string[] expected =
        [
            "Microsoft.AspNetCore.Hosting/http.server.request.duration",
            "Cases/cases.clocks.fired", "Cases/cases.clocks.lateness", "Cases/cases.clocks.pending",
            "Cases/cases.projection.lag", "Cases/cases.projection.lag_seconds",
        ];
        await Eventually(() =>
        {
            meters.RecordObservableInstruments();
            return Task.FromResult(expected.Where(name => !heard.ContainsKey(name)).ToList());
        }, missing => missing.Count == 0, Patience, $"every instrument to report (heard: {string.Join(", ", heard.Keys.Order())})");

        Assert.True(heard["Cases/cases.clocks.fired"] >= 1);
        Assert.Contains(heard.Keys, k => k.StartsWith("Wolverine", StringComparison.Ordinal));
        Assert.Contains(heard.Keys, k => k.StartsWith("Marten/", StringComparison.Ordinal));
        // A handled message's span stops after the handler, its commit and the inbox's bookkeeping: later than the
        // clock's meter, which the handler itself records.
        await Eventually(() => Task.FromResult(sources.ContainsKey("Wolverine")), heard => heard, Patience,
            "Wolverine to trace a handled message");
        Assert.True(sources.ContainsKey("Marten"), "Marten traced no session.");
    }
}
