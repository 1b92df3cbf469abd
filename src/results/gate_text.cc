// `oltap gate`'s verdict lines, and the figures of an evaluation written as
// every output shows them.
#include <fmt/format.h>

#include <cmath>
#include <set>

#include "csv.h"
#include "gate_eval.h"

namespace oltap::results {

std::string fmt_value(const std::string& metric, double v) {
  if (metric == "p50" || metric == "p95" || metric == "p99") return fixed(v, 3);
  if (metric == "errors") return fixed(v, std::floor(v) == v ? 0 : 1);
  if (metric == "tps") return fixed(v, 1);
  return fixed(v, 2);
}

std::string metric_label(const std::string& metric) {
  if (metric == "p50" || metric == "p95" || metric == "p99") return metric + " ms";
  return metric;
}

std::string fmt_change(const std::optional<double>& change) {
  if (!change) return "n/a";
  double p = *change * 100;
  return (p >= 0 ? "+" : "") + fixed(p, 1) + "%";
}

std::string fmt_ci(const std::optional<ChangeCi>& ci) {
  if (!ci) return "-";
  return "[" + fmt_change(ci->low) + ", " + fmt_change(ci->high) + "]";
}

std::string fmt_p(const std::optional<MannWhitney>& test) {
  if (!test) return "-";
  return test->p < 0.0001 ? "<0.0001" : fixed(test->p, 4);
}

std::string fmt_alpha(double alpha) { return fmt::format("{:g}", alpha); }

std::string fmt_n(const MetricCheck& m) {
  return std::to_string(m.base.size()) + "/" + std::to_string(m.cur.size());
}

std::string regression_text(const MetricCheck& m, double alpha) {
  std::string text = m.metric + " " + fmt_change(m.change) + " (median " +
                     fmt_value(m.metric, m.base_median) + " -> " + fmt_value(m.metric, m.cur_median) +
                     ", past " + fixed(m.threshold * 100, 1) + "%";
  if (m.test_can_decide)
    text += ", p=" + fmt_p(m.test) + " < " + fmt_alpha(alpha);
  else
    text += ", threshold only";
  return text + ", n=" + fmt_n(m) + ")";
}

std::string ok_text(const MetricCheck& m, double alpha) {
  if (!m.past_threshold) return "within " + fixed(m.threshold * 100, 1) + "%";
  return "past " + fixed(m.threshold * 100, 1) + "% but p=" + fmt_p(m.test) + " >= " + fmt_alpha(alpha) +
         ": not beyond noise";
}

std::string gate_report(const Evaluation& e) {
  std::vector<std::vector<std::string>> t = {
      {"verdict", "row", "metric", "base", "cur", "Δ", "CI", "p", "n", "why"}};
  for (const auto& r : e.rows) {
    if (!r.gated) continue;
    for (const auto& m : r.metrics) {
      if (!m.gated) continue;
      t.push_back(
          {m.changed ? "FAIL" : "ok", r.key, metric_label(m.metric), fmt_value(m.metric, m.base_median),
           fmt_value(m.metric, m.cur_median), fmt_change(m.change), fmt_ci(m.ci), fmt_p(m.test), fmt_n(m),
           m.changed ? "regression: " + regression_text(m, e.options.alpha) : ok_text(m, e.options.alpha)});
    }
    for (const auto& f : r.findings) {
      if (f.code == kReasonRegression) continue;
      t.push_back({f.fails ? "FAIL" : "new", r.key, "-", "-", "-", "-", "-", "-",
                   std::to_string(r.n_baseline) + "/" + std::to_string(r.n_current),
                   f.code + ": " + f.message});
    }
  }
  std::string out = format_table(t);
  for (const auto& f : e.findings)
    if (f.row.empty()) out += "FAIL " + f.code + ": " + f.message + "\n";
  for (const auto& n : e.notes) out += "note: " + n + "\n";
  const std::string limit =
      e.options.rules.rules.empty() ? fixed(e.options.max_regression * 100, 1) + "%" : "their thresholds";
  if (e.pass) return out + "PASS: " + std::to_string(e.rows_checked) + " row(s) within " + limit + "\n";
  // One clause per reason, in a fixed order, counted in rows where a row has it.
  std::vector<std::string> parts;
  auto rows_with = [&](const char* code) {
    std::set<std::string> keys;
    for (const auto& f : e.findings)
      if (f.code == code && f.fails) keys.insert(f.row);
    return keys.size();
  };
  if (size_t n = rows_with(kReasonRegression))
    parts.push_back(std::to_string(n) + " row(s) regressed by more than " + limit);
  if (size_t n = rows_with(kReasonErrorRate))
    parts.push_back(std::to_string(n) + " row(s) with errors above " +
                    format_percent(e.options.max_error_rate));
  if (size_t n = rows_with(kReasonMissingRow))
    parts.push_back(std::to_string(n) + " row(s) missing from current");
  for (const char* code :
       {kReasonEmptyBaseline, kReasonIncomplete, kReasonWorkloadChanged, kReasonSettingsChanged})
    if (rows_with(code)) parts.push_back(code);
  std::string line;
  for (const auto& p : parts) line += (line.empty() ? "" : "; ") + p;
  return out + "FAIL: " + line + "\n";
}

}  // namespace oltap::results
