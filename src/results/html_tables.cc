// The HTML report's tables: summary.csv's rows as the file holds them, a
// sweep's curve, a query run's figures and answers, a comparison's rows.
// Every cell is escaped; numbers have the digits their file has.
#include <algorithm>
#include <cmath>
#include <functional>

#include "csv.h"
#include "gate_eval.h"
#include "html.h"

namespace oltap::results::html {
namespace {

struct Column {
  std::string name;
  std::function<std::string(const SummaryRow&)> cell;
  bool text = false;  // left-aligned
};

std::string td(const std::string& col, const std::string& value, const std::string& cls = "") {
  return "<td data-col=\"" + escape(col) + "\"" + (cls.empty() ? "" : " class=\"" + cls + "\"") + ">" +
         escape(value) + "</td>";
}

std::string row_html(const std::vector<std::string>& cells, bool header, size_t text_columns = 1) {
  std::string out = "<tr>";
  for (size_t i = 0; i < cells.size(); ++i) {
    const char* tag = header ? "th" : "td";
    out += std::string("<") + tag + (i < text_columns ? " class=\"t\"" : "") + ">" + escape(cells[i]) + "</" +
           tag + ">";
  }
  return out + "</tr>\n";
}

std::string table_html(const std::vector<std::vector<std::string>>& rows, size_t text_columns = 1,
                       const std::string& id = "") {
  std::string out = "<table" + (id.empty() ? "" : " id=\"" + id + "\"") + ">\n";
  for (size_t i = 0; i < rows.size(); ++i) out += row_html(rows[i], i == 0, text_columns);
  return out + "</table>\n";
}

}  // namespace

std::string summary_table(const std::vector<SummaryRow>& rows, bool with_folder, const std::string& id) {
  const bool analytical = is_analytical(rows);
  const bool staged =
      std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) { return !r.stage.empty(); });
  const bool open = std::any_of(rows.begin(), rows.end(), [](const SummaryRow& r) {
    return r.offered_tps > 0 || r.late > 0 || r.skipped > 0;
  });
  // The columns of summary.csv, with the decimals writer.cc gives them.
  std::vector<Column> cols = {{"target", [](const SummaryRow& r) { return r.target; }, true},
                              {"group", [](const SummaryRow& r) { return r.group; }, true},
                              {"txn", [](const SummaryRow& r) { return r.txn; }, true}};
  if (with_folder)
    cols.insert(cols.begin(), Column{"run_id", [](const SummaryRow& r) { return r.run_id; }, true});
  if (staged) cols.push_back(Column{"stage", [](const SummaryRow& r) { return r.stage; }});
  if (analytical) {
    cols.insert(
        cols.end(),
        {{"committed", [](const SummaryRow& r) { return std::to_string(r.committed); }},
         {"errors", [](const SummaryRow& r) { return std::to_string(r.errors); }},
         {"duration_s", [](const SummaryRow& r) { return fixed(r.duration_s, 3); }},
         {"lat_p50_ms", [](const SummaryRow& r) { return fixed(r.lat_p50_ms, 3); }},
         {"lat_max_ms", [](const SummaryRow& r) { return fixed(r.lat_max_ms, 3); }},
         {"rows", [](const SummaryRow& r) { return r.rows < 0 ? std::string() : std::to_string(r.rows); }},
         {"checksum", [](const SummaryRow& r) { return r.checksum; }},
         {"status", [](const SummaryRow& r) { return r.status; }}});
  } else {
    cols.insert(cols.end(), {{"clients", [](const SummaryRow& r) { return std::to_string(r.clients); }},
                             {"duration_s", [](const SummaryRow& r) { return fixed(r.duration_s, 3); }},
                             {"committed", [](const SummaryRow& r) { return std::to_string(r.committed); }},
                             {"aborted", [](const SummaryRow& r) { return std::to_string(r.aborted); }},
                             {"errors", [](const SummaryRow& r) { return std::to_string(r.errors); }},
                             {"tps", [](const SummaryRow& r) { return fixed(r.tps, 2); }},
                             {"tpm", [](const SummaryRow& r) { return fixed(r.tpm, kTpmDecimals); }},
                             {"lat_mean_ms", [](const SummaryRow& r) { return fixed(r.lat_mean_ms, 3); }},
                             {"lat_p50_ms", [](const SummaryRow& r) { return fixed(r.lat_p50_ms, 3); }},
                             {"lat_p90_ms", [](const SummaryRow& r) { return fixed(r.lat_p90_ms, 3); }},
                             {"lat_p95_ms", [](const SummaryRow& r) { return fixed(r.lat_p95_ms, 3); }},
                             {"lat_p99_ms", [](const SummaryRow& r) { return fixed(r.lat_p99_ms, 3); }},
                             {"lat_p999_ms", [](const SummaryRow& r) { return fixed(r.lat_p999_ms, 3); }},
                             {"lat_max_ms", [](const SummaryRow& r) { return fixed(r.lat_max_ms, 3); }},
                             {"retries", [](const SummaryRow& r) { return std::to_string(r.retries); }}});
    // The error classes only where the run had errors: a clean run's table stays as it was.
    const ShownErrorClasses shown = shown_error_classes(rows);
    auto at = std::find_if(cols.begin(), cols.end(), [](const Column& c) { return c.name == "errors"; }) + 1;
    for (size_t k : shown.classes)
      at = cols.insert(at, Column{kErrorClassColumns[k],
                                  [k](const SummaryRow& r) { return std::to_string(r.err[k]); }}) +
           1;
    if (shown.unknown)
      cols.insert(at, Column{"unknown", [](const SummaryRow& r) { return std::to_string(r.unknown); }});
    if (open)
      cols.insert(cols.end(), {{"offered_tps", [](const SummaryRow& r) { return fixed(r.offered_tps, 2); }},
                               {"svc_p50_ms", [](const SummaryRow& r) { return fixed(r.svc_p50_ms, 3); }},
                               {"svc_p99_ms", [](const SummaryRow& r) { return fixed(r.svc_p99_ms, 3); }},
                               {"lag_mean_ms", [](const SummaryRow& r) { return fixed(r.lag_mean_ms, 3); }},
                               {"lag_max_ms", [](const SummaryRow& r) { return fixed(r.lag_max_ms, 3); }},
                               {"late", [](const SummaryRow& r) { return std::to_string(r.late); }},
                               {"skipped", [](const SummaryRow& r) { return std::to_string(r.skipped); }}});
  }
  cols.push_back(
      Column{"incomplete", [](const SummaryRow& r) { return std::string(r.incomplete ? "true" : "false"); }});
  std::string out = "<div class=\"scroll\"><table id=\"" + escape(id) + "\">\n<tr>";
  for (const auto& c : cols)
    out += "<th" + std::string(c.text ? " class=\"t\"" : "") + ">" + escape(c.name) + "</th>";
  out += "</tr>\n";
  for (const auto& r : rows) {
    out += "<tr>";
    for (const auto& c : cols) {
      std::string cls = c.text ? "t" : "";
      const bool failure_column = c.name == "errors" || c.name == "unknown" || c.name.rfind("err_", 0) == 0;
      if ((failure_column && c.cell(r) != "0") || (c.name == "incomplete" && r.incomplete) ||
          (c.name == "status" && !r.status.empty() && r.status != "ok"))
        cls += cls.empty() ? "worse" : " worse";
      out += td(c.name, c.cell(r), cls);
    }
    out += "</tr>\n";
  }
  return out + "</table></div>\n";
}

