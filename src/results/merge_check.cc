// Whether folders are the shards of one run, before `oltap merge` writes
// anything: each a complete run of transactions with its histograms; the
// same workload file, settings and targets; shards 0..N-1 of one N, each
// once. Every refusal names the folders and what differs.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "merge.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;
// How far apart the shards of one run may begin: a check-in starts them
// within milliseconds; a second is a misaligned interval already.
constexpr int64_t kMaxShardSkewMs = 1000;

nlohmann::json raw_meta(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "meta.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
}

// What must be the same in every shard: the settings as written, and each
// target's URI (redacted), label and engine.
struct Identity {
  nlohmann::json settings, targets;
};
Identity identity(const nlohmann::json& j) {
  Identity id;
  id.settings = j.value("settings", nlohmann::json::object());
  id.targets = nlohmann::json::array();
  for (const auto& t : j.value("targets", nlohmann::json::array()))
    id.targets.push_back({t.value("target", ""), t.value("label", ""), t.value("engine", "")});
  return id;
}

// "duration_s 10 in A, 5 in B; ..." for the settings that differ.
std::string settings_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& an,
                                const std::string& bn) {
  std::string out;
  std::vector<std::string> keys;
  for (const auto& [k, v] : a.items()) keys.push_back(k);
  for (const auto& [k, v] : b.items())
    if (!a.contains(k)) keys.push_back(k);
  for (const auto& k : keys) {
    const std::string va = a.contains(k) ? a[k].dump() : "(none)",
                      vb = b.contains(k) ? b[k].dump() : "(none)";
    if (va == vb) continue;
    out += (out.empty() ? "" : "; ") + k + " " + va + " in " + an + ", " + vb + " in " + bn;
  }
  return out;
}

void check_one(const std::string& dir, const Meta& m) {
  if (!fs::is_directory(dir)) throw Error(ErrorClass::kBadInput, dir + ": not a result folder");
  const RunState state = read_run_state(dir);
  if (!state.has_meta) throw Error(ErrorClass::kBadInput, dir + ": no meta.json: not a result folder");
  if (state.cut_short()) throw Error(ErrorClass::kBadInput, dir + ": not merged: " + cut_short_text(state));
  if (!run_complete(dir))
    throw Error(ErrorClass::kBadInput, dir + ": not merged: the run is not complete (meta.json status " +
                                           (state.status.empty() ? "unknown" : state.status) +
                                           "): a shard that did not finish would leave a hole in the sums");
  if (m.queries)
    throw Error(ErrorClass::kBadInput,
                dir + ": a run of queries: merge takes runs of transactions (their histograms add up)");
  if (m.open_loop && m.open_loop->sweep)
    throw Error(ErrorClass::kBadInput, dir +
                                           ": a rate sweep: merge does not take sweeps (each rate starts on "
                                           "its own, so shards' steps cannot be aligned)");
  for (const char* f : {"summary.csv", "timeseries.csv", kHlogFileName})
    if (!fs::exists(fs::path(dir) / f))
      throw Error(ErrorClass::kBadInput, dir + ": no " + std::string(f) + " (merge needs the histograms)");
}

}  // namespace

