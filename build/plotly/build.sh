#!/usr/bin/env bash
# Rebuilds wwwroot/lib/plotly/plotly-scatter-heatmap-3.7.0.min.js: plotly.js 3.7.0 (MIT) with only the traces the
# dashboard draws (scatter and heatmap). Evaluating it in the page takes about a fifth of the time of plotly's
# cartesian dist bundle (which also registers bar, box, histograms, contours, pie, violin, image and world calendars),
# and plotly.js's evaluation is most of a run page's first render. Needs node and npm; run from anywhere.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../../wwwroot/lib/plotly/plotly-scatter-heatmap-3.7.0.min.js"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/entry.js" "$work/"
cd "$work"
npm install --ignore-scripts --no-audit --no-fund --silent
# CSS that plotly.js's sources import (MapLibre's, for map subplots we never draw) goes to a file we do not ship:
# plotly's own rules are served as wwwroot/plotly.css (the CSP forbids the <style> it would inject).
npx esbuild entry.js --bundle --format=iife --global-name=Plotly --minify --target=es2016 \
  --define:global=window --define:define.amd=false --legal-comments=eof \
  --banner:js="/** plotly.js v3.7.0 (core + heatmap, built by QuantScope build/plotly/build.sh) · Copyright 2012-2026, Plotly, Inc. · MIT license (LICENSE beside this file) */" \
  --outfile="$work/plotly.js" --log-level=warning
cp "$work/plotly.js" "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
