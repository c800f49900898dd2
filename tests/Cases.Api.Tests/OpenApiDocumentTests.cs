using Cases.Api.Infrastructure.Http;
using Cases.Api.Tests.Support;
using Microsoft.OpenApi;

namespace Cases.Api.Tests;

/// <summary>The served document is what generated clients trust: it parses, validates, and says what the API does.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture fixture)
{
    private Task<OpenApiContract> Contract() => OpenApiContract.ServedBy(fixture.Host.Server.CreateClient());

    private async Task<List<(string Path, HttpMethod Method, OpenApiOperation Operation)>> Operations() =>
        [.. (await Contract()).Document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o => (p.Key, o.Key, o.Value)))];

    [Fact]
    public async Task The_served_document_is_valid_OpenAPI_and_written_for_the_linter()
    {
        var contract = await Contract();
        Assert.NotEmpty(contract.Document.Paths);
        Assert.Equal(contract.Text, await File.ReadAllTextAsync(Path.Combine(OpenApiContract.ArtifactsFolder, "openapi.json")));
        Assert.All(contract.Document.Servers ?? [], s => Assert.False(s.Url!.EndsWith('/'), $"server URL {s.Url} ends with a slash"));
        Assert.NotNull(contract.Document.Info.Contact);
        Assert.NotNull(contract.Document.Info.License);
    }

    [Fact]
    public async Task Every_example_matches_its_schema() => Assert.Empty((await Contract()).ExampleViolations());

    [Fact]
    public async Task Every_operation_has_a_short_summary_and_a_described_tag()
    {
        var tags = (await Contract()).Document.Tags!.ToDictionary(t => t.Name!, t => t.Description);
        Assert.All(await Operations(), o =>
        {
            Assert.True(OpenApiOperations.Docs.ContainsKey(o.Operation.OperationId!), $"{o.Operation.OperationId} has no entry in OpenApiOperations.Docs");
            Assert.InRange(o.Operation.Summary!.Length, 5, 60);
            var tag = Assert.Single(o.Operation.Tags!).Name!;
            Assert.False(string.IsNullOrWhiteSpace(tags.GetValueOrDefault(tag)), $"tag {tag} has no description");
        });
    }

    [Fact]
    public async Task Commands_on_a_case_document_their_problems_and_require_only_what_the_validator_requires()
    {
        var commands = (await Operations()).Where(o => o.Method == HttpMethod.Post && o.Path.StartsWith("/api/cases/{caseId}/", StringComparison.Ordinal)).ToList();
        Assert.Equal(15, commands.Count);
        Assert.All(commands, c =>
        {
            Assert.Equal(["200", "400", "401", "403", "404", "409", "413", "414", "415", "429", "503"], c.Operation.Responses!.Keys.Order(StringComparer.Ordinal));
            Assert.All(c.Operation.Responses.Where(r => r.Key != "200"), r => Assert.Equal([OpenApiProblems.MediaType], r.Value.Content!.Keys));
            var body = c.Operation.RequestBody!.Content!["application/json"].Schema!;
            Assert.DoesNotContain("expectedVersion", body.Required ?? new HashSet<string>());
            Assert.True(body.Properties!["expectedVersion"].Type!.Value.HasFlag(JsonSchemaType.Null), $"{c.Operation.OperationId}: expectedVersion is not nullable");
        });

        var feedback = commands.Single(c => c.Operation.OperationId == "feedback").Operation.RequestBody!.Content!["application/json"].Schema!;
        Assert.Equal(["satisfied", "score"], feedback.Required!.Order(StringComparer.Ordinal));
        Assert.Equal("1", feedback.Properties!["score"].Minimum);
        Assert.Equal("5", feedback.Properties["score"].Maximum);
        Assert.Equal(2000, feedback.Properties["comment"].MaxLength);
    }

    [Fact]
    public async Task An_appeal_requires_what_the_validator_requires_and_the_resident_address_is_optional()
    {
        var components = (await Contract()).Document.Components!.Schemas!;
        Assert.Equal(["category", "channel", "description", "microGridId", "resident", "title", "urgency"], components["FileAppealRequest"].Required!.Order(StringComparer.Ordinal));
        Assert.Equal(200, components["FileAppealRequest"].Properties!["title"].MaxLength);
        Assert.Equal(["name", "phone"], components["ResidentContact"].Required!.Order(StringComparer.Ordinal));
        Assert.Equal(@"^[0-9+\-() ]+$", components["ResidentContact"].Properties!["phone"].Pattern);
    }
}
