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

// Whether the suite's case ran a workload of queries: its first repetition's
// summary (OUT/<case>/<target>/rep-1/summary.csv) says.
bool suite_case_analytical(const fs::path& suite_dir, const std::string& case_name,
                           const std::string& target) {
  const fs::path rep = suite_dir / case_name / target / "rep-1" / "summary.csv";
  return fs::exists(rep) && is_analytical(read_summary(rep.string()));
}

std::vector<ExportRow> suite_rows(const fs::path& suite_dir) {
  std::string path;
  const std::string text = read_result_file(suite_dir.string(), "suite.csv", "suite's table", &path);
  const CsvFile file(text, path, "suite.csv",
                     {"case", "target", "group", "txn", "stage", "reps", "tps_median", "tps_min", "tps_max",
                      "lat_p50_ms_median", "lat_p50_ms_min", "lat_p50_ms_max", "lat_p99_ms_median",
                      "lat_p99_ms_min", "lat_p99_ms_max"});
  std::map<std::pair<std::string, std::string>, bool> analytical;  // by (case, target)
  std::vector<ExportRow> out;
  for (size_t r = 0; r < file.rows(); ++r) {
    const CsvFile::Row row = file.row(r);
    auto get = [&](const std::string& c) -> const std::string& { return row.get(c); };
    auto value = [&](const std::string& m) {
      ExportValue v;
      v.value = row.num(m + "_median");
      v.lower = row.num(m + "_min");
      v.upper = row.num(m + "_max");
      return v;
    };
    ExportRow e;
    e.name = row_name(get("case"), get("target"), get("group"), get("txn"), get("stage"));
    e.reps = row.integer("reps");
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
