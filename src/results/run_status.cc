// How a result folder's run ended, as its meta.json says: what a suite's
// --resume asks of each repetition's folder (run_complete), and what report,
// compare and gate say of a run cut short (read_run_state).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "csv.h"
#include "results.h"

namespace oltap::results {

namespace fs = std::filesystem;

bool run_complete(const std::string& dir) {
  std::ifstream in(dir + "/meta.json");
  if (!in) return false;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (!j.is_object() || j.value("incomplete", true)) return false;
    if (j.value("status", "complete") != "complete") return false;
    const auto targets = j.find("targets");
    if (targets == j.end() || !targets->is_array() || targets->empty()) return false;
    for (const auto& t : *targets)
      if (!t.is_object() || t.value("status", "") != "complete") return false;
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;  // a meta.json cut short or edited by hand: not a complete run
  }
}

RunState read_run_state(const std::string& dir_in) {
  const fs::path dir = fs::is_directory(dir_in) ? fs::path(dir_in) : fs::path(dir_in).parent_path();
  RunState s;
  s.has_summary = fs::exists(dir / "summary.csv");
  const fs::path file = dir / "meta.json";
  std::ifstream in(file, std::ios::binary);
  if (!in) return s;
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorClass::kBadInput, file.string() + ": not valid JSON");
  s.has_meta = true;
  try {
    s.status = j.value("status", "");
    s.run_id = j.value("run_id", "");
    if (j.contains("workload") && j["workload"].is_object()) s.workload = j["workload"].value("name", "");
    const nlohmann::json targets = j.value("targets", nlohmann::json::array());
    for (const auto& t : targets) {
      if (!t.is_object() || t.value("status", "") != "running") continue;
      s.running_target = t.value("label", "").empty() ? t.value("target", "") : t.value("label", "");
      // A meta.json from before the top-level status said the same by a target's.
      if (s.status.empty()) s.status = "running";
    }
    if (s.status.empty())
      s.status = !j.value("incomplete", false) ? "complete"
                 : std::any_of(targets.begin(), targets.end(),
                               [](const nlohmann::json& t) { return t.value("status", "") == "failed"; })
                     ? "failed"
                     : "interrupted";
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorClass::kBadInput, file.string() + ": " + e.what());
  }
  if (s.cut_short() && !s.running_target.empty() && fs::exists(dir / "timeseries.csv"))
    for (const auto& r : read_timeseries((dir / "timeseries.csv").string())) {
      if (r.target != s.running_target || r.txn != "ALL") continue;
      if (r.t_s > s.kept_s) ++s.kept_intervals;  // one ALL row per group and interval
      s.kept_s = std::max(s.kept_s, r.t_s);
      s.kept_committed += r.committed;
    }
  return s;
}

std::string cut_short_text(const RunState& s) {
  std::string where = s.running_target.empty() ? "" : " of target " + s.running_target;
  return "the run was cut short" +
         (s.kept_intervals > 0
              ? " at " + fixed(s.kept_s, 3) + " s" + where + " (" + std::to_string(s.kept_intervals) +
                    " interval(s) kept, " + std::to_string(s.kept_committed) + " committed)"
              : where + " before an interval was kept") +
         ": meta.json still says running, so oltap was killed (or is still running) and never wrote its end" +
         (s.has_summary ? "" : "; there is no summary.csv");
}

}  // namespace oltap::results
