// Reading timeseries.csv back: one row per interval and (target, group, txn).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {

std::vector<TimeseriesRow> read_timeseries(const std::string& path_in) {
  std::string path;
  std::string text = read_result_file(path_in, "timeseries.csv", "time series", &path);
  // The writer ends every line: a last one without its newline was cut
  // short by a kill as it was written (RunFolder), and is left out.
  if (!text.empty() && text.back() != '\n') text.erase(text.rfind('\n') + 1);
  const CsvFile file(
      text, path, "timeseries.csv",
      {"target", "group", "txn", "t_s", "committed", "errors", "tps", "lat_p50_ms", "lat_p99_ms"});
  std::vector<TimeseriesRow> rows;
  rows.reserve(file.rows());
  for (size_t r = 0; r < file.rows(); ++r) {
    const CsvFile::Row row = file.row(r);
    auto get = [&](const std::string& c) -> const std::string& { return row.get(c); };
    auto num = [&](const std::string& c) { return row.num(c); };
    auto integer = [&](const std::string& c) { return row.integer(c); };
    TimeseriesRow t;
    t.target = get("target");
    t.group = get("group");
    t.txn = get("txn");
    t.t_s = num("t_s");
    t.committed = integer("committed");
    t.errors = integer("errors");
    t.tps = num("tps");
    t.lat_p50_ms = num("lat_p50_ms");
    t.lat_p95_ms = num("lat_p95_ms");
    t.lat_p99_ms = num("lat_p99_ms");
    t.aborted = integer("aborted");
    t.svc_p50_ms = num("svc_p50_ms");
    t.svc_p99_ms = num("svc_p99_ms");
    t.lag_mean_ms = num("lag_mean_ms");
    t.lag_max_ms = num("lag_max_ms");
    t.late = integer("late");
    t.skipped = integer("skipped");
    t.offered_tps = num("offered_tps");
    t.stage = get("stage");
    for (size_t k = 0; k < kErrorClasses; ++k) t.err[k] = integer(kErrorClassColumns[k]);
    t.unknown = integer("unknown");
    if (file.has("connected")) t.connected = static_cast<int>(integer("connected"));
    rows.push_back(std::move(t));
  }
  return rows;
}

}  // namespace oltap::results
