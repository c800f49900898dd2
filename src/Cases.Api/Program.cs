using Cases.Api;
using JasperFx;

var builder = CasesHost.CreateBuilder(args);
if (args is ["codegen", ..])
{
    // `codegen write` only generates the handlers' and documents' code (see build.ps1 codegen); it never opens the database.
    builder.Configuration[$"ConnectionStrings:{CasesHost.ConnectionStringName}"] ??= "Host=localhost;Database=codegen";
}

var connectionString = CasesHost.ConnectionString(builder.Configuration);
if (connectionString is null)
{
    // Fail safe: a node that lost its setting stops here rather than come up healthy on some other, empty database.
    Console.Error.WriteLine(CasesHost.MissingConnectionStringMessage);
    return 1;
}

Console.WriteLine($"[cases] Database: {CasesHost.DescribeDatabase(connectionString)}");
var app = CasesHost.Build(builder);
if (args is ["codegen", ..])
{
    // JasperFx's `codegen write|test|preview`, for the pre-generated code in Internal/Generated (build.ps1 codegen).
    return await app.RunJasperFxCommands(args);
}

await app.RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' host.</summary>
public partial class Program;
