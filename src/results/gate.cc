// `oltap gate`: a verdict per row and overall, for CI. A row fails when its
// throughput dropped or its p99 latency rose by more than the threshold.
#include "csv.h"
#include "results.h"

namespace oltap::results {

GateResult gate(const std::vector<SummaryRow>& baseline, const std::vector<SummaryRow>& current,
                double max_regression) {
  GateResult g;
  std::vector<std::vector<std::string>> rows = {
      {"verdict", "row", "tps base", "tps cur", "p99 base", "p99 cur", "why"}};
  int failed = 0, checked = 0;
  for (const auto& m : match_rows(baseline, current)) {
    if (!m.baseline) continue;  // a new row cannot regress
    if (!m.current) {
      rows.push_back({"FAIL", m.key, fixed(m.baseline->tps, 1), "-", fixed(m.baseline->lat_p99_ms, 3), "-",
                      "missing from current"});
      ++failed;
      continue;
    }
    const SummaryRow& b = *m.baseline;
    const SummaryRow& c = *m.current;
    if (b.committed == 0) continue;  // nothing measured to regress from
    ++checked;
    std::string why;
    double tps_drop = b.tps > 0 ? (b.tps - c.tps) / b.tps : 0;
    double p99_rise = b.lat_p99_ms > 0 ? (c.lat_p99_ms - b.lat_p99_ms) / b.lat_p99_ms : 0;
    if (tps_drop > max_regression) why = "tps -" + fixed(tps_drop * 100, 1) + "%";
    if (p99_rise > max_regression)
      why += (why.empty() ? "" : ", ") + std::string("p99 +") + fixed(p99_rise * 100, 1) + "%";
    if (c.incomplete) why += (why.empty() ? "" : ", ") + std::string("current run incomplete");
    bool fail = !why.empty();
    if (fail) ++failed;
    rows.push_back({fail ? "FAIL" : "ok", m.key, fixed(b.tps, 1), fixed(c.tps, 1), fixed(b.lat_p99_ms, 3),
                    fixed(c.lat_p99_ms, 3), fail ? why : "within " + fixed(max_regression * 100, 1) + "%"});
  }
  g.pass = failed == 0;
  g.report = format_table(rows);
  g.report +=
      g.pass ? "PASS: " + std::to_string(checked) + " row(s) within " + fixed(max_regression * 100, 1) + "%\n"
             : "FAIL: " + std::to_string(failed) + " row(s) regressed by more than " +
                   fixed(max_regression * 100, 1) + "%\n";
  return g;
}

}  // namespace oltap::results
