#!/usr/bin/env pwsh
<#
.SYNOPSIS
  The one entry point for Cases: run, test, bench, rebuild.

.EXAMPLE
  dotnet tool restore && dotnet pwsh ./build.ps1 run      # the service, demo data, embedded PostgreSQL
  dotnet tool restore && dotnet pwsh ./build.ps1 cluster  # three nodes behind a YARP proxy on 5080, one embedded PostgreSQL
  dotnet tool restore && dotnet pwsh ./build.ps1 chaos    # the long chaos run (kill -9 a node, restart PostgreSQL) in the benchmark
  dotnet tool restore && dotnet pwsh ./build.ps1 test     # every test, on a throwaway PostgreSQL, then lint
  dotnet tool restore && dotnet pwsh ./build.ps1 lint     # spectral on the OpenAPI document the last test run served
  dotnet tool restore && dotnet pwsh ./build.ps1 bench    # the benchmark; writes bench/results/latest.{json,md}
  dotnet tool restore && dotnet pwsh ./build.ps1 rebuild  # replay every event through the async projections
  dotnet tool restore && dotnet pwsh ./build.ps1 verify   # shadow-rebuild the metrics and compare; exit 1 on a difference
  dotnet tool restore && dotnet pwsh ./build.ps1 codegen  # regenerate the handlers' code in src/Cases.Api/Internal/Generated
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('run', 'cluster', 'chaos', 'test', 'lint', 'bench', 'rebuild', 'verify', 'build', 'clean', 'codegen')]
    [string]$Command = 'run',

    # run: seed the whole district (2,281 micro-grids) instead of the small demo tree.
    [switch]$FullDistrict,

    # run: where to listen (ASPNETCORE_URLS wins when set).
    [string]$Urls = 'http://127.0.0.1:5080',

    # test: a filter for dotnet test, e.g. "FullyQualifiedName~Lifecycle".
    [string]$Filter = '',

    # bench: "quick" for a short smoke run, "full" for the published figures.
    [ValidateSet('quick', 'full')]
    [string]$Profile = 'full',

    [string]$Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

function Step([string]$message) { Write-Host "==> $message" -ForegroundColor Cyan }

