// summary.csv: its contract columns, filling rows from histograms, and
// reading it back for compare, gate and report.
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {

const std::vector<std::string> kSummaryColumns = {
    "run_id",     "workload",   "target",     "engine",      "group",     "txn",         "clients",
    "duration_s", "committed",  "aborted",    "errors",      "tps",       "lat_mean_ms", "lat_p50_ms",
    "lat_p90_ms", "lat_p95_ms", "lat_p99_ms", "lat_p999_ms", "lat_max_ms"};

const std::array<std::string, kErrorClasses> kErrorClassColumns = {
    "err_connection", "err_serialization", "err_deadlock", "err_constraint", "err_timeout", "err_other"};

namespace {
constexpr double kSecondsPerMinute = 60;
constexpr double kNsPerMs = 1e6;
}  // namespace

void fill_latency(SummaryRow& row, const metrics::Histogram& h) {
  row.tps = row.duration_s > 0 ? row.committed / row.duration_s : 0;
  row.tpm = row.duration_s > 0 ? row.committed * kSecondsPerMinute / row.duration_s : 0;
  row.lat_mean_ms = h.mean() / kNsPerMs;
  row.lat_p50_ms = h.value_at_quantile(0.50) / kNsPerMs;
  row.lat_p90_ms = h.value_at_quantile(0.90) / kNsPerMs;
  row.lat_p95_ms = h.value_at_quantile(0.95) / kNsPerMs;
  row.lat_p99_ms = h.value_at_quantile(0.99) / kNsPerMs;
  row.lat_p999_ms = h.value_at_quantile(0.999) / kNsPerMs;
  row.lat_max_ms = static_cast<double>(h.max()) / kNsPerMs;
}

void fill_service(SummaryRow& row, const metrics::Histogram& service) {
  row.svc_p50_ms = service.value_at_quantile(0.50) / kNsPerMs;
  row.svc_p99_ms = service.value_at_quantile(0.99) / kNsPerMs;
  row.svc_max_ms = static_cast<double>(service.max()) / kNsPerMs;
}

std::vector<SummaryRow> read_summary(const std::string& path_in) {
  std::string path;
  const std::string text = read_result_file(path_in, "summary.csv", "summary file", &path);
  const CsvFile file(text, path, "summary.csv", kSummaryColumns);
  std::vector<SummaryRow> rows;
  for (size_t r = 0; r < file.rows(); ++r) {
    const CsvFile::Row row = file.row(r);
    auto get = [&](const std::string& c) -> const std::string& { return row.get(c); };
    auto num = [&](const std::string& c) { return row.num(c); };
    auto integer = [&](const std::string& c) { return row.integer(c); };
    auto has = [&](const std::string& c) { return file.has(c); };
    SummaryRow s;
    s.run_id = get("run_id");
    s.workload = get("workload");
    s.target = get("target");
    s.engine = get("engine");
    s.group = get("group");
    s.txn = get("txn");
    s.clients = static_cast<int>(integer("clients"));
    s.duration_s = num("duration_s");
    s.committed = integer("committed");
    s.aborted = integer("aborted");
    s.errors = integer("errors");
    s.tps = num("tps");
    s.lat_mean_ms = num("lat_mean_ms");
    s.lat_p50_ms = num("lat_p50_ms");
    s.lat_p90_ms = num("lat_p90_ms");
    s.lat_p95_ms = num("lat_p95_ms");
    s.lat_p99_ms = num("lat_p99_ms");
    s.lat_p999_ms = num("lat_p999_ms");
    s.lat_max_ms = num("lat_max_ms");
    if (has("retries")) s.retries = integer("retries");
    if (has("incomplete")) s.incomplete = get("incomplete") == "true";
    // Files written before the tpm column get it from what it is made of.
    s.tpm = has("tpm") ? num("tpm") : s.duration_s > 0 ? s.committed * kSecondsPerMinute / s.duration_s : 0;
    // The open-loop columns; files written before them read as a closed loop's
    // would have been: no lag, nothing late or skipped, no stage.
    for (auto [c, v] : {std::pair{"svc_p50_ms", &s.svc_p50_ms}, std::pair{"svc_p99_ms", &s.svc_p99_ms},
                        std::pair{"svc_max_ms", &s.svc_max_ms}, std::pair{"lag_mean_ms", &s.lag_mean_ms},
                        std::pair{"lag_max_ms", &s.lag_max_ms}, std::pair{"offered_tps", &s.offered_tps}})
      if (has(c)) *v = num(c);
    if (has("late")) s.late = integer("late");
    if (has("skipped")) s.skipped = integer("skipped");
    if (has("stage")) s.stage = get("stage");
    if (has("rows") && !get("rows").empty()) s.rows = integer("rows");
    if (has("checksum")) s.checksum = get("checksum");
    if (has("status")) s.status = get("status");
    // The error classes, in files written since they were added.
    s.classified = has(kErrorClassColumns[0]);
    for (size_t k = 0; k < kErrorClasses; ++k)
      if (has(kErrorClassColumns[k])) s.err[k] = integer(kErrorClassColumns[k]);
    if (has("unknown")) s.unknown = integer("unknown");
    rows.push_back(std::move(s));
  }
  return rows;
}

bool is_analytical(const std::vector<SummaryRow>& rows) {
  for (const auto& r : rows)
    if (!r.status.empty()) return true;
  return false;
}

}  // namespace oltap::results
