using ContactSync.Api.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiInfrastructure();

var app = builder.Build();
app.UseApiInfrastructure();
app.MapDefaultEndpoints();
app.Run();
