using Cases.Api;

var builder = CasesHost.CreateBuilder(args);
var connectionString = CasesHost.ConnectionString(builder.Configuration);
if (connectionString is null)
{
    // Fail safe: a node that lost its setting stops here rather than come up healthy on some other, empty database.
    Console.Error.WriteLine(CasesHost.MissingConnectionStringMessage);
    return 1;
}

Console.WriteLine($"[cases] Database: {CasesHost.DescribeDatabase(connectionString)}");
await CasesHost.Build(builder).RunAsync();
return 0;

/// <summary>The entry point, visible to the integration tests' host.</summary>
public partial class Program;
