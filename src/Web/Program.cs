using QuantScope.Web.Setup;

var builder = WebApplication.CreateBuilder(args);
builder.AddQuantScope();

var app = builder.Build();
await app.Services.InitializeQuantScopeAsync(app.Lifetime.ApplicationStopping);
app.MapQuantScope();
app.Run();

/// <summary>Entry point; public so that WebApplicationFactory tests can start the app.</summary>
public partial class Program;
