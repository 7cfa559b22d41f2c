// Draws QuantScope's charts with plotly.js: specs arrive as JSON, numeric arrays as one binary buffer (PlotColumns.cs)
// viewed in place as typed arrays. Loaded as an ES module from 'self' (the CSP allows no inline script).

// plotly.js 3.7.0 (MIT; the version Plotly.Blazor 7.2.0 wraps) built with only its core (scatter) and the heatmap
// trace, all we draw (build/plotly/build.sh): at 1.1 MB it evaluates in about a fifth of the time of the cartesian
// dist bundle (1.4 MB), and plotly.js's evaluation is most of a run page's first render.
// App.razor names its fingerprinted (immutably cached) address; the plain one is the fallback.
const plotlyUrl = document.querySelector('meta[name=quantscope-plotly]')?.content ?? 'lib/plotly/plotly-scatter-heatmap-3.7.0.min.js';
let plotly;

// Loads plotly.js once per page: with the page on chart pages (App.razor), when idle on others (see the end), or at the
// first draw or preload().
function load() {
    if (plotly) return plotly;
    const tag = document.getElementById('plotly-js'); // chart pages start it with the page (App.razor)
    plotly = window.Plotly ? Promise.resolve(window.Plotly) : tag ? new Promise((resolve, reject) => {
        tag.addEventListener('load', () => resolve(window.Plotly));
        tag.addEventListener('error', () => reject(new Error('plotly.js did not load from ' + tag.src)));
    }) : new Promise((resolve, reject) => {
        const script = document.createElement('script');
        script.src = new URL(plotlyUrl, document.baseURI).href;
        script.async = true;
        script.onload = () => resolve(window.Plotly);
        script.onerror = () => reject(new Error('plotly.js did not load from ' + script.src));
        document.head.appendChild(script);
    });
    return plotly;
}

/**
 * Starts loading plotly.js and returns the page's viewport width in CSS pixels (the run page sizes its heatmap's
 * columns to it). The width is answered first: plotly.js's evaluation then holds the page's thread for a while.
 */
export function preload() {
    setTimeout(load, 0);
    return window.innerWidth;
}

/** Resolves once plotly.js is ready. */
export function ready() {
    return load().then(() => true);
}

// The columns as typed arrays: [{ trace, field, values }]; a matrix (width > 0) is an array of rows.
function columns(header, bytes) {
    if (!header) return [];
    // A copy starts at offset 0 of its own buffer, so every column's 8-byte-aligned offset is aligned in memory too.
    const buffer = bytes ? bytes.slice().buffer : new ArrayBuffer(0);
    return JSON.parse(header).map(c => {
        const Type = c.type === 'f64' ? Float64Array : Float32Array;
        const flat = new Type(buffer, c.offset, c.length);
        if (!c.width) return { trace: c.trace, field: c.field, values: flat };
        // A matrix (a heatmap's z) becomes plain rows with null gaps, the shape plotly.js and the page's probes have
        // always seen: a few ms for 200,000 values, against seconds of JSON parsing before.
        const rows = [];
        for (let i = 0; i < c.length; i += c.width) {
            const row = new Array(c.width);
            for (let j = 0; j < c.width; j++) {
                const v = flat[i + j];
                row[j] = v !== v ? null : v; // NaN
            }
            rows.push(row);
        }
        return { trace: c.trace, field: c.field, values: rows };
    });
}

// plotly.js draws synchronously and settles its promise later (after animation frames): the server is answered once
// the drawing is done, not when the promise settles, so a busy page never holds up the next push's round trip.
function settle(promise) {
    if (promise && promise.catch) promise.catch(e => console.error('plotly', e));
}

function figure(specJson, header, bytes) {
    const spec = JSON.parse(specJson);
    for (const c of columns(header, bytes)) spec.data[c.trace][c.field] = c.values;
    return spec;
}

// First draws wait for plotly.js and then go one chart per task, the highest data-priority first (the run page's
// heatmap before its line charts): between two draws the page paints and reads input, so the chart that matters shows
// without waiting for the others to be drawn too. A chart whose element is in the page with a higher priority but
// whose figure has not arrived yet (the heatmap's buffer is the largest message, it lands last) is waited for up to
// HoldMillis after the first waiting chart arrived; then the others go on.
const HoldMillis = 1000;
const SettleMillis = 100;
const queue = [];
let pumping = false;
let wake = null;

