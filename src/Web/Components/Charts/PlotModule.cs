using System.Runtime.CompilerServices;
using Microsoft.JSInterop;

namespace QuantScope.Web.Components.Charts;

/// <summary>
/// One import of wwwroot/js/plot.js per circuit (its <see cref="IJSRuntime"/>), shared by the page's preload and all its
/// charts. A chart then sends its figure without first waiting for an import round trip of its own, which the browser
/// would answer only after plotly.js has finished evaluating: the figure is already there when plotly is ready.
/// </summary>
internal static class PlotModule
{
    private const string ModulePath = "./js/plot.js";

    // Weak keys: an ended circuit's runtime and module reference are collected with it.
    private static readonly ConditionalWeakTable<IJSRuntime, Task<IJSObjectReference>> Modules = new();

    /// <summary>The circuit's module, importing it on first use (again after a failed import).</summary>
    public static Task<IJSObjectReference> ImportAsync(IJSRuntime js)
    {
        lock (Modules)
        {
            if (Modules.TryGetValue(js, out var module) && !module.IsFaulted && !module.IsCanceled) return module;
            module = js.InvokeAsync<IJSObjectReference>("import", ModulePath).AsTask();
            Modules.AddOrUpdate(js, module);
            return module;
        }
    }
}