std::string curve_table(const std::vector<CurvePoint>& points) {
  std::vector<std::vector<std::string>> t = {{"target", "group", "txn", "offered_tps", "achieved_tps",
                                              "lat_p50_ms", "lat_p99_ms", "lat_p999_ms", "svc_p99_ms", "late",
                                              "skipped", "met_slo"}};
  for (const auto& p : points)
    t.push_back({p.target, p.group, p.txn, fixed(p.offered_tps, 2), fixed(p.achieved_tps, 2),
                 fixed(p.lat_p50_ms, 3), fixed(p.lat_p99_ms, 3), fixed(p.lat_p999_ms, 3),
                 fixed(p.svc_p99_ms, 3), std::to_string(p.late), std::to_string(p.skipped),
                 p.met ? (*p.met ? "true" : "false") : ""});
  return "<div class=\"scroll\">" + table_html(t, 3, "curve") + "</div>";
}

std::string query_figures_table(const std::vector<SummaryRow>& rows) {
  std::vector<std::vector<std::string>> t = {{"target", "mode", "completed", "failed", "elapsed s",
                                              "geometric mean s", "queries per hour", "timed runs"}};
  for (const auto& f : query_figures(rows)) {
    const auto& gm = f.streams.empty() ? std::nullopt : f.streams.front().geomean_s;
    t.push_back({f.target, f.power() ? "power" : std::to_string(f.streams.size()) + " streams",
                 std::to_string(f.completed), std::to_string(f.failed), fixed(f.elapsed_s, 3),
                 f.power() && gm ? fixed(*gm, 6) : "-", fixed(f.queries_per_hour, 2),
                 std::to_string(f.repeat)});
  }
  return table_html(t, 2, "query-figures");
}

