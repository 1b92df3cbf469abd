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
  std::string path = path_in;
  if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / "summary.csv").string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the summary file");
  std::stringstream ss;
  ss << in.rdbuf();
  auto records = csv_parse(ss.str());
  if (records.empty())
    throw Error(ErrorClass::kBadInput, path + ": empty file, expected a summary.csv header");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < records[0].size(); ++i) col[records[0][i]] = i;
  for (const auto& c : kSummaryColumns)
    if (!col.count(c))
      throw Error(ErrorClass::kBadInput,
                  path + ":1: missing column '" + c + "': is this an oltap summary.csv?");
  std::vector<SummaryRow> rows;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    std::string where = path + ":" + std::to_string(r + 1);
    if (rec.size() < records[0].size())
      throw Error(ErrorClass::kBadInput, where + ": " + std::to_string(rec.size()) + " fields, expected " +
                                             std::to_string(records[0].size()));
    auto get = [&](const std::string& c) -> const std::string& { return rec[col[c]]; };
    auto num = [&](const std::string& c) { return parse_number<double>(get(c), where, c); };
    auto integer = [&](const std::string& c) { return parse_number<int64_t>(get(c), where, c); };
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
    if (col.count("retries")) s.retries = integer("retries");
    if (col.count("incomplete")) s.incomplete = get("incomplete") == "true";
    // Files written before the tpm column get it from what it is made of.
    s.tpm = col.count("tpm")   ? num("tpm")
            : s.duration_s > 0 ? s.committed * kSecondsPerMinute / s.duration_s
                               : 0;
    // The open-loop columns; files written before them read as a closed loop's
    // would have been: no lag, nothing late or skipped, no stage.
    for (auto [c, v] : {std::pair{"svc_p50_ms", &s.svc_p50_ms}, std::pair{"svc_p99_ms", &s.svc_p99_ms},
                        std::pair{"svc_max_ms", &s.svc_max_ms}, std::pair{"lag_mean_ms", &s.lag_mean_ms},
                        std::pair{"lag_max_ms", &s.lag_max_ms}, std::pair{"offered_tps", &s.offered_tps}})
      if (col.count(c)) *v = num(c);
    if (col.count("late")) s.late = integer("late");
    if (col.count("skipped")) s.skipped = integer("skipped");
    if (col.count("stage")) s.stage = get("stage");
    if (col.count("rows") && !get("rows").empty()) s.rows = integer("rows");
    if (col.count("checksum")) s.checksum = get("checksum");
    if (col.count("status")) s.status = get("status");
    // The error classes, in files written since they were added.
    s.classified = col.count(kErrorClassColumns[0]) > 0;
    for (size_t k = 0; k < kErrorClasses; ++k)
      if (col.count(kErrorClassColumns[k])) s.err[k] = integer(kErrorClassColumns[k]);
    if (col.count("unknown")) s.unknown = integer("unknown");
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
