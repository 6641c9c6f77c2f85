using ContactSync.Api;

var app = ApiApp.Build(args);
app.Run();
