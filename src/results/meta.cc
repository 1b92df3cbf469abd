// meta.json: where every figure of a run came from (tool version and git
// revision, workload hash, engine and server version, settings, seed, host).
#include <sys/utsname.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "results.h"

namespace oltap::results {
namespace {

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0) return trim(line.substr(line.find(':') + 1));
  return "unknown";
}

int64_t memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kb = 0;
  while (in >> key >> kb) {
    if (key == "MemTotal:") return kb * 1024;
    in.ignore(256, '\n');
  }
  return 0;
}

}  // namespace

std::optional<int64_t> parse_utc_iso(const std::string& text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &y, &mo, &d, &h, &mi, &s, &ms) < 6)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
}

std::string utc_iso(int64_t unix_ms) {
  std::time_t secs = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

namespace {

// The headline figures of target, from the summary rows as summary.csv holds them.
nlohmann::ordered_json headlines_json(const Meta& m, const std::vector<SummaryRow>& summary,
                                      const std::string& target) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& h : headlines(summary, m.headline, m.scale)) {
    if (h.target != target) continue;
    nlohmann::ordered_json e = {{"group", h.group},
                                {"name", h.name},
                                {"transaction", h.txn},
                                {"value", h.value},
                                {"tpm_total", h.tpm_total},
                                {"scale", h.scale},
                                {"include_aborted", h.include_aborted}};
    if (h.efficiency_pct) {
      e["per_scale_max"] = h.per_scale_max;
      e["efficiency_pct"] = *h.efficiency_pct;
    }
    out.push_back(std::move(e));
  }
  return out;
}

// An analytical run's figures on target, from the summary as it holds them:
// the run's and each stream's times, the geometric mean of a power run,
// queries per hour, each stream's order and the queries that failed.
nlohmann::ordered_json queries_json(const Meta::TargetInfo& t, const std::vector<SummaryRow>& summary) {
  nlohmann::ordered_json out;
  for (const auto& f : query_figures(summary)) {
    if (f.target != t.name()) continue;
    out["mode"] = f.power() ? "power" : "throughput";
    out["elapsed_s"] = f.elapsed_s;
    out["completed"] = f.completed;
    out["failed"] = f.failed;
    out["queries_per_hour"] = f.queries_per_hour;
    out["repeat"] = f.repeat;
    if (f.power() && f.streams[0].geomean_s) out["geomean_s"] = *f.streams[0].geomean_s;
    nlohmann::ordered_json streams = nlohmann::ordered_json::array();
    for (const auto& s : f.streams) {
      nlohmann::ordered_json e = {{"stream", s.stream}};
      for (const auto& o : t.stream_orders)
        if (o.stream == s.stream) e["order"] = o.queries;
      e["elapsed_s"] = s.elapsed_s;
      e["completed"] = s.completed;
      e["failed"] = s.failed;
      if (s.geomean_s) e["geomean_s"] = *s.geomean_s;
      if (f.repeat > 1) e["median_pass_s"] = s.median_pass_s;
      streams.push_back(std::move(e));
    }
    out["streams"] = streams;
  }
  nlohmann::ordered_json failures = nlohmann::ordered_json::array();
  for (const auto& q : t.query_failures)
    failures.push_back(
        {{"stream", q.stream}, {"query", q.query}, {"status", q.status}, {"message", q.message}});
  out["failures"] = failures;
  return out;
}

// With --verify: each query's answers, and whether they agree.
nlohmann::ordered_json answers_json(const std::vector<SummaryRow>& summary) {
  nlohmann::ordered_json agree = nlohmann::ordered_json::array(), differ = nlohmann::ordered_json::array();
  for (const auto& c : check_answers(summary)) {
    if (c.agree) {
      agree.push_back(c.query);
      continue;
    }
    nlohmann::ordered_json answers = nlohmann::ordered_json::array();
    for (const SummaryRow* r : c.answers)
      answers.push_back(
          {{"target", r->target}, {"stream", r->group}, {"rows", r->rows}, {"checksum", r->checksum}});
    differ.push_back({{"query", c.query}, {"answers", answers}});
  }
  return {{"agree", agree}, {"differ", differ}};
}

}  // namespace

