using ContactSync.Projector;

var app = ProjectorApp.Build(args);
await app.RunAsync();
