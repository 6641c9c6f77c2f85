using ContactSync.Sandbox;

var app = SandboxApp.Build(args);
app.Run();