std::string meta_json(const Meta& m, const std::vector<SummaryRow>& summary) {
  nlohmann::ordered_json j;
  j["run_id"] = m.run_id;
  if (!m.status.empty()) j["status"] = m.status;
  j["incomplete"] = m.incomplete;
  j["oltap"] = {{"version", OLTAP_VERSION}, {"git_revision", git_revision()}};
  j["workload"] = {{"name", m.workload}, {"file", m.workload_file}, {"sha256", m.workload_sha256}};
  j["command_line"] = m.command_line;
  j["settings"] = {{"seed", m.seed},
                   {"scale", m.scale},
                   {"duration_s", m.duration_s},
                   {"warmup_s", m.warmup_s},
                   {"transactions_per_client", m.transactions_per_client},
                   {"think_times", m.think_times},
                   {"warmup_excluded",
                    "transactions that ended during the first warmup_s seconds are not "
                    "in summary.csv or timeseries.csv; their count is warmup_committed"}};
  if (m.open_loop) {
    const Meta::OpenLoop& o = *m.open_loop;
    nlohmann::ordered_json ol = {{"rate", o.rate},
                                 {"group_rate", o.group_rate},
                                 {"arrival", o.arrival},
                                 {"latency_limit_s", o.latency_limit_s},
                                 {"sweep", o.sweep},
                                 {"slo", o.slo},
                                 {"latency_from",
                                  "lat_* run from each transaction's intended start (its due time on the "
                                  "schedule); svc_* from its send; lag_* is send minus due"}};
    nlohmann::ordered_json stages = nlohmann::ordered_json::array();
    for (const auto& st : o.stages)
      stages.push_back({{"duration_s", st.duration_s}, {"rate", st.rate}, {"clients", st.clients}});
    ol["stages"] = stages;
    j["settings"]["open_loop"] = ol;
  }
  if (m.queries)
    j["settings"]["queries"] = {{"streams", m.queries->streams},
                                {"query_timeout_s", m.queries->query_timeout_s},
                                {"verify", m.queries->verify},
                                {"repeat", m.queries->repeat},
                                {"warmup_passes", m.queries->warmup_passes}};
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const auto& t : m.targets) {
    targets.push_back({{"target", t.target},
                       {"label", t.label},
                       {"status", t.status},
                       {"failure", t.failure},
                       {"data", t.data},
                       {"engine", t.engine},
                       {"dialect", t.dialect},
                       {"server_version", t.server_version},
                       {"start_utc", t.start_utc},
                       {"end_utc", t.end_utc},
                       {"measured_s", t.measured_s},
                       {"warmup_committed", t.warmup_committed},
                       {"interrupted", t.interrupted},
                       {"sample_errors", t.sample_errors}});
    if (t.connections) {
      targets.back()["reconnects"] = t.connections->reconnects;
      targets.back()["connection_failures"] = t.connections->connection_failures;
      targets.back()["outage_s"] = std::round(t.connections->outage_s * 1000) / 1000;
    }
    if (!m.headline.name.empty()) targets.back()["headlines"] = headlines_json(m, summary, t.name());
    if (m.queries) targets.back()["queries"] = queries_json(t, summary);
    if (t.client)
      targets.back()["client"] = {{"cpu_user_s", t.client->user_s},
                                  {"cpu_system_s", t.client->system_s},
                                  {"cpu_per_txn_us", t.client->cpu_per_txn_us},
                                  {"busiest_thread_core_share", t.client->busiest_thread_share},
                                  {"cores", t.client->cores},
                                  {"client_bound", t.client->client_bound},
                                  {"why", t.client->why}};
    if (!t.knee_tps.empty()) {
      nlohmann::ordered_json knees = nlohmann::ordered_json::object();
      for (const auto& [group, knee] : t.knee_tps)
        knees[group] = knee ? nlohmann::ordered_json(*knee) : nullptr;
      targets.back()["knee_tps"] = knees;
    }
  }
  j["targets"] = targets;
  if (m.queries && m.queries->verify) j["answers"] = answers_json(summary);
  if (m.shard) j["shard"] = {{"index", m.shard->index}, {"count", m.shard->count}};
  if (!m.merged_from.empty()) {
    nlohmann::ordered_json shards = nlohmann::ordered_json::array();
    for (const auto& s : m.merged_from) {
      nlohmann::ordered_json e = {{"folder", s.folder}, {"run_id", s.run_id}};
      if (s.shard) e["shard"] = {{"index", s.shard->index}, {"count", s.shard->count}};
      e["hostname"] = s.hostname;
      e["start_utc"] = s.start_utc;
      e["status"] = s.status;
      shards.push_back(std::move(e));
    }
    j["merged_from"] = shards;
  }
  utsname u{};
  uname(&u);
  char host[256] = {};
  gethostname(host, sizeof host - 1);
  j["host"] = {{"hostname", host},
               {"os", std::string(u.sysname) + " " + u.release},
               {"arch", u.machine},
               {"cpu_model", cpu_model()},
               {"cpus", std::thread::hardware_concurrency()},
               {"memory_bytes", memory_bytes()}};
  return j.dump(2) + "\n";
}

}  // namespace oltap::results
