// `oltap report --html` and `oltap compare --html`: the sections of the
// report put together from result folders, a suite folder or a comparison,
// with each folder's header (what ran where, and what went wrong first).
#include <array>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "csv.h"
#include "html.h"

namespace oltap::results {
namespace html {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string json_text(const Json& j) {
  return j.is_null() ? "" : j.is_string() ? j.get<std::string>() : j.dump();
}

// o[key], or null when o is not an object or has no key.
Json at(const Json& o, const char* key) { return o.is_object() && o.contains(key) ? o.at(key) : Json(); }

std::string fact(const std::string& name, const std::string& value_html) {
  return "<dt>" + escape(name) + "</dt><dd>" + value_html + "</dd>\n";
}

// A folder's name for people: its last component.
std::string folder_name(const std::string& dir) {
  fs::path p = fs::path(dir).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  if (p.filename() == "summary.csv") p = p.parent_path();
  return p.filename().empty() ? dir : p.filename().string();
}

}  // namespace

Source read_source(const std::string& dir_in) {
  Source s;
  s.dir = dir_in;
  s.name = folder_name(dir_in);
  const fs::path dir = fs::is_directory(dir_in) ? fs::path(dir_in) : fs::path(dir_in).parent_path();
  s.state = read_run_state(dir.string());
  // A run cut short before its first target ended has no summary: its
  // series is what there is to show.
  if (!(s.state.cut_short() && !s.state.has_summary)) {
    s.rows = read_summary(dir_in);
    if (s.rows.empty()) throw Error(ErrorClass::kBadInput, dir_in + ": the summary has no rows");
  }
  s.run_id = s.rows.empty() ? s.state.run_id : s.rows.front().run_id;
  s.workload = s.rows.empty() ? s.state.workload : s.rows.front().workload;
  if (fs::exists(dir / "meta.json")) {
    s.meta_text = read_text(dir / "meta.json");
    s.meta = Json::parse(s.meta_text, nullptr, /*allow_exceptions=*/false);
    if (s.meta.is_discarded())
      throw Error(ErrorClass::kBadInput, (dir / "meta.json").string() + ": not valid JSON");
  }
  if (fs::exists(dir / "timeseries.csv")) s.series = read_timeseries((dir / "timeseries.csv").string());
  if (fs::exists(dir / "curve.csv")) s.curve = read_curve((dir / "curve.csv").string());
  if (fs::exists(dir / kHlogFileName)) s.hlog = (dir / kHlogFileName).string();
  return s;
}

const std::string& Source::shown_name(const std::string& target) const {
  auto it = shown.find(target);
  return it == shown.end() ? target : it->second;
}

void name_targets(std::vector<Source>& sources) {
  std::vector<std::string> all;  // every target of every folder, in first-seen order
  std::map<std::string, int> folders_of;
  for (const auto& s : sources) {
    std::set<std::string> mine;
    auto add = [&](const std::string& target) {
      if (std::find(all.begin(), all.end(), target) == all.end()) all.push_back(target);
      if (mine.insert(target).second) ++folders_of[target];
    };
    for (const auto& r : s.rows) add(r.target);
    for (const auto& r : s.series) add(r.target);  // a run cut short may have only these
  }
  bool clash = false;
  for (const auto& [t, n] : folders_of) clash = clash || n > 1;
  // A URI's scheme, numbered when several targets share it.
  auto is_uri = [](const std::string& t) {
    return t.find("://") != std::string::npos || t.rfind("odbc:", 0) == 0;
  };
  std::map<std::string, int> per_scheme, seen;
  for (const auto& t : all)
    if (is_uri(t)) ++per_scheme[t.substr(0, t.find(':'))];
  std::map<std::string, std::string> short_name;
  for (const auto& t : all) {
    if (!is_uri(t)) {
      short_name[t] = t;
      continue;
    }
    const std::string scheme = t.substr(0, t.find(':'));
    const int n = ++seen[scheme];
    short_name[t] = per_scheme[scheme] > 1 ? scheme + "#" + std::to_string(n) : scheme;
  }
  // A short name that is also another target's own name keeps the URI.
  const std::set<std::string> names(all.begin(), all.end());
  for (auto& [t, n] : short_name)
    if (n != t && names.count(n)) n = t;
  for (auto& s : sources) {
    for (const auto& r : s.rows) s.shown[r.target] = (clash ? s.name + ": " : "") + short_name[r.target];
    for (const auto& r : s.series) s.shown[r.target] = (clash ? s.name + ": " : "") + short_name[r.target];
  }
}

Source chart_view(const Source& s) {
  Source v = s;
  for (auto& r : v.rows) r.target = s.shown_name(r.target);
  for (auto& r : v.series) r.target = s.shown_name(r.target);
  for (auto& p : v.curve) p.target = s.shown_name(p.target);
  return v;
}

std::string header_html(const Source& s) {
  const Json& m = s.meta;
  const bool has_meta = m.is_object();
  std::string out;
  // What went wrong comes first.
  std::vector<std::string> alerts, notes;
  if (s.state.cut_short()) {
    std::string text = cut_short_text(s.state);
    text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    alerts.push_back(text + ". Shown is what was written until then" +
                     (s.rows.empty() ? ": the time series (no totals, no whole-run percentiles)." : "."));
  }
  if (has_meta && m.value("incomplete", false)) alerts.push_back("The run is incomplete (meta.json).");
  if (has_meta && m.contains("targets"))
    for (const auto& t : m["targets"]) {
      const std::string name = t.value("label", "").empty() ? t.value("target", "?") : t.value("label", "");
      const std::string status = t.value("status", "");
      if (status != "complete")
        alerts.push_back("Target " + name + ": " + status +
                         (t.value("failure", "").empty() ? "" : " (" + t.value("failure", "") + ")"));
      if (t.contains("sample_errors") && t["sample_errors"].is_array() && !t["sample_errors"].empty())
        alerts.push_back("Target " + name + ", first error: " + json_text(t["sample_errors"][0]));
      if (t.contains("client") && t["client"].value("client_bound", false))
        notes.push_back("Target " + name + ": the client was the bottleneck (" +
                        t["client"].value("why", "") + ")");
      if (t.contains("queries") && t["queries"].contains("failures"))
        for (const auto& f : t["queries"]["failures"])
          alerts.push_back("Target " + name + ", " + f.value("stream", "") + " " + f.value("query", "") +
                           ": " + f.value("status", "") + " " + f.value("message", ""));
    }
  // Per target (its groups' whole-run ALL rows summed): errors, by class, and unknown outcomes.
  struct Failures {
    int64_t errors = 0, unknown = 0;
    std::array<int64_t, kErrorClasses> err{};
  };
  std::map<std::string, Failures> failures;
  std::vector<SummaryRow> whole_run;
  for (const auto& r : s.rows) {
    if (r.incomplete && alerts.empty()) alerts.push_back("summary.csv marks rows incomplete.");
    if (r.txn != "ALL" || !r.stage.empty() || (r.errors == 0 && r.unknown == 0)) continue;
    Failures& f = failures[r.target];
    f.errors += r.errors;
    f.unknown += r.unknown;
    for (size_t k = 0; k < kErrorClasses; ++k) f.err[k] += r.err[k];
    whole_run.push_back(r);
  }
  const ShownErrorClasses shown = shown_error_classes(whole_run);
  for (const auto& [target, f] : failures) {
    if (f.errors > 0) {
      std::string by_class;
      for (size_t k : shown.classes)
        if (f.err[k] > 0)
          by_class += (by_class.empty() ? "" : ", ") + std::to_string(f.err[k]) + " " + error_class_name(k);
      alerts.push_back("Target " + target + ": " + std::to_string(f.errors) + " error" +
                       (f.errors == 1 ? "" : "s") + (by_class.empty() ? "" : " (" + by_class + ")"));
    }
    if (shown.unknown && f.unknown > 0)
      alerts.push_back(
          "Target " + target + ": " + std::to_string(f.unknown) + " transaction" +
          (f.unknown == 1 ? "" : "s") +
          " of unknown outcome (the connection was lost with the COMMIT's reply; not in the errors)");
  }
  if (!alerts.empty()) {
    out += "<div class=\"alert\" id=\"alerts\"><strong>Look first:</strong><ul>\n";
    for (const auto& a : alerts) out += "<li>" + escape(a) + "</li>\n";
    out += "</ul></div>\n";
  } else {
    out += "<div class=\"ok\">Complete, without errors.</div>\n";
  }
  if (!notes.empty()) {
    out += "<div class=\"warn\" id=\"notes\"><ul>\n";
    for (const auto& n : notes) out += "<li>" + escape(n) + "</li>\n";
    out += "</ul></div>\n";
  }
  out += "<dl class=\"facts\">\n";
  out += fact("folder", escape(s.dir));
  out += fact("run", escape(s.run_id));
  std::string workload = escape(s.workload);
  if (has_meta && m.contains("workload"))
    workload += " <small>" + escape(m["workload"].value("file", "")) + " sha256 " +
                escape(m["workload"].value("sha256", "").substr(0, 12)) + "</small>";
  out += fact("workload", workload);
  if (has_meta && m.contains("targets")) {
    std::string targets;
    for (const auto& t : m["targets"]) {
      const std::string label = t.value("label", "");
      const std::string uri = t.value("target", "");
      const std::string& shown = s.shown_name(label.empty() ? uri : label);
      targets +=
          "<div><b>" + escape(shown) + "</b>" + (shown == uri ? "" : " = " + escape(uri)) + " <small>" +
          escape(t.value("engine", "") + " " + t.value("dialect", "") + ", " + t.value("server_version", "") +
                 "; " + t.value("status", "") + ", " + fixed(t.value("measured_s", 0.0), 1) + " s measured") +
          "</small></div>";
    }
    out += fact("targets", targets);
  }
  // Clients per group, from the rows (the same on every target unless a run says otherwise).
  std::string clients;
  std::set<std::string> seen;
  const bool analytical = is_analytical(s.rows);
  for (const auto& r : s.rows) {
    const std::string c = r.group + " " + std::to_string(r.clients);
    if (!analytical && r.txn == "ALL" && r.stage.empty() && seen.insert(c).second)
      clients += (clients.empty() ? "" : ", ") + c;
  }
  if (has_meta && m.contains("settings")) {
    const Json& st = m["settings"];
    std::string settings = "scale " + json_text(at(st, "scale")) + ", duration " +
                           json_text(at(st, "duration_s")) + " s, warm-up " + json_text(at(st, "warmup_s")) +
                           " s";
    if (st.value("transactions_per_client", 0) > 0)
      settings += ", " + json_text(st["transactions_per_client"]) + " transactions per client";
    if (!clients.empty()) settings += ", clients " + clients;
    if (st.value("think_times", false)) settings += ", think times";
    if (st.contains("open_loop") && st["open_loop"].is_object()) {
      const Json& o = st["open_loop"];
      settings += std::string("; open loop") + (o.value("sweep", false) ? " sweep" : "") + ", rate " +
                  json_text(at(o, "rate")) + ", " + o.value("arrival", "") + " arrivals";
      if (o.contains("stages")) settings += ", " + std::to_string(o["stages"].size()) + " stages";
      if (!o.value("slo", "").empty()) settings += ", SLO " + o.value("slo", "");
    }
    if (st.contains("queries") && st["queries"].is_object()) {
      const Json& q = st["queries"];
      settings += "; " + json_text(at(q, "streams")) + " stream(s), time-out " +
                  json_text(at(q, "query_timeout_s")) + " s, repeat " + json_text(at(q, "repeat")) +
                  (q.value("verify", false) ? ", answers verified" : "");
    }
    settings += ", seed " + json_text(at(st, "seed"));
    out += fact("settings", escape(settings));
  }
  if (has_meta && m.contains("oltap"))
    out += fact("oltap", escape(m["oltap"].value("version", "") + " (revision " +
                                m["oltap"].value("git_revision", "") + ")"));
  if (has_meta && m.contains("host")) {
    const Json& h = m["host"];
    out += fact("host", escape(h.value("hostname", "") + ": " + h.value("cpu_model", "") + ", " +
                               json_text(at(h, "cpus")) + " CPUs, " +
                               fixed(h.value("memory_bytes", 0.0) / (1024.0 * 1024 * 1024), 1) + " GiB; " +
                               h.value("os", "") + " " + h.value("arch", "")));
  }
  if (has_meta && m.contains("targets") && !m["targets"].empty()) {
    std::optional<int64_t> start, end;
    for (const auto& t : m["targets"]) {
      auto a = parse_utc_iso(t.value("start_utc", "")), b = parse_utc_iso(t.value("end_utc", ""));
      if (a && (!start || *a < *start)) start = a;
      if (b && (!end || *b > *end)) end = b;
    }
    if (start)
      out +=
          fact("start",
               escape(utc_iso(*start) +
                      (end ? ", " + fixed(static_cast<double>(*end - *start) / 1000, 1) + " s in all" : "")));
  }
  if (has_meta && !m.value("command_line", "").empty())
    out += fact("command", "<code>" + escape(m.value("command_line", "")) + "</code>");
  return out + "</dl>\n";
}

namespace {

void meta_sections(Page& page, const std::vector<Source>& sources) {
  for (const auto& s : sources)
    if (!s.meta_text.empty())
      page.details("meta.json" + (sources.size() > 1 ? " of " + s.name : ""),
                   "<pre>" + escape(s.meta_text) + "</pre>\n");
}

// A suite folder: per case, target and row the median of its repetitions, with their range.
void suite_sections(Page& page, const std::string& dir) {
  const Side side = read_side({dir});
  struct Cell {
    std::vector<double> tps, p99;
  };
  std::vector<std::string> keys, targets;
  std::map<std::pair<std::string, std::string>, Cell> cells;
  for (const auto& sample : side.samples) {
    const SummaryRow& r = sample.row;
    if (!r.stage.empty()) continue;
    const std::string key = side.folders[sample.folder].case_name + " " + r.group + "/" + r.txn;
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    if (std::find(targets.begin(), targets.end(), r.target) == targets.end()) targets.push_back(r.target);
    cells[{r.target, key}].tps.push_back(r.tps);
    cells[{r.target, key}].p99.push_back(r.lat_p99_ms);
  }
  size_t incomplete = 0;
  for (const auto& f : side.folders) incomplete += f.incomplete;
  if (incomplete > 0)
    page.html("<div class=\"alert\">" + std::to_string(incomplete) + " of " +
              std::to_string(side.folders.size()) + " repetitions are incomplete.</div>\n");
  page.html("<dl class=\"facts\">" + fact("suite", escape(dir)) +
            fact("repetitions", std::to_string(side.folders.size())) + "</dl>\n");
  page.heading("Medians over the repetitions");
  page.html("<div class=\"charts\">\n");
  for (int metric = 0; metric < 2; ++metric) {
    ChartSpec c;
    c.kind = "bar";
    c.title =
        metric == 0 ? "Throughput: median of the repetitions" : "p99 latency: median of the repetitions";
    c.x_label = "case group/txn";
    c.y_label = metric == 0 ? "tx/s" : "ms";
    c.note = "The thin bar spans the lowest to the highest repetition.";
    for (const auto& k : keys) c.x.push_back(k);
    for (size_t t = 0; t < targets.size(); ++t) {
      Json y = Json::array(), lo = Json::array(), hi = Json::array();
      for (const auto& k : keys) {
        auto it = cells.find({targets[t], k});
        if (it == cells.end()) {
          y.push_back(nullptr);
          lo.push_back(nullptr);
          hi.push_back(nullptr);
          continue;
        }
        const SuiteStat st = suite_stat(metric == 0 ? it->second.tps : it->second.p99);
        y.push_back(rounded(st.median, 3));
        lo.push_back(rounded(st.min, 3));
        hi.push_back(rounded(st.max, 3));
      }
      c.series.push_back({{"label", targets[t]}, {"y", y}, {"color", t}});
      c.series.push_back({{"label", targets[t] + " range"}, {"lo", lo}, {"hi", hi}, {"color", t}});
    }
    page.chart(c);
  }
  page.html("</div>\n");
  std::string table =
      "<div class=\"scroll\"><table id=\"suite\"><tr><th class=\"t\">case row</th><th class=\"t\">target</th>"
      "<th>reps</th><th>tps median</th><th>tps min</th><th>tps max</th><th>p99 ms median</th>"
      "<th>p99 min</th><th>p99 max</th></tr>\n";
  for (const auto& k : keys)
    for (const auto& t : targets) {
      auto it = cells.find({t, k});
      if (it == cells.end()) continue;
      const SuiteStat a = suite_stat(it->second.tps), b = suite_stat(it->second.p99);
      table += "<tr><td class=\"t\">" + escape(k) + "</td><td class=\"t\">" + escape(t) + "</td><td>" +
               std::to_string(it->second.tps.size()) + "</td><td>" + fixed(a.median, 2) + "</td><td>" +
               fixed(a.min, 2) + "</td><td>" + fixed(a.max, 2) + "</td><td>" + fixed(b.median, 3) +
               "</td><td>" + fixed(b.min, 3) + "</td><td>" + fixed(b.max, 3) + "</td></tr>\n";
    }
  page.details("the table", table + "</table></div>\n", true);
}

}  // namespace
}  // namespace html