const priorityOf = gd => Number(gd.dataset && gd.dataset.priority) || 0;

function higherPending(priority) {
    for (const el of document.querySelectorAll('.plot[data-priority]')) {
        if (priorityOf(el) > priority && !el.data && !el.__quantscopeQueued) return true;
    }
    return false;
}

const nextTask = ms => new Promise(resolve => { wake = resolve; setTimeout(resolve, ms); });

async function pump() {
    if (pumping) return;
    pumping = true;
    try {
        const Plotly = await load();
        while (queue.length > 0) {
            queue.sort((a, b) => b.priority - a.priority || a.at - b.at);
            const job = queue[0];
            if (higherPending(job.priority) && performance.now() - job.at < HoldMillis) {
                await nextTask(20);
                continue;
            }
            queue.shift();
            let drawing = null;
            let shown = null;
            try {
                drawing = job.draw(Plotly);
                shown = imagesShown(job.gd);
                job.resolve(drawing !== null);
            } catch (e) {
                job.reject(e);
            }
            // plotly.js finishes some of a chart's drawing after newPlot returns (its promise settles after a frame):
            // the next chart waits for that, at most SettleMillis, then for one task (the page paints in between).
            if (queue.length > 0) await Promise.race([drawing || Promise.resolve(), new Promise(resolve => setTimeout(resolve, SettleMillis))]);
            if (queue.length > 0 && shown) await shown;
            if (queue.length > 0) await nextTask(0);
        }
    } catch (e) {
        for (const job of queue.splice(0)) job.reject(e);
    } finally {
        pumping = false;
        wake = null;
    }
}

// A heatmap's cells are an image (a PNG data URL) that the browser loads and decodes in later tasks, and paints in the
// frame after that: a chart drawn next would hold that paint back by its own drawing time. So the next chart waits for
// the drawn chart's images to load (listened for as soon as it is drawn; at most ImageMillis) and for one frame.
const ImageMillis = 200;
const frame = () => new Promise(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));

async function imagesShown(gd) {
    const images = gd.querySelectorAll('image');
    if (images.length === 0) return;
    const loaded = [...images].map(image => new Promise(resolve => {
        image.addEventListener('load', resolve, { once: true });
        image.addEventListener('error', resolve, { once: true });
    }));
    await Promise.race([Promise.all(loaded), new Promise(resolve => setTimeout(resolve, ImageMillis))]);
    await frame();
}

function enqueue(gd, draw) {
    gd.__quantscopeQueued = true;
    return new Promise((resolve, reject) => {
        queue.push({ gd, priority: priorityOf(gd), at: performance.now(), draw, resolve, reject });
        if (wake) wake();
        pump();
    });
}

/** Draws a new chart into the element; true when drawn (false: the element is gone). */
export function newPlot(gd, specJson, header, bytes) {
    if (!gd) return Promise.resolve(false);
    return enqueue(gd, Plotly => {
        if (!gd.isConnected) return null;
        const spec = figure(specJson, header, bytes);
        const drawn = Plotly.newPlot(gd, spec.data, spec.layout, spec.config);
        settle(drawn);
        return drawn ? drawn.catch(() => undefined) : Promise.resolve();
    });
}

// Staged figures: a chart sends its figure while the page is still being rendered on the server, before its element
// exists, and is drawn as soon as Blazor inserts the element (data-stage = the figure's key): the figure travels
// while plotly.js evaluates, and the first draw waits for no round trip after the page's render.
const staged = new Map();
let observer = null;

function drawStaged(gd) {
    const s = staged.get(gd.dataset.stage);
    if (!s) return null;
    if (!s.drawn) s.drawn = newPlot(gd, s.specJson, s.header, s.bytes);
    return s.drawn;
}

function watchStaged() {
    if (observer) return;
    observer = new MutationObserver(() => {
        for (const gd of document.querySelectorAll('.plot[data-stage]')) drawStaged(gd);
        if ([...staged.values()].every(s => s.drawn)) {
            observer.disconnect();
            observer = null;
        }
    });
    observer.observe(document.body, { childList: true, subtree: true });
}