function Invoke-Checked([string]$exe, [string[]]$arguments) {
    & $exe @arguments
    if ($LASTEXITCODE -ne 0) { throw "$exe $($arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# Debian packages some tests need: RabbitMQ for the broker tests, Chromium and a CJK font for the console tests (Playwright
# drives the system browser; browser downloads are not reachable, and without the font Chinese renders as boxes).
# Installed where this script may (root, apt-get), first without and then with an `apt-get update`; elsewhere those
# tests say what is missing and skip.
function Install-DebianPackages([string]$purpose, [string[]]$packages, [string[]]$installed) {
    if (-not ($installed | Where-Object { -not (Test-Path $_) })) { return }
    $isRoot = $IsLinux -and ((& id -u) -eq '0')
    if (-not $isRoot -or -not (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        Write-Host "$($packages -join ', ') not installed and this script cannot install them (needs root and apt-get): the $purpose will skip."
        return
    }

    Step "Installing $($packages -join ' ') for the $purpose (apt-get install)"
    $env:DEBIAN_FRONTEND = 'noninteractive'
    $arguments = @('install', '-y', '-q', '--no-install-recommends') + $packages
    & apt-get @arguments 2>&1 | Select-Object -Last 3 | ForEach-Object { Write-Host $_ }
    if ($LASTEXITCODE -ne 0) {
        & apt-get update -q 2>&1 | Select-Object -Last 1 | ForEach-Object { Write-Host $_ }
        & apt-get @arguments 2>&1 | Select-Object -Last 3 | ForEach-Object { Write-Host $_ }
    }
    if ($LASTEXITCODE -ne 0) { Write-Host "$($packages -join ', ') could not be installed: the $purpose will skip." }
}

function Build-Solution {
    Step "Building ($Configuration)"
    Invoke-Checked dotnet @('build', 'Cases.sln', '-c', $Configuration, '-v', 'minimal', '-nologo')
}

# The tests write the document the host serves to artifacts/openapi.json; spectral (pinned in tools/openapi-lint,
# installed here with npm ci) lints exactly that, and any error fails the build.
function Invoke-Lint {
    $document = Join-Path $PSScriptRoot 'artifacts/openapi.json'
    if (-not (Test-Path $document)) { throw "No ${document}: run the tests first (they write the served OpenAPI document)." }
    $tools = Join-Path $PSScriptRoot 'tools/openapi-lint'
    if (-not (Test-Path (Join-Path $tools 'node_modules/@stoplight/spectral-cli'))) {
        Step 'Installing the OpenAPI linter (npm ci in tools/openapi-lint)'
        Invoke-Checked npm @('ci', '--prefix', $tools, '--no-audit', '--no-fund', '--loglevel', 'error')
    }
    Step 'Linting the served OpenAPI document (spectral:oas; errors fail)'
    Invoke-Checked npm @('exec', '--prefix', $tools, '--offline', '--', 'spectral', 'lint', $document, '--ruleset', (Join-Path $PSScriptRoot '.spectral.yaml'), '--fail-severity', 'error')
}

switch ($Command) {
    'build' { Build-Solution }

    'clean' {
        Step 'Removing build output (the demo database in .data/ is kept)'
        Get-ChildItem -Recurse -Directory -Include bin, obj | Remove-Item -Recurse -Force
    }

    'run' {
        Build-Solution
        if ($FullDistrict) { $env:Cases__FullDistrict = 'true' }
        if (-not $env:ASPNETCORE_URLS) { $env:ASPNETCORE_URLS = $Urls }
        Step "Starting Cases in demo mode on $($env:ASPNETCORE_URLS) (Ctrl+C stops it and its embedded PostgreSQL)"
        # The command line (tools/Cases.Cli) provisions the database and runs the service's own host in-process, in demo mode.
        Invoke-Checked dotnet @('run', '--no-build', '-c', $Configuration, '--project', 'tools/Cases.Cli', '--', 'run')
    }

    'cluster' {
        Build-Solution
        if (-not $env:ASPNETCORE_URLS) { $env:ASPNETCORE_URLS = $Urls }
        Step "Starting three Cases nodes behind a YARP proxy on $($env:ASPNETCORE_URLS) (Ctrl+C stops them all)"
        Invoke-Checked dotnet @('run', '--no-build', '-c', $Configuration, '--project', 'tools/Cases.Cli', '--', 'cluster')
    }

    'chaos' {
        Build-Solution
        Step "Chaos ($Profile): three nodes behind a proxy under lifecycle load; kill -9 a node, restart PostgreSQL; then check"
        Invoke-Checked dotnet @('run', '--no-build', '-c', $Configuration, '--project', 'bench/Cases.Bench', '--', '--profile', $Profile, '--only', 'chaos', '--out', 'bench/results/chaos')
    }

    'lint' { Invoke-Lint }

    'codegen' {
        # The old code goes first: after a handler's signature changed it would not even compile.
        $generated = Join-Path $PSScriptRoot 'src/Cases.Api/Internal/Generated'
        if (Test-Path $generated) { Remove-Item -Recurse -Force $generated }
        Build-Solution
        Step 'Generating the handlers'' code into src/Cases.Api/Internal/Generated (Wolverine codegen write)'
        Push-Location (Join-Path $PSScriptRoot 'src/Cases.Api')
        try {
            Invoke-Checked dotnet @("bin/$Configuration/net10.0/Cases.Api.dll", 'codegen', 'write')
        }
        finally { Pop-Location }
        Build-Solution
    }

    'test' {
        Build-Solution
        Install-DebianPackages 'broker tests' @('rabbitmq-server') @('/usr/lib/rabbitmq/bin/rabbitmq-server')
        Install-DebianPackages 'console tests' @('chromium', 'fonts-noto-cjk') @('/usr/bin/chromium', '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc')
        $started = Get-Date
        Step 'Running every test (the integration tests start a throwaway PostgreSQL)'
        # One test project at a time (-m:1): the chaos run's three nodes and the browser test both time real work, and on two
        # cores they starved each other when they ran side by side.
        $arguments = @('test', 'Cases.sln', '--no-build', '-c', $Configuration, '-m:1', '--logger', 'console;verbosity=normal')
        if ($Filter) { $arguments += @('--filter', $Filter) }
        $passed = 0; $failed = 0; $skipped = 0; $failures = [System.Collections.Generic.List[string]]::new()
        & dotnet @arguments | ForEach-Object {
            Write-Host $_
            # "  Failed Some.Test.Name [2 s]": named again at the end, where a long log's tail shows it.
            if ($_ -match '^\s+Failed\s+(\S.*\S)\s+\[[^\]]+\]\s*$') { $failures.Add($Matches[1]) }
            # Each test project ends with a summary: "Passed: N", "Failed: N", "Skipped: N" on lines of their own.
            if ($_ -match '^\s+Passed:\s+(\d+)\s*$') { $passed += [int]$Matches[1] }
            elseif ($_ -match '^\s+Failed:\s+(\d+)\s*$') { $failed += [int]$Matches[1] }
            elseif ($_ -match '^\s+Skipped:\s+(\d+)\s*$') { $skipped += [int]$Matches[1] }
        }
        $exit = $LASTEXITCODE
        Write-Host "$passed passed, $failed failed, $skipped skipped"
        foreach ($failure in $failures) { Write-Host "  failed: $failure" }
        if ($exit -ne 0) { throw "dotnet test failed with exit code $exit" }
        if ($passed -eq 0) { throw 'No test ran.' }
        $document = Get-Item (Join-Path $PSScriptRoot 'artifacts/openapi.json') -ErrorAction SilentlyContinue
        if ($Filter -and (-not $document -or $document.LastWriteTime -lt $started)) {
            Write-Host 'Lint skipped: this filtered run served no OpenAPI document (no API test ran).'
        }
        else {
            Invoke-Lint
        }
    }

    { $_ -in 'rebuild', 'verify' } {
        Build-Solution
        Step "Projections: $Command (on the same database as the run command, or ConnectionStrings__Cases)"
        Invoke-Checked dotnet @('run', '--no-build', '-c', $Configuration, '--project', 'tools/Cases.Cli', '--', 'projections', $Command)
    }

    'bench' {
        Build-Solution
        Step "Benchmark ($Profile): a real PostgreSQL and the real API host over HTTP on loopback"
        Invoke-Checked dotnet @('run', '--no-build', '-c', $Configuration, '--project', 'bench/Cases.Bench', '--', '--profile', $Profile, '--out', 'bench/results')
    }
}