std::string html_report(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error(ErrorClass::kBadInput, "report --html needs a result folder");
  namespace fs = std::filesystem;
  if (dirs.size() == 1 && fs::is_directory(dirs[0]) && fs::exists(fs::path(dirs[0]) / kSuiteCsvName)) {
    html::Page page("oltap suite " + dirs[0]);
    page.heading("oltap suite: " + dirs[0], 1);
    html::suite_sections(page, dirs[0]);
    return page.render();
  }
  std::vector<html::Source> sources;
  for (const auto& d : dirs) sources.push_back(html::read_source(d));
  html::name_targets(sources);
  // The tables show the files' rows as they are, the charts the targets' short names.
  std::vector<SummaryRow> rows, chart_rows;
  std::vector<html::Source> views;
  for (const auto& s : sources) {
    rows.insert(rows.end(), s.rows.begin(), s.rows.end());
    views.push_back(html::chart_view(s));
    chart_rows.insert(chart_rows.end(), views.back().rows.begin(), views.back().rows.end());
  }
  const std::string workload = sources.front().workload;
  html::Page page("oltap report: " + workload);
  page.heading("oltap report: " + workload, 1);
  for (const auto& s : sources) {
    if (sources.size() > 1) page.heading(s.name, 3);
    page.html(html::header_html(s));
  }
  if (is_analytical(rows)) {
    html::query_charts(page, chart_rows);
    page.heading("Queries per hour and geometric mean");
    page.html(html::query_figures_table(rows));
    page.heading("Answers");
    page.html(html::answers_table(rows));
  } else {
    html::time_charts(page, views);
    html::error_charts(page, views);
    html::bar_charts(page, chart_rows);
    html::spectrum_charts(page, sources);
    std::vector<CurvePoint> curve, chart_curve;
    for (const auto& s : sources) curve.insert(curve.end(), s.curve.begin(), s.curve.end());
    for (const auto& v : views) chart_curve.insert(chart_curve.end(), v.curve.begin(), v.curve.end());
    if (!curve.empty()) {
      html::curve_charts(page, chart_curve);
      page.details("curve.csv", html::curve_table(curve));
    }
  }
  page.heading("summary.csv");
  page.html(rows.empty()
                ? "<p id=\"summary\">No summary.csv: the run was cut short before it was written.</p>\n"
                : html::summary_table(rows, sources.size() > 1));
  html::meta_sections(page, sources);
  return page.render();
}

