// Reading timeseries.csv back: one row per interval and (target, group, txn).
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {

std::vector<TimeseriesRow> read_timeseries(const std::string& path_in) {
  std::string path = path_in;
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / "timeseries.csv").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the time series");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // The writer ends every line: a last one without its newline was cut
  // short by a kill as it was written (RunFolder), and is left out.
  if (!text.empty() && text.back() != '\n') text.erase(text.rfind('\n') + 1);
  const auto records = csv_parse(text);
  if (records.empty())
    throw Error(ErrorClass::kBadInput, path + ": empty file, expected a timeseries.csv header");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < records[0].size(); ++i) col[records[0][i]] = i;
  for (const char* c :
       {"target", "group", "txn", "t_s", "committed", "errors", "tps", "lat_p50_ms", "lat_p99_ms"})
    if (!col.count(c))
      throw Error(ErrorClass::kBadInput,
                  path + ":1: missing column '" + c + "': is this an oltap timeseries.csv?");
  std::vector<TimeseriesRow> rows;
  rows.reserve(records.size());
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const std::string where = path + ":" + std::to_string(r + 1);
    if (rec.size() < records[0].size())
      throw Error(ErrorClass::kBadInput, where + ": " + std::to_string(rec.size()) + " fields, expected " +
                                             std::to_string(records[0].size()));
    auto get = [&](const char* c) -> const std::string& { return rec[col.at(c)]; };
    auto num = [&](const char* c) { return col.count(c) ? parse_number<double>(get(c), where, c) : 0.0; };
    auto integer = [&](const char* c) { return col.count(c) ? parse_number<int64_t>(get(c), where, c) : 0; };
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
    if (col.count("stage")) t.stage = get("stage");
    for (size_t k = 0; k < kErrorClasses; ++k) t.err[k] = integer(kErrorClassColumns[k].c_str());
    t.unknown = integer("unknown");
    if (col.count("connected")) t.connected = static_cast<int>(integer("connected"));
    rows.push_back(std::move(t));
  }
  return rows;
}

}  // namespace oltap::results