std::vector<ShardFolder> check_shards(const std::vector<std::string>& dirs) {
  if (dirs.empty()) throw Error(ErrorClass::kBadInput, "merge takes the shards' result folders: none given");
  std::vector<ShardFolder> out;
  std::vector<Identity> ids;
  for (const auto& dir : dirs) {
    ShardFolder f;
    f.dir = dir;
    if (fs::is_directory(dir) && fs::exists(fs::path(dir) / "meta.json"))
      f.meta = read_meta(dir, &f.hostname);
    check_one(dir, f.meta);
    for (const auto& o : out) {
      std::error_code ec;
      if (fs::equivalent(o.dir, dir, ec))
        throw Error(ErrorClass::kBadInput, o.dir + " and " + dir + " are the same folder, given twice");
    }
    out.push_back(std::move(f));
    ids.push_back(identity(raw_meta(dir)));
  }
  const ShardFolder& first = out.front();
  for (size_t i = 1; i < out.size(); ++i) {
    const ShardFolder& f = out[i];
    if (f.meta.workload_sha256 != first.meta.workload_sha256)
      throw Error(ErrorClass::kBadInput, "not shards of one run: " + first.dir + " ran " +
                                             first.meta.workload + " (" + first.meta.workload_file +
                                             ", sha256 " + first.meta.workload_sha256.substr(0, 12) + "), " +
                                             f.dir + " ran " + f.meta.workload + " (" + f.meta.workload_file +
                                             ", sha256 " + f.meta.workload_sha256.substr(0, 12) + ")");
    if (ids[i].settings != ids[0].settings)
      throw Error(ErrorClass::kBadInput,
                  "not shards of one run: the settings differ: " +
                      settings_difference(ids[0].settings, ids[i].settings, first.dir, f.dir));
    if (ids[i].targets != ids[0].targets)
      throw Error(ErrorClass::kBadInput,
                  "not shards of one run: the targets differ: " + ids[0].targets.dump() + " in " + first.dir +
                      ", " + ids[i].targets.dump() + " in " + f.dir);
  }
  // Shards say which they are; folders of runs without --shard are taken as
  // given, but never the same run twice (a copy of a folder).
  const size_t sharded = static_cast<size_t>(
      std::count_if(out.begin(), out.end(), [](const ShardFolder& f) { return f.meta.shard.has_value(); }));
  if (sharded == 0) {
    for (size_t i = 0; i < out.size(); ++i)
      for (size_t k = 0; k < i; ++k)
        if (out[i].meta.run_id == out[k].meta.run_id &&
            out[i].meta.targets.front().start_utc == out[k].meta.targets.front().start_utc)
          throw Error(ErrorClass::kBadInput,
                      out[k].dir + " and " + out[i].dir +
                          " are the same run (same run_id and start): the same shard twice");
    return out;
  }
  if (sharded != out.size())
    for (const auto& f : out)
      if (!f.meta.shard)
        throw Error(ErrorClass::kBadInput,
                    f.dir + " is not a shard (run without --shard) and the others are");
  const int n = first.meta.shard->count;
  std::vector<const ShardFolder*> by_index(static_cast<size_t>(n), nullptr);
  for (const auto& f : out) {
    const Meta::Shard s = *f.meta.shard;
    const std::string name = std::to_string(s.index) + "/" + std::to_string(s.count);
    if (s.count != n)
      throw Error(ErrorClass::kBadInput, "not shards of one run: " + first.dir + " is one of " +
                                             std::to_string(n) + " shards, " + f.dir + " is shard " + name);
    if (s.index < 0 || s.index >= n)
      throw Error(ErrorClass::kBadInput, f.dir + ": shard " + name + " is out of range");
    if (const ShardFolder* o = by_index[static_cast<size_t>(s.index)])
      throw Error(ErrorClass::kBadInput, o->dir + " and " + f.dir + " are both shard " + name);
    by_index[static_cast<size_t>(s.index)] = &f;
  }
  // Shards of one run begin together (a check-in, or --start-at): folders
  // that began further apart are other runs' shards (a reused --out or
  // OLTAP_RUN), whose merge would spread its counts over the gap between.
  std::optional<int64_t> earliest, latest;
  for (const auto& f : out)
    if (!f.meta.targets.empty())
      if (const auto at = parse_utc_iso(f.meta.targets.front().start_utc)) {
        earliest = std::min(earliest.value_or(*at), *at);
        latest = std::max(latest.value_or(*at), *at);
      }
  if (earliest && *latest - *earliest > kMaxShardSkewMs)
    throw Error(
        ErrorClass::kBadInput,
        fmt::format("not shards of one run: their measurements began {:.3f} s apart (more than {:g} s), "
                    "and the shards of one run begin together; are some of these another run's (a "
                    "result folder or OLTAP_RUN used twice)?",
                    static_cast<double>(*latest - *earliest) / 1000, kMaxShardSkewMs / 1000.0));
  std::string missing;
  for (int i = 0; i < n; ++i)
    if (!by_index[static_cast<size_t>(i)])
      missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
  if (!missing.empty())
    throw Error(ErrorClass::kBadInput, "shard(s) " + missing + " missing: a merge takes all " +
                                           std::to_string(n) + " shards of a run, each once");
  std::sort(out.begin(), out.end(), [](const ShardFolder& a, const ShardFolder& b) {
    return a.meta.shard->index < b.meta.shard->index;
  });
  return out;
}

}  // namespace oltap::results
