using ContactSync.Sandbox.Control;
using ContactSync.Sandbox.Google;
using ContactSync.Sandbox.Graph;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddSandboxControl();
builder.AddGoogleEmulator();
builder.AddGraphEmulator();

var app = builder.Build();
app.UseSandboxFaults();
app.MapDefaultEndpoints();
app.MapSandboxControlApi();
app.MapGoogleEmulator();
app.MapGraphEmulator();
app.Run();
