using System.Text.Json.Nodes;
using Cases.Api.Tests.Support;
using Microsoft.OpenApi;

namespace Cases.Api.Tests;

/// <summary>The served document is what generated clients trust: it parses, validates, and says what the API does.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture fixture)
{
    private Task<OpenApiContract> Contract() => OpenApiContract.ServedBy(fixture.Host.Server.CreateClient());

    [Fact]
    public async Task The_served_document_is_valid_OpenAPI_and_written_for_the_linter()
    {
        var contract = await Contract();
        Assert.NotEmpty(contract.Document.Paths);
        Assert.True(File.Exists(Path.Combine(OpenApiContract.ArtifactsFolder, "openapi.json")));
    }
}