/** Keeps a chart's figure under key until its element (data-stage = key) is in the page, then draws it. */
export function stage(key, specJson, header, bytes) {
    staged.set(key, { specJson, header, bytes, drawn: null });
    const gd = document.querySelector(`.plot[data-stage="${key}"]`);
    if (gd) drawStaged(gd);
    else watchStaged();
}

/** Draws the element's staged figure, or waits for its draw; true when drawn, false when none was staged. */
export async function newPlotStaged(gd) {
    if (!gd) return false;
    const drawn = drawStaged(gd);
    if (!drawn) return false;
    try {
        return await drawn;
    } finally {
        staged.delete(gd.dataset.stage);
    }
}

/** Forgets a staged figure (its chart left the page before it was drawn). */
export function unstage(key) {
    staged.delete(key);
}

// Updates of drawn charts (a live push sends one per chart at once) run in arrival order, one redraw per task: the
// page paints the first chart's new point (the loss, sent first) before it redraws the next, instead of holding
// every chart's redraw in one long task.
const updates = [];
let updating = false;

async function runUpdates() {
    updating = true;
    try {
        const Plotly = await load();
        while (updates.length > 0) {
            const job = updates.shift();
            try {
                job.resolve(job.gd && job.gd.isConnected && job.gd.data ? job.apply(Plotly) : undefined);
            } catch (e) {
                job.reject(e);
            }
            if (updates.length > 0) await new Promise(resolve => setTimeout(resolve, 0));
        }
    } catch (e) {
        for (const job of updates.splice(0)) job.reject(e);
    } finally {
        updating = false;
    }
}

function update(gd, apply) {
    return new Promise((resolve, reject) => {
        updates.push({ gd, apply, resolve, reject });
        if (!updating) runUpdates();
    });
}

/** Redraws the chart with a whole new figure (another layer picked): one draw, zoom kept by uirevision. */
export function react(gd, specJson, header, bytes) {
    return update(gd, Plotly => {
        const spec = figure(specJson, header, bytes);
        settle(Plotly.react(gd, spec.data, spec.layout, spec.config));
    });
}

/**
 * Appends the columns to their traces in one extendTraces call (one redraw), keeping at most max points per trace.
 * A trace that has no column for a field gets nothing appended to it.
 */
export function extend(gd, header, bytes, max) {
    return update(gd, Plotly => {
        const cols = columns(header, bytes);
        const traces = [...new Set(cols.map(c => c.trace))].sort((a, b) => a - b);
        const changes = {};
        for (const field of new Set(cols.map(c => c.field))) {
            changes[field] = traces.map(t => cols.find(c => c.trace === t && c.field === field)?.values ?? []);
        }
        // plotly.js keeps a typed array at exactly maxPoints values (it would allocate length - max < 0 while shorter):
        // ask each trace for no more than it will hold.
        const maxPoints = traces.map((t, i) => Math.min(max, ...Object.keys(changes).map(f =>
            (gd.data[t][f] ? gd.data[t][f].length : 0) + changes[f][i].length)));
        if (traces.length > 0) settle(Plotly.extendTraces(gd, changes, traces, maxPoints));
    });
}

/** Changes layout members (e.g. the shaded amax window) without touching the data. */
export function relayout(gd, layoutJson) {
    return update(gd, Plotly => settle(Plotly.relayout(gd, JSON.parse(layoutJson))));
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

// Every interactive page runs this module with the page (App.razor), and the server's import of it resolves to the
// same instance: the server stages a figure through this global before that import has made its round trip (which the
// browser answers late, busy with plotly.js).
window.quantscopePlot = { stage };

// A page without charts (the runs table) loads plotly.js once it is idle: the run page opened from it then draws at
// once instead of first downloading and evaluating 1.1 MB of script.
if (!document.getElementById('plotly-js')) {
    const idle = window.requestIdleCallback ?? (f => setTimeout(f, 1000));
    idle(() => load().catch(() => { plotly = null; }), { timeout: 3000 });
}
