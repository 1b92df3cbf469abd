// The parts of the HTML report (html_*.cc), private to results: escaping,
// the page around the sections, the charts' specifications and the tables.
//
// A chart is data, not code: C++ writes each one's series as JSON
// (ChartSpec) into the page, and the page's one script (html_page.cc) turns
// every spec into a Chart.js chart and, when its table is opened, into the
// table behind it. Nothing here is shared between threads.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "results.h"

namespace oltap::results::html {

using Json = nlohmann::ordered_json;

// text with & < > " ' as entities: safe in element content and quoted attributes.
std::string escape(const std::string& text);
// j as JSON that may stand inside <script>: '<', '>', '&' and U+2028/9 as
// \u escapes (they only occur inside strings), so no "</script>" can end it.
std::string script_json(const Json& j);

// Points on a time axis and percentiles a chart can hold: beyond this a
// series is merged into buckets of several intervals (an hour at 1 s: 6 s).
inline constexpr size_t kMaxPointsPerSeries = 600;

// One chart. kind: "time" (x shared by the series: seconds), "xy" (each
// series its own x), "bar" (categories), "spectrum" (x = 1/(1-p), labelled
// as percentiles). Series: {"label", "y":[...], "x":[...] (xy, spectrum),
// "lo"/"hi" (bar: a floating interval), "color": palette index, "hidden"}.
struct ChartSpec {
  std::string title, note;
  std::string kind = "time";
  std::string x_label, y_label;
  bool x_log = false, y_log = false;
  bool wide = false;            // across the whole row of charts
  Json x = Json::array();       // time: the shared x; bar: the categories
  Json series = Json::array();  // see above
  Json marks = Json::array();   // vertical lines: {"x", "label"}
  Json bands = Json::array();   // shaded x ranges: {"from", "to", "label"}
  Json points = Json::array();  // labelled single points: {"x", "y", "label"} (a knee)
  Json to_json(const std::string& id) const;
};

// A page being written: sections of HTML and the charts they hold.
class Page {
 public:
  explicit Page(std::string title) : title_(std::move(title)) {}
  // Appends raw HTML (callers escape what they put in it).
  void html(const std::string& text) { body_ += text; }
  void heading(const std::string& text, int level = 2);
  // A chart in its own box, with its table (filled in by the script when opened).
  void chart(const ChartSpec& spec);
  // A <details> block: summary text escaped, body raw HTML.
  void details(const std::string& summary, const std::string& body, bool open = false);
  // The whole file, Chart.js read from chart_js_file() and put inline.
  std::string render() const;
  size_t charts() const { return charts_.size(); }

 private:
  std::string title_, body_;
  std::vector<Json> charts_;
};

// Chart.js's minified file: $OLTAP_CHART_JS, else the path found at build
// time. Error(kBadInput) saying how to install it when it is missing.
std::string chart_js_file();

// ---------------------------------------------------------------- a result folder read for the report
// One result folder: its rows, meta.json (parsed; null when absent), its
// time series and curve.
struct Source {
  std::string dir;   // as given
  std::string name;  // how it is called when there are several (its folder name)
  std::string run_id, workload;
  RunState state;  // how the run ended; one cut short may have no rows (no summary.csv)
  std::vector<SummaryRow> rows;
  Json meta;  // null without meta.json
  std::string meta_text;
  std::vector<TimeseriesRow> series;
  std::vector<CurvePoint> curve;
  std::string hlog;  // path of latency.hlog, "" when there is none
  // How the charts name each target of the files (name_targets).
  std::map<std::string, std::string> shown;
  const std::string& shown_name(const std::string& target) const;
};
Source read_source(const std::string& dir);
// Fills each source's `shown`: a URI by its scheme ("postgresql", "mysql",
// "odbc", "redis", numbered when two share one, as the text tables do), a
// label as it is; "<folder>: " first when two folders share a target.
void name_targets(std::vector<Source>& sources);
// s with every target of its rows, series and curve renamed as shown.
Source chart_view(const Source& s);

// ---------------------------------------------------------------- charts (html_charts.cc)
// Throughput over time per target (a series per transaction) and the ALL
// rows of every target together; latency p50/p99 over time per target.
void time_charts(Page& page, const std::vector<Source>& sources);
// Errors per interval by class (and unknown outcomes) per target that had
// some, from the ALL rows of timeseries.csv (its groups summed); only the
// classes it counts. Nothing for a clean run.
void error_charts(Page& page, const std::vector<Source>& sources);
// The percentile spectrum per transaction, a line per target, from the
// whole-run histograms of latency.hlog.
void spectrum_charts(Page& page, const std::vector<Source>& sources);
// tps, p50 and p99 per transaction, a bar per target.
void bar_charts(Page& page, const std::vector<SummaryRow>& rows);
// A sweep's latency-throughput curve per group, a line per target, the knee marked.
void curve_charts(Page& page, const std::vector<CurvePoint>& points);
// An analytical run: each query's time per target (log scale).
void query_charts(Page& page, const std::vector<SummaryRow>& rows);
// A comparison: per metric each row's change with its interval, coloured by verdict.
void delta_charts(Page& page, const Evaluation& e);

// ---------------------------------------------------------------- tables (html_tables.cc)
// summary.csv's rows, each cell as the file holds it (<td data-col="tps">).
std::string summary_table(const std::vector<SummaryRow>& rows, bool with_folder,
                          const std::string& id = "summary");
std::string curve_table(const std::vector<CurvePoint>& points);
// Per target: geometric mean, queries per hour, streams; then the answers.
std::string query_figures_table(const std::vector<SummaryRow>& rows);
std::string answers_table(const std::vector<SummaryRow>& rows);
// A comparison's rows and metrics: medians, change, interval, p, verdict (coloured).
std::string evaluation_table(const Evaluation& e);
std::string findings_list(const Evaluation& e);
// "worse", "better", "noise" or "same": how a metric's change is coloured.
std::string verdict(const MetricCheck& m, const GateOptions& options);

// ---------------------------------------------------------------- the header (html_report.cc)
// Workload, targets, settings, version, host, start and duration of a
// source; a red line first when it is incomplete or had errors.
std::string header_html(const Source& s);

}  // namespace oltap::results::html