std::string html_compare_report(const Side& baseline, const Side& current, const Evaluation& e) {
  auto paths = [](const Side& s) {
    std::string out;
    std::set<std::string> seen;
    for (const auto& f : s.folders)
      if (seen.insert(f.path).second) out += (out.empty() ? "" : ", ") + f.path;
    return out;
  };
  html::Page page("oltap compare");
  page.heading("oltap compare", 1);
  std::string verdict =
      e.pass ? "<div class=\"ok\" id=\"verdict\">No regression beyond noise.</div>\n"
             : "<div class=\"alert\" id=\"verdict\"><strong>Regression or problem found</strong> "
               "(see the reasons below).</div>\n";
  page.html(verdict);
  page.html("<dl class=\"facts\">" + html::fact("baseline", html::escape(paths(baseline))) +
            html::fact("current", html::escape(paths(current))) +
            html::fact("samples", std::to_string(baseline.folders.size()) + " baseline, " +
                                      std::to_string(current.folders.size()) + " current") +
            "</dl>\n");
  page.html(html::findings_list(e));
  html::delta_charts(page, e);
  page.heading("Rows and metrics");
  page.html(html::evaluation_table(e));
  // Each side's first folder as its own report would head it.
  for (const auto* side : {&baseline, &current}) {
    if (side->folders.empty() || !std::filesystem::exists(side->folders.front().path)) continue;
    const html::Source s = html::read_source(side->folders.front().path);
    page.details(
        std::string(side == &baseline ? "baseline" : "current") + ": " + s.name,
        html::header_html(s) +
            html::summary_table(s.rows, false, side == &baseline ? "summary-baseline" : "summary-current") +
            (s.meta_text.empty() ? "" : "<pre>" + html::escape(s.meta_text) + "</pre>"));
  }
  return page.render();
}

}  // namespace oltap::results
