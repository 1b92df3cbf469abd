// Writing a run's files. Each goes to "<name>.tmp" and is renamed into
// place, so a crash never leaves a half-written file under the real name.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "append_file.h"
#include "csv.h"
#include "results.h"

namespace oltap::results {

void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    // Synced before the rename, so that after a machine went down the name
    // holds the old text or the new one, never an empty file.
    AppendFile out(tmp, /*truncate=*/true);
    out.append(text);
    out.sync();
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw Error(ErrorClass::kBadInput, "cannot rename " + tmp + ": " + std::strerror(errno));
}

std::string meta_json(const Meta& meta, const std::vector<SummaryRow>& summary);  // meta.cc

std::vector<std::string> timeseries_header() {
  // `aborted` is last so that the columns readers knew keep their places.
  // The open loop's columns follow, for the same reason.
  return {"target",       "group",          "txn",
          "t_s",          "committed",      "errors",
          "tps",          "lat_p50_ms",     "lat_p95_ms",
          "lat_p99_ms",   "aborted",        "svc_p50_ms",
          "svc_p99_ms",   "lag_mean_ms",    "lag_max_ms",
          "late",         "skipped",        "offered_tps",
          "stage",        "err_connection", "err_serialization",
          "err_deadlock", "err_constraint", "err_timeout",
          "err_other",    "unknown",        "connected"};
}

std::string timeseries_line(const TimeseriesRow& r) {
  return csv_line({r.target,
                   r.group,
                   r.txn,
                   fixed(r.t_s, 3),
                   std::to_string(r.committed),
                   std::to_string(r.errors),
                   fixed(r.tps, 2),
                   fixed(r.lat_p50_ms, 3),
                   fixed(r.lat_p95_ms, 3),
                   fixed(r.lat_p99_ms, 3),
                   std::to_string(r.aborted),
                   fixed(r.svc_p50_ms, 3),
                   fixed(r.svc_p99_ms, 3),
                   fixed(r.lag_mean_ms, 3),
                   fixed(r.lag_max_ms, 3),
                   std::to_string(r.late),
                   std::to_string(r.skipped),
                   fixed(r.offered_tps, 2),
                   r.stage,
                   std::to_string(r.err[0]),
                   std::to_string(r.err[1]),
                   std::to_string(r.err[2]),
                   std::to_string(r.err[3]),
                   std::to_string(r.err[4]),
                   std::to_string(r.err[5]),
                   std::to_string(r.unknown),
                   std::to_string(r.connected)});
}

std::string summary_csv(const std::vector<SummaryRow>& summary, bool analytical) {
  std::vector<std::string> header = kSummaryColumns;
  header.push_back("retries");
  header.push_back("incomplete");
  header.push_back("tpm");
  // An analytical run's answers; a transactional run's open-loop figures.
  if (analytical)
    header.insert(header.end(), {"rows", "checksum", "status"});
  else
    header.insert(header.end(), {"svc_p50_ms", "svc_p99_ms", "svc_max_ms", "lag_mean_ms", "lag_max_ms",
                                 "late", "skipped", "offered_tps", "stage"});
  // The error classes last, so the columns readers knew keep their places.
  if (!analytical) {
    header.insert(header.end(), kErrorClassColumns.begin(), kErrorClassColumns.end());
    header.push_back("unknown");
  }
  std::string s = csv_line(header);
  for (const auto& r : summary) {
    std::vector<std::string> fields = {r.run_id,
                                       r.workload,
                                       r.target,
                                       r.engine,
                                       r.group,
                                       r.txn,
                                       std::to_string(r.clients),
                                       fixed(r.duration_s, 3),
                                       std::to_string(r.committed),
                                       std::to_string(r.aborted),
                                       std::to_string(r.errors),
                                       fixed(r.tps, 2),
                                       fixed(r.lat_mean_ms, 3),
                                       fixed(r.lat_p50_ms, 3),
                                       fixed(r.lat_p90_ms, 3),
                                       fixed(r.lat_p95_ms, 3),
                                       fixed(r.lat_p99_ms, 3),
                                       fixed(r.lat_p999_ms, 3),
                                       fixed(r.lat_max_ms, 3),
                                       std::to_string(r.retries),
                                       r.incomplete ? "true" : "false",
                                       fixed(r.tpm, kTpmDecimals)};
    if (analytical)
      fields.insert(fields.end(), {r.rows < 0 ? "" : std::to_string(r.rows), r.checksum, r.status});
    else
      fields.insert(fields.end(), {fixed(r.svc_p50_ms, 3), fixed(r.svc_p99_ms, 3), fixed(r.svc_max_ms, 3),
                                   fixed(r.lag_mean_ms, 3), fixed(r.lag_max_ms, 3), std::to_string(r.late),
                                   std::to_string(r.skipped), fixed(r.offered_tps, 2), r.stage});
    if (!analytical) {
      for (int64_t n : r.err) fields.push_back(std::to_string(n));
      fields.push_back(std::to_string(r.unknown));
    }
    s += csv_line(fields);
  }
  return s;
}

SummaryRow as_written(const SummaryRow& r) {
  SummaryRow w = r;
  w.duration_s = rounded(r.duration_s, 3);
  w.tps = rounded(r.tps, 2);
  for (double* v :
       {&w.lat_mean_ms, &w.lat_p50_ms, &w.lat_p90_ms, &w.lat_p95_ms, &w.lat_p99_ms, &w.lat_p999_ms,
        &w.lat_max_ms, &w.svc_p50_ms, &w.svc_p99_ms, &w.svc_max_ms, &w.lag_mean_ms, &w.lag_max_ms})
    *v = rounded(*v, 3);
  w.tpm = rounded(r.tpm, kTpmDecimals);
  w.offered_tps = rounded(r.offered_tps, 2);
  return w;
}

void write_run(const std::string& dir, const std::vector<SummaryRow>& summary,
               const std::vector<TimeseriesRow>& series, const Meta& meta) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw Error(ErrorClass::kBadInput, "cannot create the result folder " + dir + ": " + ec.message());
  std::string t = csv_line(timeseries_header());
  for (const auto& r : series) t += timeseries_line(r);
  namespace fs = std::filesystem;
  // Time series and meta first: summary.csv appearing means the run is written.
  write_file_atomic((fs::path(dir) / "timeseries.csv").string(), t);
  write_file_atomic((fs::path(dir) / "meta.json").string(), meta_json(meta, summary));
  write_file_atomic((fs::path(dir) / "summary.csv").string(), summary_csv(summary, meta.queries.has_value()));
}

}  // namespace oltap::results
