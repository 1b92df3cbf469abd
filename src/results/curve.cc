// A rate sweep's results: the latency objective (--slo) a point is judged
// by, curve.csv (one point per offered rate and target, group, txn) and the
// knee, the highest rate up to which every point met the objective. The
// functions keep no state.
//
// Skipped transactions (pgbench -R -L: never sent, already later than the
// limit when due) count against the objective as values above any limit, so
// shedding load cannot make a point look better: pgbench reports them beside
// its latencies for the same reason.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

constexpr double kNsPerMs = 1e6;
constexpr int kRateDecimals = 2;
constexpr int kMsDecimals = 3;

const char* const kSloForms =
    "expected METRIC<LIMIT or METRIC<=LIMIT, e.g. \"p99<10ms\", \"p99.9<=50ms\", \"svc_p99<5ms\", "
    "\"p50<1s\"; "
    "METRIC is one of p50 p90 p95 p99 p999 (or p99.9) max svc_p50 svc_p99 svc_max, LIMIT a positive number "
    "with us, ms or s";

struct MetricSpec {
  const char* name;
  const char* canonical;
  double quantile;
  bool service, is_max;
};
// svc_* are the service-time figures summary.csv has.
constexpr MetricSpec kMetrics[] = {
    {"p50", "p50", 0.50, false, false},
    {"p90", "p90", 0.90, false, false},
    {"p95", "p95", 0.95, false, false},
    {"p99", "p99", 0.99, false, false},
    {"p999", "p999", 0.999, false, false},
    {"p99.9", "p999", 0.999, false, false},
    {"max", "max", 1, false, true},
    {"svc_p50", "svc_p50", 0.50, true, false},
    {"svc_p99", "svc_p99", 0.99, true, false},
    {"svc_max", "svc_max", 1, true, true},
};

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

[[noreturn]] void bad_slo(const std::string& text, const std::string& what) {
  throw Error(ErrorClass::kBadInput, "--slo \"" + text + "\": " + what + "; " + kSloForms);
}

const std::vector<std::string> kCurveColumns = {"target",       "group",      "txn",        "offered_tps",
                                                "achieved_tps", "lat_p50_ms", "lat_p99_ms", "lat_p999_ms",
                                                "svc_p99_ms",   "late",       "skipped",    "met_slo"};

}  // namespace

Slo parse_slo(const std::string& text) {
  Slo slo;
  slo.text = text;
  const size_t op = text.find('<');
  if (op == std::string::npos) bad_slo(text, "no '<'");
  const std::string metric = trim(std::string_view(text).substr(0, op));
  std::string_view rest = std::string_view(text).substr(op + 1);
  if (rest.starts_with("=")) rest.remove_prefix(1);
  const std::string limit = trim(rest);
  auto m = std::find_if(std::begin(kMetrics), std::end(kMetrics),
                        [&](const MetricSpec& s) { return metric == s.name; });
  if (m == std::end(kMetrics)) bad_slo(text, "unknown metric '" + metric + "'");
  slo.metric = m->canonical;
  slo.quantile = m->quantile;
  slo.service = m->service;
  slo.is_max = m->is_max;
  double value = 0;
  auto r = std::from_chars(limit.data(), limit.data() + limit.size(), value);
  if (limit.empty() || r.ec != std::errc() || r.ptr == limit.data()) bad_slo(text, "no limit after '<'");
  const std::string unit = trim(std::string_view(r.ptr, limit.data() + limit.size() - r.ptr));
  if (!std::isfinite(value) || value <= 0) bad_slo(text, "the limit must be above 0");
  if (unit == "us")
    slo.limit_ms = value / 1e3;
  else if (unit == "ms")
    slo.limit_ms = value;
  else if (unit == "s")
    slo.limit_ms = value * 1e3;
  else
    bad_slo(text, unit.empty() ? "the limit has no unit" : "unknown unit '" + unit + "'");
  return slo;
}

