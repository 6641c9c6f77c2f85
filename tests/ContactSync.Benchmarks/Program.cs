using ContactSync.Benchmarks;

return args.FirstOrDefault() switch
{
    "eventstore" => await EventStoreBenchmark.RunAsync(args[1..]),
    "api" => await ContactSync.Benchmarks.Api.ApiBenchmark.RunAsync(args[1..]),
    "rebuild" => await ContactSync.Benchmarks.Rebuild.RebuildBenchmark.RunAsync(args[1..]),
    "sandbox" => await ContactSync.Benchmarks.Sandbox.SandboxBenchmark.RunAsync(args[1..]),
    "sync" => await ContactSync.Benchmarks.Sync.SyncBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project tests/ContactSync.Benchmarks -- <benchmark> [options]");
    Console.Error.WriteLine("benchmarks:");
    Console.Error.WriteLine("  eventstore [--seconds N] [--async-commit]   event store appends, $all catch-up and subscription latency vs raw SQL");
    Console.Error.WriteLine("  api                                         GET /api/contacts/{id} throughput and latency (loopback load)");
    Console.Error.WriteLine("  rebuild [--events N] [--batch N]            full rebuild of the contacts projection (default 1,000,000 events)");
    Console.Error.WriteLine("  sandbox                                     People API list and write throughput of the sandbox");
    Console.Error.WriteLine("  sync [--contacts N] [--edits N] [--ms-contacts N]  first sync to Google, CRM edit latency, Outlook import vs a bare client");
    Console.Error.WriteLine("eventstore, api and rebuild reach PostgreSQL over its Unix-domain socket; --tcp uses loopback TCP.");
    return 2;
}
