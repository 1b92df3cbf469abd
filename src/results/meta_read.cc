// meta.json read back into a Meta: what `oltap merge` starts the merged
// folder's meta.json from (the shards' workload, settings and targets), so
// that it is written by the same meta_json as a run's.
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

Meta::Shard shard_of(const nlohmann::json& j) {
  return Meta::Shard{j.at("index").get<int>(), j.at("count").get<int>()};
}

void read_settings(const nlohmann::json& s, Meta& m) {
  m.seed = s.value("seed", uint64_t{0});
  m.scale = s.value("scale", 1.0);
  m.duration_s = s.value("duration_s", 0.0);
  m.warmup_s = s.value("warmup_s", 0.0);
  m.transactions_per_client = s.value("transactions_per_client", int64_t{0});
  m.think_times = s.value("think_times", false);
  if (s.contains("open_loop")) {
    const nlohmann::json& o = s["open_loop"];
    Meta::OpenLoop ol;
    ol.rate = o.value("rate", 0.0);
    ol.group_rate = o.value("group_rate", std::map<std::string, double>{});
    ol.arrival = o.value("arrival", "poisson");
    ol.latency_limit_s = o.value("latency_limit_s", 0.0);
    ol.sweep = o.value("sweep", false);
    ol.slo = o.value("slo", "");
    for (const auto& st : o.value("stages", nlohmann::json::array()))
      ol.stages.push_back(
          {st.at("duration_s").get<double>(), st.at("rate").get<double>(), st.at("clients").get<int>()});
    m.open_loop = ol;
  }
  if (s.contains("queries")) {
    const nlohmann::json& q = s["queries"];
    m.queries = Meta::Queries{q.value("streams", 1), q.value("query_timeout_s", 0.0),
                              q.value("verify", false), q.value("repeat", 1), q.value("warmup_passes", 0)};
  }
}

Meta::TargetInfo read_target(const nlohmann::json& t, Meta& m) {
  Meta::TargetInfo ti;
  ti.target = t.value("target", "");
  ti.label = t.value("label", "");
  ti.status = t.value("status", "not run");
  ti.failure = t.value("failure", "");
  ti.data = t.value("data", "");
  ti.engine = t.value("engine", "");
  ti.dialect = t.value("dialect", "");
  ti.server_version = t.value("server_version", "");
  ti.start_utc = t.value("start_utc", "");
  ti.end_utc = t.value("end_utc", "");
  ti.measured_s = t.value("measured_s", 0.0);
  ti.warmup_committed = t.value("warmup_committed", int64_t{0});
  ti.interrupted = t.value("interrupted", false);
  ti.sample_errors = t.value("sample_errors", std::vector<std::string>{});
  // The headline's definition travels with its figures (meta_json writes no other copy).
  for (const auto& h : t.value("headlines", nlohmann::json::array())) {
    m.headline.name = h.value("name", "");
    m.headline.txn = h.value("transaction", "");
    m.headline.per_scale_max = h.value("per_scale_max", 0.0);
    m.headline.include_aborted = h.value("include_aborted", false);
  }
  if (t.contains("knee_tps"))
    for (const auto& [group, knee] : t["knee_tps"].items())
      ti.knee_tps[group] = knee.is_null() ? std::nullopt : std::optional<double>(knee.get<double>());
  return ti;
}

}  // namespace

Meta read_meta(const std::string& path, std::string* hostname) {
  const fs::path file = fs::is_directory(path) ? fs::path(path) / "meta.json" : fs::path(path);
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, file.string() + ": cannot open (is this a result folder?)");
  std::stringstream ss;
  ss << in.rdbuf();
  const nlohmann::json j = nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(ErrorClass::kBadInput, file.string() + ": not valid JSON");
  Meta m;
  try {
    m.run_id = j.value("run_id", "");
    m.status = j.value("status", "");
    m.incomplete = j.value("incomplete", false);
    if (j.contains("workload")) {
      m.workload = j["workload"].value("name", "");
      m.workload_file = j["workload"].value("file", "");
      m.workload_sha256 = j["workload"].value("sha256", "");
    }
    m.command_line = j.value("command_line", "");
    if (j.contains("settings")) read_settings(j["settings"], m);
    for (const auto& t : j.value("targets", nlohmann::json::array())) m.targets.push_back(read_target(t, m));
    if (j.contains("shard")) m.shard = shard_of(j["shard"]);
    for (const auto& s : j.value("merged_from", nlohmann::json::array()))
      m.merged_from.push_back({s.value("folder", ""), s.value("run_id", ""), s.value("hostname", ""),
                               s.value("start_utc", ""), s.value("status", ""),
                               s.contains("shard") ? std::optional(shard_of(s["shard"])) : std::nullopt});
    if (hostname && j.contains("host")) *hostname = j["host"].value("hostname", "");
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorClass::kBadInput, file.string() + ": " + e.what());
  }
  return m;
}

}  // namespace oltap::results