std::string answers_table(const std::vector<SummaryRow>& rows) {
  const auto checks = check_answers(rows);
  if (checks.empty()) return "<p>No answers were checked (run with --verify to compare them).</p>\n";
  size_t agree = 0;
  std::string out =
      "<table id=\"answers\">\n<tr><th class=\"t\">query</th><th>answers</th><th>rows</th>"
      "<th class=\"t\">checksum</th><th class=\"t\">verdict</th></tr>\n";
  for (const auto& c : checks) {
    agree += c.agree;
    std::string counts, sums;
    for (const SummaryRow* r : c.answers) {
      const std::string n = r->rows < 0 ? "-" : std::to_string(r->rows);
      if (counts.find(n) == std::string::npos) counts += (counts.empty() ? "" : "/") + n;
      const std::string s = r->checksum.substr(0, 12);
      if (sums.find(s) == std::string::npos) sums += (sums.empty() ? "" : " ") + s;
    }
    out += "<tr>" + td("query", c.query, "t") + td("answers", std::to_string(c.answers.size())) +
           td("rows", counts) + td("checksum", sums, "t") +
           td("verdict", c.agree ? "agree" : "DIFFERS", c.agree ? "t agree" : "t differs") + "</tr>\n";
  }
  out += "</table>\n<p>" + std::to_string(agree) + " of " + std::to_string(checks.size()) +
         " queries gave the same answer on every target and stream.</p>\n";
  return out;
}

std::string verdict(const MetricCheck& m, const GateOptions& options) {
  if (!m.change) return "same";
  if (m.changed) return "worse";
  if (m.past_threshold) return "noise";
  const double threshold = m.gated && m.threshold > 0 ? m.threshold : options.max_regression;
  const double better = m.higher_is_better ? *m.change : -*m.change;
  const bool decided = !m.test_can_decide || (m.test && m.test->p < options.alpha);
  return better > threshold && decided ? "better" : "same";
}

std::string evaluation_table(const Evaluation& e) {
  std::string out =
      "<div class=\"scroll\"><table id=\"comparison\">\n<tr><th class=\"t\">row</th><th "
      "class=\"t\">metric</th>"
      "<th>baseline</th><th>current</th><th>change</th><th>interval</th><th>p</th><th>n</th>"
      "<th class=\"t\">verdict</th></tr>\n";
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    if (!r.in_baseline || !r.in_current) {
      out += "<tr>" + td("row", r.key, "t") + td("metric", "-", "t") +
             td("base", r.in_baseline ? "yes" : "-") + td("cur", r.in_current ? "yes" : "-") +
             td("change", "-") + td("ci", "-") + td("p", "-") +
             td("n", std::to_string(r.n_baseline) + "/" + std::to_string(r.n_current)) +
             td("verdict", r.in_baseline ? "only in baseline" : "only in current",
                r.in_baseline ? "t worse" : "t") +
             "</tr>\n";
      continue;
    }
    for (const auto& m : r.metrics) {
      const std::string v = verdict(m, e.options);
      out += "<tr>" + td("row", r.key, "t") + td("metric", metric_label(m.metric), "t") +
             td("base", fmt_value(m.metric, m.base_median)) + td("cur", fmt_value(m.metric, m.cur_median)) +
             td("change", fmt_change(m.change), v == "same" ? "" : v) + td("ci", fmt_ci(m.ci)) +
             td("p", fmt_p(m.test)) + td("n", fmt_n(m)) + td("verdict", v, "t " + v) + "</tr>\n";
    }
  }
  out +=
      "</table></div>\n<p class=\"note\">Medians over the samples; change is current against baseline; the "
      "interval "
      "is the " +
      fixed((1 - e.options.alpha) * 100, 0) +
      "% bootstrap interval of the change; p the two-sided Mann-Whitney U; n the samples baseline/current; "
      "worse: "
      "past " +
      fixed(e.options.max_regression * 100, 1) + "% the bad way and beyond noise.</p>\n";
  return out;
}

std::string findings_list(const Evaluation& e) {
  std::string out;
  if (!e.findings.empty()) {
    out += "<ul>\n";
    for (const auto& f : e.findings)
      out += "<li" + std::string(f.fails ? " class=\"worse\"" : "") + "><code>" + escape(f.code) +
             "</code> " + escape(f.row.empty() ? "" : f.row + ": ") + escape(f.message) + "</li>\n";
    out += "</ul>\n";
  }
  for (const auto& n : e.notes) out += "<p class=\"note\">note: " + escape(n) + "</p>\n";
  return out;
}

}  // namespace oltap::results::html
