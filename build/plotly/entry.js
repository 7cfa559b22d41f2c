// The plotly.js the dashboard loads (wwwroot/lib/plotly): core (scatter, axes, colour bars, legend, modebar with the
// PNG download) plus the heatmap trace, which are all QuantScope draws. Built by build/plotly/build.sh.
var Plotly = require('plotly.js/lib/core');
Plotly.register([require('plotly.js/lib/heatmap')]);
module.exports = Plotly;
