using ContactSync.AppHost;

// The system: PostgreSQL, the provider sandbox, the projector and the API, each started once what it waits for
// is healthy. Addresses and keys are printed and written to .contactsync/resources.json when the API is ready.
var builder = DistributedApplication.CreateBuilder(args);
var settings = AppHostSettings.From(builder);

// The event log, read models and checkpoints: a private server from the local binaries (no containers here),
// or the server of ConnectionStrings__events when that is set.
var events = builder.AddEventsDatabase(settings);

var sandbox = builder.AddProject<Projects.ContactSync_Sandbox>("sandbox", launchProfileName: null)
    .WithHttpEndpoint(port: settings.Port("sandbox", 5090), isProxied: false)
    .WithHttpHealthCheck("/health")
    .WithServiceDefaults(builder)
    // Where the sandbox may keep its accounts and contacts between runs (beside PostgreSQL's data); a sandbox
    // that keeps everything in memory ignores it.
    .WithEnvironment("Sandbox__DataFile", Path.Combine(settings.DataDirectory, "sandbox.json"))
    .WithSandboxResetCommand();

// The projector creates the read-model tables the API reads, so it starts first.
var projector = builder.AddProject<Projects.ContactSync_Projector>("projector", launchProfileName: null)
    .WithHttpEndpoint(port: settings.Port("projector", 5081), isProxied: false)
    .WithHttpHealthCheck("/health")
    .WithServiceDefaults(builder)
    .WithKeys(settings)
    .WithReference(events).WaitFor(events)
    .WithReference(sandbox);

var api = builder.AddProject<Projects.ContactSync_Api>("api", launchProfileName: null)
    .WithHttpEndpoint(port: settings.Port("api", 5080), isProxied: false)
    .WithHttpHealthCheck("/health")
    .WithServiceDefaults(builder)
    .WithKeys(settings)
    .WithReference(events).WaitFor(events)
    .WithReference(sandbox).WaitFor(sandbox)
    .WaitFor(projector)
    .WithRebuildProjectionCommand("contacts", settings)
    .WithSyncAllCommand(settings);
// Its own public address: return URLs and OAuth callbacks are built from it, never from a request's Host header.
api.WithEnvironment("ContactSync__PublicUrl", api.GetEndpoint("http"));

// Seeds the offline demo tenant on the first run, then prints the addresses and keys.
api.WithDemo(settings, events, sandbox, [sandbox, projector, api]);

builder.Build().Run();
