// Draws QuantScope's charts with plotly.js: specs arrive as JSON, numeric arrays as one binary buffer (PlotColumns.cs)
// viewed in place as typed arrays. Loaded as an ES module from 'self' (the CSP allows no inline script).

const plotlyUrl = '_content/Plotly.Blazor/plotly-3.7.0.min.js';
let plotly;

// plotly.js is 4.7 MB of script: importing this module starts loading it once per page, so a page can start it
// while the server still reads its data (see Plot.PreloadAsync).
function load() {
    if (plotly) return plotly;
    plotly = window.Plotly ? Promise.resolve(window.Plotly) : new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = new URL(plotlyUrl, document.baseURI).href;
        script.async = true;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => reject(new Error('plotly.js did not load from ' + script.src));
        document.head.appendChild(script);
    });
    return plotly;
}
load();

/** Resolves once plotly.js is ready. */
export function ready() {
    return load().then(() => true);
}

// The columns as typed arrays: [{ trace, field, values }]; a matrix (width > 0) is an array of row views.
function columns(header, bytes) {
    if (!header) return [];
    // A copy starts at offset 0 of its own buffer, so every column's 8-byte-aligned offset is aligned in memory too.
    const buffer = bytes ? bytes.slice().buffer : new ArrayBuffer(0);
    return JSON.parse(header).map(c => {
        const Type = c.type === 'f64' ? Float64Array : Float32Array;
        const flat = new Type(buffer, c.offset, c.length);
        if (!c.width) return { trace: c.trace, field: c.field, values: flat };
        const rows = [];
        for (let i = 0; i < c.length; i += c.width) rows.push(flat.subarray(i, i + c.width));
        return { trace: c.trace, field: c.field, values: rows };
    });
}

function figure(specJson, header, bytes) {
    const spec = JSON.parse(specJson);
    for (const c of columns(header, bytes)) spec.data[c.trace][c.field] = c.values;
    return spec;
}

/** Draws a new chart into the element; true when drawn (false: the element is gone). */
export async function newPlot(gd, specJson, header, bytes) {
    const Plotly = await load();
    if (!gd || !gd.isConnected) return false;
    const spec = figure(specJson, header, bytes);
    await Plotly.newPlot(gd, spec.data, spec.layout, spec.config);
    return true;
}

/** Redraws the chart with a whole new figure (another layer picked): one draw, zoom kept by uirevision. */
export async function react(gd, specJson, header, bytes) {
    const Plotly = await load();
    if (!gd || !gd.isConnected) return;
    const spec = figure(specJson, header, bytes);
    await Plotly.react(gd, spec.data, spec.layout, spec.config);
}

/**
 * Appends the columns to their traces in one extendTraces call (one redraw), keeping at most max points per trace.
 * A trace that has no column for a field gets nothing appended to it.
 */
export async function extend(gd, header, bytes, max) {
    const Plotly = await load();
    if (!gd || !gd.isConnected || !gd.data) return;
    const cols = columns(header, bytes);
    const traces = [...new Set(cols.map(c => c.trace))].sort((a, b) => a - b);
    const update = {};
    for (const field of new Set(cols.map(c => c.field))) {
        update[field] = traces.map(t => cols.find(c => c.trace === t && c.field === field)?.values ?? []);
    }
    if (traces.length > 0) await Plotly.extendTraces(gd, update, traces, max);
}

/** Changes layout members (e.g. the shaded amax window) without touching the data. */
export async function relayout(gd, layoutJson) {
    const Plotly = await load();
    if (gd && gd.isConnected && gd.data) await Plotly.relayout(gd, JSON.parse(layoutJson));
}

/** Calls target.OnPlotClick(y) with the y value (a heatmap's layer) of each clicked point. */
export async function onClick(gd, target) {
    await load();
    if (!gd || gd.__quantscopeClicks) return;
    gd.__quantscopeClicks = true;
    gd.on('plotly_click', e => {
        const point = e && e.points && e.points[0];
        if (point && point.y != null) target.invokeMethodAsync('OnPlotClick', String(point.y));
    });
}

/** Frees the chart's plotly state (the element is about to leave the page). */
export function purge(gd) {
    if (gd && gd.data && window.Plotly) window.Plotly.purge(gd);
}
