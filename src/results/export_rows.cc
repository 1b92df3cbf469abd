// What `oltap export` exports, read from a result folder's summary.csv or a
// suite folder's suite.csv (its columns as the suite contract fixes them:
// case,target,group,txn,stage,reps, then m_median,m_min,m_max,m_spread per
// metric). Reads files only; no state.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;
constexpr double kMsPerSecond = 1000;

std::string row_name(const std::string& case_name, const std::string& target, const std::string& group,
                     const std::string& txn, const std::string& stage) {
  return (case_name.empty() ? "" : case_name + " ") + target + " " + group + "/" + txn +
         (stage.empty() ? "" : " stage " + stage);
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, p.string() + ": cannot open it");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Whether the suite's case ran a workload of queries: its first repetition's
// summary (OUT/<case>/<target>/rep-1/summary.csv) says.
bool suite_case_analytical(const fs::path& suite_dir, const std::string& case_name,
                           const std::string& target) {
  const fs::path rep = suite_dir / case_name / target / "rep-1" / "summary.csv";
  return fs::exists(rep) && is_analytical(read_summary(rep.string()));
}

std::vector<ExportRow> suite_rows(const fs::path& suite_dir) {
  const fs::path file = suite_dir / "suite.csv";
  const auto records = csv_parse(read_text(file));
  if (records.empty()) throw Error(ErrorClass::kBadInput, file.string() + ": empty file, expected a header");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < records[0].size(); ++i) col[records[0][i]] = i;
  for (const char* c : {"case", "target", "group", "txn", "stage", "reps", "tps_median", "tps_min", "tps_max",
                        "lat_p50_ms_median", "lat_p50_ms_min", "lat_p50_ms_max", "lat_p99_ms_median",
                        "lat_p99_ms_min", "lat_p99_ms_max"})
    if (!col.count(c))
      throw Error(ErrorClass::kBadInput,
                  file.string() + ":1: missing column '" + c + "': is this an oltap suite.csv?");
  std::map<std::pair<std::string, std::string>, bool> analytical;  // by (case, target)
  std::vector<ExportRow> out;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    const std::string where = file.string() + ":" + std::to_string(r + 1);
    if (rec.size() < records[0].size())
      throw Error(ErrorClass::kBadInput, where + ": " + std::to_string(rec.size()) + " fields, expected " +
                                             std::to_string(records[0].size()));
    auto get = [&](const std::string& c) -> const std::string& { return rec[col.at(c)]; };
    auto value = [&](const std::string& m) {
      ExportValue v;
      v.value = parse_number<double>(get(m + "_median"), where, m + "_median");
      v.lower = parse_number<double>(get(m + "_min"), where, m + "_min");
      v.upper = parse_number<double>(get(m + "_max"), where, m + "_max");
      return v;
    };
    ExportRow e;
    e.name = row_name(get("case"), get("target"), get("group"), get("txn"), get("stage"));
    e.reps = parse_number<int64_t>(get("reps"), where, "reps");
    if (e.reps == 0) continue;  // no complete repetition: no figure to give
    const auto key = std::make_pair(get("case"), get("target"));
    if (!analytical.count(key)) analytical[key] = suite_case_analytical(suite_dir, key.first, key.second);
    if (analytical[key]) {
      if (get("txn") == "ALL") continue;  // a stream's total: no figure of its own
      e.latency_ms = value("lat_p50_ms");
      e.latency_is = "median time";
    } else {
      e.tps = value("tps");
      e.latency_ms = value("lat_p99_ms");
      e.latency_is = "p99";
    }
    e.note = "median of " + std::to_string(e.reps) + " repetition(s)";
    out.push_back(std::move(e));
  }
  return out;
}

std::vector<ExportRow> run_rows(const std::string& path) {
  std::vector<SummaryRow> rows = read_summary(path);
  refill_latency_from_hlog(path, rows);
  std::vector<ExportRow> out;
  if (is_analytical(rows)) {
    for (const auto& r : rows) {
      if (r.txn == "ALL" || r.committed == 0) continue;
      ExportRow e;
      e.name = row_name("", r.target, r.group, r.txn, r.stage);
      ExportValue v{r.lat_p50_ms, {}, {}};
      if (r.committed + r.errors > 1) {  // samples (--repeat): their slowest too
        v.upper = r.lat_max_ms;
        e.latency_is = "median of " + std::to_string(r.committed) + " timed executions";
      } else {
        e.latency_is = "query time";
      }
      if (r.incomplete) e.note = "incomplete run";
      e.latency_ms = v;
      out.push_back(std::move(e));
    }
    for (const auto& f : query_figures(rows)) {
      ExportRow q;
      q.name = f.target + " queries per hour";
      q.queries_per_hour = ExportValue{f.queries_per_hour, {}, {}};
      q.note = f.repeat > 1 ? "of a median pass" : "queries completed per hour of the run";
      out.push_back(std::move(q));
      if (f.power() && f.streams[0].geomean_s) {
        ExportRow g;
        g.name = f.target + " geometric mean";
        g.latency_ms = ExportValue{*f.streams[0].geomean_s * kMsPerSecond, {}, {}};
        g.latency_is =
            f.repeat > 1 ? "geometric mean of the queries' medians" : "geometric mean of the query times";
        out.push_back(std::move(g));
      }
    }
    return out;
  }
  for (const auto& r : rows) {
    ExportRow e;
    e.name = row_name("", r.target, r.group, r.txn, r.stage);
    e.tps = ExportValue{r.tps, {}, {}};
    e.latency_ms = ExportValue{r.lat_p99_ms, {}, {}};
    e.latency_is = "p99";
    if (r.incomplete) e.note = "incomplete run";
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

std::vector<ExportRow> export_rows(const std::string& dir) {
  if (fs::is_directory(dir) && fs::exists(fs::path(dir) / "suite.csv")) return suite_rows(dir);
  return run_rows(dir);
}

}  // namespace oltap::results
