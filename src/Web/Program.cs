using QuantScope.Web.Cli;
using QuantScope.Web.Setup;

// Before libtorch loads: idle OpenMP workers sleep instead of spinning (see OpenMpWaitPolicy), and freed tensor
// memory stays in the process for the next step (see NativeHeap), in every verb.
QuantScope.Engine.Hosting.OpenMpWaitPolicy.Apply();
QuantScope.Engine.Hosting.NativeHeap.Apply();
if (QuantScopeCli.IsVerb(args)) return await QuantScopeCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddQuantScope();

var app = builder.Build();
await app.Services.InitializeQuantScopeAsync(app.Lifetime.ApplicationStopping);
app.MapQuantScope();
await app.RunAsync();
return 0;

/// <summary>Entry point; public so that WebApplicationFactory tests can start the app.</summary>
public partial class Program;
