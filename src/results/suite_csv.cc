// suite.csv: a suite's figures over its repetitions, one row per case,
// target and summary row, each metric as median, min, max and spread.
#include <algorithm>

#include "csv.h"
#include "results.h"

namespace oltap::results {

const std::vector<std::string> kSuiteColumns = [] {
  std::vector<std::string> c = {"case", "target", "group", "txn", "stage", "reps"};
  for (const char* m : {"tps", "lat_p50_ms", "lat_p95_ms", "lat_p99_ms", "errors"})
    for (const char* s : {"_median", "_min", "_max", "_spread"}) c.push_back(std::string(m) + s);
  return c;
}();

SuiteStat suite_stat(std::vector<double> values) {
  SuiteStat s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  s.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  s.min = values.front();
  s.max = values.back();
  s.spread = s.median == 0 ? 0 : (s.max - s.min) / s.median;
  return s;
}

void write_suite_csv(const std::string& dir, const std::vector<SuiteRow>& rows) {
  std::string text = csv_line(kSuiteColumns);
  for (const auto& r : rows) {
    std::vector<std::string> f = {r.case_name, r.target, r.group, r.txn, r.stage, std::to_string(r.reps)};
    // As summary.csv rounds each metric, and the spread to 4 decimals.
    auto add = [&](const SuiteStat& s, int decimals) {
      for (double v : {s.median, s.min, s.max}) f.push_back(fixed(v, decimals));
      f.push_back(fixed(s.spread, 4));
    };
    add(r.tps, 2);
    add(r.lat_p50_ms, 3);
    add(r.lat_p95_ms, 3);
    add(r.lat_p99_ms, 3);
    add(r.errors, 1);
    text += csv_line(f);
  }
  write_file_atomic(dir + "/" + kSuiteCsvName, text);
}

}  // namespace oltap::results