bool slo_met(const Slo& slo, const metrics::Histogram& latency, const metrics::Histogram& service,
             int64_t skipped) {
  const metrics::Histogram& h = slo.service ? service : latency;
  const int64_t n = h.count();
  const int64_t s = std::max<int64_t>(skipped, 0);
  if (n + s == 0) return false;
  if (slo.is_max) return s == 0 && static_cast<double>(h.max()) / kNsPerMs <= slo.limit_ms;
  // The rank of the quantile among n + s values, as Histogram::value_at_quantile
  // ranks them; above n it is a skipped one.
  const int64_t rank = std::clamp<int64_t>(
      static_cast<int64_t>(std::ceil(slo.quantile * static_cast<double>(n + s))), 1, n + s);
  if (rank > n) return false;
  // The rank-th of the n completed: half a rank below it lands on it without
  // floating-point doubt (ceil((rank - 0.5) / n * n) == rank).
  const double value_ns = h.value_at_quantile((static_cast<double>(rank) - 0.5) / static_cast<double>(n));
  return value_ns / kNsPerMs <= slo.limit_ms;
}

void write_curve(const std::string& dir, const std::vector<CurvePoint>& points) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorClass::kBadInput, "cannot create the result folder " + dir + ": " + ec.message());
  std::string text = csv_line(kCurveColumns);
  for (const auto& p : points)
    text += csv_line({p.target, p.group, p.txn, fixed(p.offered_tps, kRateDecimals),
                      fixed(p.achieved_tps, kRateDecimals), fixed(p.lat_p50_ms, kMsDecimals),
                      fixed(p.lat_p99_ms, kMsDecimals), fixed(p.lat_p999_ms, kMsDecimals),
                      fixed(p.svc_p99_ms, kMsDecimals), std::to_string(p.late), std::to_string(p.skipped),
                      !p.met   ? ""
                      : *p.met ? "true"
                               : "false"});
  write_file_atomic((fs::path(dir) / "curve.csv").string(), text);
}

std::vector<CurvePoint> read_curve(const std::string& path_in) {
  std::string path;
  const std::string text = read_result_file(path_in, "curve.csv", "curve file", &path);
  const CsvFile file(text, path, "curve.csv", kCurveColumns);
  std::vector<CurvePoint> out;
  for (size_t r = 0; r < file.rows(); ++r) {
    const CsvFile::Row row = file.row(r);
    auto get = [&](const std::string& c) -> const std::string& { return row.get(c); };
    auto num = [&](const std::string& c) { return row.num(c); };
    auto integer = [&](const std::string& c) { return row.integer(c); };
    const std::string& where = row.where();
    CurvePoint p;
    p.target = get("target");
    p.group = get("group");
    p.txn = get("txn");
    p.offered_tps = num("offered_tps");
    p.achieved_tps = num("achieved_tps");
    p.lat_p50_ms = num("lat_p50_ms");
    p.lat_p99_ms = num("lat_p99_ms");
    p.lat_p999_ms = num("lat_p999_ms");
    p.svc_p99_ms = num("svc_p99_ms");
    p.late = integer("late");
    p.skipped = integer("skipped");
    const std::string& met = get("met_slo");
    if (met == "true")
      p.met = true;
    else if (met == "false")
      p.met = false;
    else if (!met.empty())
      throw Error(ErrorClass::kBadInput,
                  where + ": column met_slo holds '" + met + "', not true, false or empty");
    out.push_back(std::move(p));
  }
  return out;
}

std::optional<double> knee(const std::vector<CurvePoint>& points) {
  // Whether every point of each rate met the objective, rates ascending.
  std::map<double, bool> met_at;
  for (const auto& p : points) {
    bool& met = met_at.try_emplace(p.offered_tps, true).first->second;
    met = met && p.met.value_or(false);
  }
  std::optional<double> out;
  for (const auto& [rate, met] : met_at) {
    if (!met) break;
    out = rate;
  }
  return out;
}

}  // namespace oltap::results
