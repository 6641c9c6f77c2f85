using ContactSync.AppHost;

// The system, declared Aspire-style: each resource gets the environment variables Aspire would inject
// (ConnectionStrings__*, services__*__http__0, OTEL_*), starts once what it waits for is healthy, and
// stops in reverse order on Ctrl+C.
var builder = DistributedApplication.CreateBuilder(args);

var events = builder.AddPostgres("postgres", port: 54329).AddDatabase("events");

var sandbox = builder.AddProject("sandbox", "ContactSync.Sandbox", port: 5090);

// The projector creates the read-model tables the API reads, so it starts first.
var projector = builder.AddProject("projector", "ContactSync.Projector", port: 5081)
    .WithReference(events)
    .WithReference(sandbox)
    .WaitFor(events);

var api = builder.AddProject("api", "ContactSync.Api", port: 5080)
    .WithReference(events)
    .WithReference(sandbox)
    .WaitFor(projector)
    .WaitFor(sandbox);

builder.AddDemo("demo", api)
    .WaitFor(api);

return await builder.Build().RunAsync();
