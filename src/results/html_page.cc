// The HTML report's page: escaping, the frame around the sections, Chart.js
// put inline, and the one script that draws every chart from its spec.
//
// The page must open offline and never ask the network for anything: every
// script and style is inline, and its Content-Security-Policy (default-src
// 'none') makes the browser refuse any request the page might still make.
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "html.h"

#ifndef OLTAP_CHART_JS
#define OLTAP_CHART_JS "/usr/share/javascript/chart.js/chart.min.js"
#endif

namespace oltap::results::html {
namespace {

// The page's style: readable tables, charts in boxes, verdicts coloured.
constexpr const char* kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:0 16px 48px;color:#222}
h1{font-size:22px;margin:18px 0 6px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:2px 7px;text-align:right;white-space:nowrap}
th{background:#f4f4f4}td.t,th.t{text-align:left}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:14px}
.chart{border:1px solid #e2e2e2;border-radius:4px;padding:8px}
.chart.wide{grid-column:1/-1}
.chart .box{position:relative;height:300px}
.chart .note{color:#666;font-size:12px;margin:4px 0}
.alert{background:#fde8e8;border:1px solid #e0a0a0;color:#8a1f1f;padding:8px 12px;border-radius:4px;margin:10px 0}
.warn{background:#fdf3d8;border:1px solid #e6c873;padding:4px 12px;border-radius:4px;margin:10px 0}
.ok{background:#e8f6e8;border:1px solid #a8d8a8;padding:8px 12px;border-radius:4px;margin:10px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dl.facts dt{color:#666}dl.facts dd{margin:0}
td.worse{background:#f8d0d0}td.better{background:#d2f0d2}td.noise{background:#fcefc7}
td.differs{background:#f8d0d0}td.agree{background:#d2f0d2}
details{margin:6px 0}summary{cursor:pointer;color:#245}
pre{background:#f8f8f8;border:1px solid #e2e2e2;padding:8px;overflow:auto;max-height:480px}
.scroll{max-height:360px;overflow:auto}
)css";

// Draws each spec of #oltap-charts into its canvas, and its table when the
// <details> under it is opened. Charts are drawn without animation, so
// the page is complete (and a screenshot true) once it has loaded.
constexpr const char* kScript = R"js(
(function () {
  'use strict';
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2',
                   '#7f7f7f', '#bcbd22'];
  const verdictColor = {worse: '#d62728', better: '#2ca02c', noise: '#e6a700', same: '#7a9cc6'};
  const color = i => palette[(i || 0) % palette.length];
  const specs = JSON.parse(document.getElementById('oltap-charts').textContent);
  // x = 1/(1-p) as HdrHistogram plots it: 10 is 90%, 100 is 99%, 1000 is 99.9%.
  const percentile = v => {
    const l = Math.log10(v), n = Math.round(l);
    if (Math.abs(l - n) < 1e-9) return n === 0 ? '0%' : (100 - 100 / v).toFixed(Math.max(0, n - 2)) + '%';
    if (Math.abs(v - 2) < 1e-9) return '50%';
    return null;
  };
  const annotations = {
    id: 'oltapMarks',
    afterDatasetsDraw(chart) {
      const s = chart.$oltapSpec;
      if (!s || (!s.bands.length && !s.marks.length)) return;
      const ctx = chart.ctx, a = chart.chartArea, x = chart.scales.x;
      ctx.save();
      ctx.font = '11px sans-serif';
      for (const b of s.bands) {
        const x0 = Math.max(a.left, x.getPixelForValue(b.from)), x1 = Math.min(a.right, x.getPixelForValue(b.to));
        ctx.fillStyle = 'rgba(120,120,120,0.14)';
        ctx.fillRect(x0, a.top, x1 - x0, a.bottom - a.top);
        ctx.fillStyle = '#555';
        ctx.fillText(b.label, x0 + 3, a.top + 11);
      }
      for (const m of s.marks) {
        const px = x.getPixelForValue(m.x);
        if (px < a.left || px > a.right) continue;
        ctx.strokeStyle = '#777';
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        ctx.moveTo(px, a.top);
        ctx.lineTo(px, a.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = '#444';
        ctx.fillText(m.label, px + 3, a.top + 24);
      }
      ctx.restore();
    }
  };
  const positive = (v, log) => (v === null || v === undefined || (log && !(v > 0)) ? null : v);
  function config(s) {
    let data;
    if (s.kind === 'bar') {
      data = {
        labels: s.x,
        datasets: s.series.map(d => ({
          label: d.label,
          data: d.lo ? d.lo.map((l, i) => (l === null ? null : [l, d.hi[i]])) : d.y.map(v => positive(v, s.y_log)),
          backgroundColor: d.verdicts ? d.verdicts.map(v => verdictColor[v] || verdictColor.same)
                                 : d.lo ? 'rgba(40,40,40,0.45)' : color(d.color),
          borderColor: d.lo ? '#222' : undefined,
          borderWidth: d.lo ? 1 : 0,
          grouped: !d.lo && !d.overlay,
          barPercentage: d.lo ? 0.25 : 0.9,
          order: d.lo ? 0 : 1,
          hidden: !!d.hidden
        }))
      };
    } else {
      const datasets = s.series.map(d => {
        const xs = s.kind === 'time' ? s.x : d.x;
        return {
          label: d.label,
          data: xs.map((x, i) => ({x: x, y: positive(d.y[i], s.y_log)})),
          borderColor: color(d.color),
          backgroundColor: color(d.color),
          borderWidth: d.width || 1.5,
          borderDash: d.dash ? [6, 3] : undefined,
          pointRadius: s.kind === 'time' || xs.length > 60 ? 0 : 2,
          hidden: !!d.hidden
        };
      });
      for (const p of s.points)
        datasets.push({label: p.label, data: [{x: p.x, y: p.y}], showLine: false, pointRadius: 7,
                       pointStyle: 'triangle', borderColor: '#000', backgroundColor: color(p.color)});
      data = {datasets: datasets};
    }
    const axis = (log, label) => ({type: log ? 'logarithmic' : 'linear', title: {display: !!label, text: label}});
    const x = s.kind === 'bar' ? {type: 'category', title: {display: !!s.x_label, text: s.x_label}}
                               : axis(s.x_log, s.x_label);
    if (s.kind === 'spectrum') x.ticks = {callback: percentile, autoSkip: false};
    // The measurement starts at 0 (the first point is the first interval's end); a warm-up before it.
    if (s.kind === 'time') x.min = s.bands.length ? Math.min(...s.bands.map(b => b.from)) : 0;
    const y = axis(s.y_log, s.y_label);
    if (!s.y_log) y.beginAtZero = true;
    // A logarithmic axis from a power of ten to a power of ten, so its ends are labelled.
    if (s.y_log) {
      const ys = [].concat(...s.series.map(d => (d.y || []).concat(d.hi || []))).filter(v => v > 0);
      if (ys.length) {
        y.min = Math.pow(10, Math.floor(Math.log10(Math.min(...ys))));
        y.max = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys))));
      }
    }
    return {
      type: s.kind === 'bar' ? 'bar' : 'line',
      data: data,
      plugins: [annotations],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: {mode: 'nearest', intersect: false},
        plugins: {title: {display: true, text: s.title}, legend: {position: 'bottom'}},
        scales: {x: x, y: y}
      }
    };
  }
  // The numbers behind a chart, as a table.
  function table(s) {
    const t = document.createElement('table');
    const row = (cells, tag) => {
      const tr = document.createElement('tr');
      cells.forEach((c, i) => {
        const e = document.createElement(tag);
        e.textContent = c === null || c === undefined ? '-' : String(c);
        if (i === 0) e.className = 't';
        tr.appendChild(e);
      });
      t.appendChild(tr);
    };
    if (s.kind === 'time') {
      row([s.x_label].concat(s.series.map(d => d.label)), 'th');
      s.x.forEach((x, i) => row([x].concat(s.series.map(d => d.y[i])), 'td'));
    } else if (s.kind === 'bar') {
      row([s.x_label || ''].concat(s.series.map(d => d.label)), 'th');
      s.x.forEach((c, i) => row([c].concat(s.series.map(d => (d.lo ? (d.lo[i] === null ? null : d.lo[i] + ' .. ' + d.hi[i]) : d.y[i]))), 'td'));
    } else {
      row(['series', s.x_label, s.y_label], 'th');
      s.series.forEach(d => d.x.forEach((x, i) => row([d.label, s.kind === 'spectrum' ? percentile(x) || (100 - 100 / x).toFixed(4) + '%' : x, d.y[i]], 'td')));
      s.points.forEach(p => row([p.label, p.x, p.y], 'td'));
    }
    return t;
  }
  window.oltapCharts = [];
  for (const s of specs) {
    const canvas = document.getElementById(s.id);
    const chart = new Chart(canvas.getContext('2d'), config(s));
    chart.$oltapSpec = s;
    chart.update();
    window.oltapCharts.push({id: s.id, chart: chart});
    const details = document.getElementById(s.id + '-table');
    details.addEventListener('toggle', () => {
      const holder = details.querySelector('.scroll');
      if (details.open && !holder.firstChild) holder.appendChild(table(s));
    });
  }
  document.body.setAttribute('data-charts-drawn', String(window.oltapCharts.length));
})();
)js";

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A script's text that may stand inside <script>: "</script" (in a string or
// a comment of it) written "<\/script", which JavaScript reads the same.
std::string inline_script(std::string text) {
  std::string lower = text;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string out;
  size_t from = 0;
  for (size_t at; (at = lower.find("</script", from)) != std::string::npos; from = at + 1)
    out.append(text, from, at + 1 - from).append("\\");
  return out.append(text, from, std::string::npos);
}

}  // namespace

std::string escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string script_json(const Json& j) {
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<')
      out += "\\u003c";
    else if (c == '>')
      out += "\\u003e";
    else if (c == '&')
      out += "\\u0026";
    // U+2028 and U+2029 (E2 80 A8/A9) end a line in older JavaScript.
    else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
             (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

Json ChartSpec::to_json(const std::string& id) const {
  return {{"id", id},           {"title", title}, {"kind", kind},   {"x_label", x_label},
          {"y_label", y_label}, {"x_log", x_log}, {"y_log", y_log}, {"x", x},
          {"series", series},   {"marks", marks}, {"bands", bands}, {"points", points}};
}

void Page::heading(const std::string& text, int level) {
  const std::string tag = "h" + std::to_string(level);
  body_ += "<" + tag + ">" + escape(text) + "</" + tag + ">\n";
}

void Page::chart(const ChartSpec& spec) {
  const std::string id = "chart" + std::to_string(charts_.size());
  body_ += std::string("<div class=\"chart") + (spec.wide ? " wide" : "") +
           "\"><div class=\"box\"><canvas id=\"" + id + "\"></canvas></div>";
  if (!spec.note.empty()) body_ += "<p class=\"note\">" + escape(spec.note) + "</p>";
  body_ += "<details id=\"" + id +
           "-table\"><summary>table</summary><div class=\"scroll\"></div></details></div>\n";
  charts_.push_back(spec.to_json(id));
}

void Page::details(const std::string& summary, const std::string& body, bool open) {
  body_ += std::string("<details") + (open ? " open" : "") + "><summary>" + escape(summary) + "</summary>\n" +
           body + "</details>\n";
}

std::string chart_js_file() {
  const char* env = std::getenv("OLTAP_CHART_JS");
  const std::string path = env && *env ? env : OLTAP_CHART_JS;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw Error(ErrorClass::kBadInput,
                "the HTML report needs Chart.js, and " + path +
                    " is not there: install Debian's libjs-chart.js (scripts/setup.sh does), or set "
                    "OLTAP_CHART_JS to a chart.min.js (Chart.js 3 or 4)");
  std::string text = read_all(path);
  if (text.find("Chart") == std::string::npos)
    throw Error(ErrorClass::kBadInput, path + " does not look like Chart.js (OLTAP_CHART_JS)");
  return text;
}

std::string Page::render() const {
  const std::string chart_js = chart_js_file();
  Json specs = Json::array();
  for (const auto& c : charts_) specs.push_back(c);
  std::string out;
  out.reserve(chart_js.size() + body_.size() + 4096);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  // No request of any kind: everything the page needs is in it.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src "
      "'unsafe-inline'; "
      "style-src 'unsafe-inline'; img-src data:\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out +=
      "<title>" + escape(title_) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  out += body_;
  out += "<script id=\"oltap-charts\" type=\"application/json\">" + script_json(specs) + "</script>\n";
  out += "<script>" + inline_script(chart_js) + "</script>\n";
  out += "<script>" + std::string(kScript) + "</script>\n</body></html>\n";
  return out;
}

}  // namespace oltap::results::html
