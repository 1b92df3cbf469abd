// The open loop (--rate, --latency-limit, stages, sweeps) of real runs of
// the oltap binary against real servers: the rate achieved on PostgreSQL
// and Redis (a thread per client, and pipelined clients on one thread); a
// Redis server stopped (SIGSTOP) for half a second mid-run, which must show
// in the latency from the intended start and in the lag but not in the
// service time (and, with pipelined clients and a latency limit, in what
// is skipped); `late` and `skipped` as pgbench -L and -R -L define them
// (and pgbench itself on the same script as a cross-check of definitions);
// stages' rows in summary.csv, timeseries.csv and latency.hlog; a sweep's
// curve.csv and knee; bad open-loop input; and a closed-loop run's files
// keeping the columns they had before the open loop, in their places.
//
// Runs are of 1.5 to 4 s each, so the file stays within a minute or two.
// Where a count is compared with rate x duration the arrivals are uniform:
// Poisson arrivals' count itself varies by sqrt(n) (1.8% of 3,000), which
// would test the random draw rather than the scheduler.
//
// Isolation: database oltap_it_open_loop on the PostgreSQL server, Redis
// database 14 of the stack's Redis, and a Redis server of the test's own on
// a free port, which the test stops and resumes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "results/results.h"

extern char** environ;

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_open_loop";
constexpr int kRedisDb = 14;

using Row = std::map<std::string, std::string>;

double num(const Row& r, const std::string& col) { return std::stod(r.at(col)); }
long long count(const Row& r, const std::string& col) { return std::stoll(r.at(col)); }

// The rows of a CSV whose txn is txn and whose stage (when the file has the
// column) is stage.
std::vector<Row> rows_of(const Csv& csv, const std::string& txn, const std::string& stage = "") {
  std::vector<Row> out;
  for (auto& r : csv.records())
    if (r.at("txn") == txn && (!r.count("stage") || r.at("stage") == stage)) out.push_back(r);
  return out;
}
// The one summary row of txn (and stage); fails the test when not exactly one.
Row the_row(const Csv& summary, const std::string& txn, const std::string& stage = "") {
  auto rows = rows_of(summary, txn, stage);
  EXPECT_EQ(rows.size(), 1u) << "summary rows of txn " << txn << " stage '" << stage << "'";
  return rows.empty() ? Row{} : rows.front();
}

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(read_file(p)); }

// A small table of its own, shared by every PostgreSQL workload of this file
// (same schema and data, so one load serves them all; README "oltap run
// checks"), with the transactions and run: given.
std::string pg_workload(const std::string& name, const std::string& transactions,
                        const std::string& run = "") {
  return "name: " + name +
         "\n"
         "schema:\n"
         "  default: CREATE TABLE ol (k int PRIMARY KEY, v int)\n"
         "data:\n"
         "  - table: ol\n"
         "    rows: 1000\n"
         "    columns:\n"
         "      k: {seq: 1}\n"
         "      v: {uniform: [1, 1000000]}\n"
         "parameters:\n"
         "  k: {uniform: [1, 1000]}\n"
         "transactions:\n" +
         transactions + (run.empty() ? "" : "run:\n" + run);
}
const std::string kPointSelect =
    "  - name: select\n"
    "    steps:\n"
    "      - sql: SELECT v FROM ol WHERE k = :k\n";

std::string stack_redis_target() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", std::to_string(kRedisDb), "FLUSHDB"});
  return "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDb);
}

class OpenLoop : public ::testing::Test {
 protected:
  // The scratch database with the table of pg_workload loaded.
  std::string loaded_pg() {
    const std::string pg = make_scratch_db(kDb);
    const fs::path w = dir_ / "load.yaml";
    write_file(w, pg_workload("ol-load", kPointSelect));
    CmdResult r = oltap({"load", w.string(), "--target", pg});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    return pg;
  }
  // Writes a workload file of this test's folder and returns its path.
  std::string file(const std::string& name, const std::string& text) {
    write_file(dir_ / name, text);
    return (dir_ / name).string();
  }
  // oltap run FILE --target T --warmup 0s --out <dir>/<out> args...
  CmdResult run(const std::string& out, const std::string& workload_file, const std::string& target,
                std::vector<std::string> args) {
    std::vector<std::string> argv = {"run",      workload_file, "--target", target,
                                     "--warmup", "0s",          "--out",    (dir_ / out).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return oltap(argv);
  }
  TempDir dir_;
};

// committed / duration_s of the ALL row within 2% of the rate, which is its offered_tps.
void expect_rate_achieved(const fs::path& out, double rate, const CmdResult& r) {
  SCOPED_TRACE(out.string());
  Csv summary = read_csv(out / "summary.csv");
  Row all = the_row(summary, "ALL");
  ASSERT_FALSE(all.empty()) << r.describe();
  EXPECT_EQ(num(all, "offered_tps"), rate);
  EXPECT_EQ(count(all, "errors"), 0) << r.describe();
  const double achieved = count(all, "committed") / num(all, "duration_s");
  EXPECT_NEAR(achieved, rate, 0.02 * rate) << r.describe();
  EXPECT_EQ(all.at("stage"), "");
}

// ------------------------------------------------------------ 1. the rate achieved

TEST_F(OpenLoop, PostgresAchievesTheRateWithinTwoPercent) {
  const std::string pg = loaded_pg();
  const std::string w = file("select.yaml", pg_workload("ol-select", kPointSelect));
  CmdResult r =
      run("pg", w, pg, {"--clients", "4", "--duration", "3s", "--rate", "1000", "--arrival", "uniform"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_rate_achieved(dir_ / "pg", 1000, r);

  // Poisson arrivals (the default, as pgbench -R): their count over the run
  // is itself Poisson, so the achieved rate is held to 4 standard
  // deviations of it (sqrt(3,000) is 1.8%) rather than to 2%.
  r = run("pg-poisson", w, pg, {"--clients", "4", "--duration", "3s", "--rate", "1000"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  Row all = the_row(read_csv(dir_ / "pg-poisson" / "summary.csv"), "ALL");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(num(all, "offered_tps"), 1000);
  const double due = 1000 * num(all, "duration_s");
  EXPECT_NEAR(static_cast<double>(count(all, "committed")), due, 4 * std::sqrt(due)) << r.describe();
}

TEST_F(OpenLoop, RedisAchievesTheRateWithinTwoPercentWithAThreadPerClient) {
  const std::string redis = stack_redis_target();
  ASSERT_EQ(oltap({"load", workload("kv-get.yaml"), "--target", redis, "--scale", "0.01"}).exit_code, 0);
  CmdResult r = run("redis", workload("kv-get.yaml"), redis,
                    {"--clients", "4", "--duration", "3s", "--rate", "2000", "--arrival", "uniform"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_rate_achieved(dir_ / "redis", 2000, r);
}

TEST_F(OpenLoop, RedisAchievesTheRateWithinTwoPercentPipelinedOnOneThread) {
  const std::string redis = stack_redis_target();
  ASSERT_EQ(oltap({"load", workload("kv-get.yaml"), "--target", redis, "--scale", "0.01"}).exit_code, 0);
  CmdResult r = run("redis", workload("kv-get.yaml"), redis,
                    {"--clients", "4", "--threads", "1", "--pipeline", "4", "--duration", "3s", "--rate",
                     "2000", "--arrival", "uniform"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  expect_rate_achieved(dir_ / "redis", 2000, r);
}

// ------------------------------------------------------------ the client measures itself

// Two clients asked for far more than they can send: the server answers
// each at once (the service time stays flat) while the schedule lag grows
// over the run, so the figures are the client's, and the run says so. A
// rate they can keep is not flagged.
TEST_F(OpenLoop, AClientThatFallsBehindIsSaidToBeTheBottleneck) {
  const std::string redis = stack_redis_target();
  ASSERT_EQ(oltap({"load", workload("kv-get.yaml"), "--target", redis, "--scale", "0.01"}).exit_code, 0);
  CmdResult r = run("behind", workload("kv-get.yaml"), redis,
                    {"--clients", "2", "--duration", "3s", "--rate", "2000000"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  nlohmann::json meta = read_json(dir_ / "behind" / "meta.json");
  const auto& client = meta["targets"][0]["client"];
  EXPECT_TRUE(client["client_bound"].get<bool>()) << client.dump();
  EXPECT_NE(client["why"].get<std::string>().find("fell behind"), std::string::npos) << client.dump();
  EXPECT_NE(r.err.find("fell behind"), std::string::npos) << r.describe();
  EXPECT_GT(client["cpu_per_txn_us"].get<double>(), 0);

  r = run("kept", workload("kv-get.yaml"), redis, {"--clients", "2", "--duration", "3s", "--rate", "500"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  meta = read_json(dir_ / "kept" / "meta.json");
  EXPECT_FALSE(meta["targets"][0]["client"]["client_bound"].get<bool>()) << meta["targets"][0].dump();
  EXPECT_EQ(r.err.find("fell behind"), std::string::npos) << r.describe();
}

// ------------------------------------------------------------ 2. a stalled server

constexpr double kPauseMs = 500;

// Runs kv-get on server (loaded) into out with args, stopping the
// server for kPauseMs once the run has measured its first second
// (timeseries.csv has a row), so the stall falls well inside a 4 s run
// however long the start took, with calm seconds before and after it.
// Fails the test unless the run exits 0 and the server was stopped.
CmdResult run_with_stall(const OwnRedis& server, const fs::path& out, std::vector<std::string> args) {
  const fs::path series_file = out / "timeseries.csv";
  bool paused = false;
  std::thread pauser([&] {
    for (int i = 0; i < 400 && !paused; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      try {
        paused = fs::exists(series_file) && !parse_csv(read_file(series_file)).rows.empty();
      } catch (const std::exception&) {  // a line half-written: look again
      }
    }
    if (!paused) return;
    server.signal(SIGSTOP);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kPauseMs)));
    server.signal(SIGCONT);
  });
  std::vector<std::string> argv = {"run",        workload("kv-get.yaml"),
                                   "--target",   server.target(),
                                   "--warmup",   "0s",
                                   "--duration", "4s",
                                   "--out",      out.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  CmdResult r = oltap(argv);
  pauser.join();
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(paused) << "the run's first second never showed in timeseries.csv: " << r.describe();
  return r;
}

TEST_F(OpenLoop, AServerThatStopsAnsweringShowsInTheLatencyAndTheLagNotInTheServiceTime) {
  OwnRedis server;
  ASSERT_EQ(
      oltap({"load", workload("kv-get.yaml"), "--target", server.target(), "--scale", "0.01"}).exit_code, 0);
  CmdResult r = run_with_stall(server, dir_ / "stall", {"--clients", "2", "--rate", "1000"});
  if (HasFailure()) return;
  const fs::path out = dir_ / "stall";
  Row all = the_row(read_csv(out / "summary.csv"), "ALL");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(count(all, "errors"), 0) << r.describe();
  // A transaction due as the server stopped waited for all of it; about an
  // eighth of the run's were due during it, so the p99 is one of them.
  EXPECT_GE(num(all, "lat_max_ms"), 0.8 * kPauseMs) << r.describe();
  EXPECT_GE(num(all, "lat_p99_ms"), 0.5 * kPauseMs) << r.describe();
  // The clients could not send on time while their last transaction hung.
  EXPECT_GE(num(all, "lag_max_ms"), 0.8 * kPauseMs) << r.describe();
  // Only the transactions in flight as it stopped (one per client, 2 of
  // ~4,000) took long to be answered once sent.
  EXPECT_LT(num(all, "svc_p99_ms"), 50) << r.describe();
  EXPECT_GE(num(all, "svc_max_ms"), 0.8 * kPauseMs) << "a transaction in flight waited out the stall";

  // Per second: the stall's interval has the tail, the others do not.
  Csv series = read_csv(out / "timeseries.csv");
  auto seconds = rows_of(series, "ALL");
  ASSERT_GE(seconds.size(), 4u);
  double worst_p99 = 0, worst_lag = 0, worst_svc_p99 = 0, calmest_p99 = 1e9;
  for (const auto& s : seconds) {
    worst_p99 = std::max(worst_p99, num(s, "lat_p99_ms"));
    worst_lag = std::max(worst_lag, num(s, "lag_max_ms"));
    worst_svc_p99 = std::max(worst_svc_p99, num(s, "svc_p99_ms"));
    calmest_p99 = std::min(calmest_p99, num(s, "lat_p99_ms"));
  }
  EXPECT_GE(worst_p99, 0.5 * kPauseMs) << read_file(out / "timeseries.csv");
  EXPECT_GE(worst_lag, 0.8 * kPauseMs) << read_file(out / "timeseries.csv");
  EXPECT_LT(worst_svc_p99, 50) << read_file(out / "timeseries.csv");
  EXPECT_LT(calmest_p99, 50) << read_file(out / "timeseries.csv");
}

// Pipelined clients on one thread, with a latency limit: what fell due
// during the stall is skipped once the clients are 50 ms behind, so the
// lag stays under the limit, and every due transaction is either
// committed or skipped (uniform arrivals: exactly rate x duration, but for
// the few in flight at the end).
TEST_F(OpenLoop, PipelinedClientsSkipWhatTheStallMadeLaterThanTheLimit) {
  OwnRedis server;
  ASSERT_EQ(
      oltap({"load", workload("kv-get.yaml"), "--target", server.target(), "--scale", "0.01"}).exit_code, 0);
  CmdResult r = run_with_stall(server, dir_ / "pipelined",
                               {"--clients", "4", "--threads", "1", "--pipeline", "4", "--rate", "2000",
                                "--arrival", "uniform", "--latency-limit", "50ms"});
  if (HasFailure()) return;
  Row all = the_row(read_csv(dir_ / "pipelined" / "summary.csv"), "ALL");
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(count(all, "errors"), 0) << r.describe();
  const long long committed = count(all, "committed"), skipped = count(all, "skipped");
  const double due = 2000 * num(all, "duration_s");
  EXPECT_NEAR(static_cast<double>(committed + skipped), due, 0.005 * due) << r.describe();
  // About rate x (pause - limit) of them: 900.
  EXPECT_GE(skipped, 0.7 * 2000 * (kPauseMs - 50) / 1000) << r.describe();
  EXPECT_LE(skipped, 1.3 * 2000 * kPauseMs / 1000) << r.describe();
  EXPECT_LE(num(all, "lag_max_ms"), 50 * 1.01) << r.describe();
  // What was in flight as it stopped waited it out, and was late.
  EXPECT_GE(num(all, "svc_max_ms"), 0.8 * kPauseMs) << r.describe();
  EXPECT_GE(count(all, "late"), 1) << r.describe();
}

// ------------------------------------------------------------ 3. late and skipped

// How many values of h may lie above limit_ns: at least those of the buckets
// wholly above it, at most those of the buckets reaching above it.
std::pair<int64_t, int64_t> above(const oltap::metrics::Histogram& h, int64_t limit_ns) {
  int64_t surely = 0, maybe = 0;
  for (int i = 0; i < oltap::metrics::Histogram::kBucketCount; ++i) {
    const int64_t n = h.bucket_count_at(i);
    if (n == 0) continue;
    if (oltap::metrics::Histogram::bucket_lower(i) > limit_ns) surely += n;
    if (oltap::metrics::Histogram::bucket_upper(i) - 1 > limit_ns) maybe += n;
  }
  return {surely, maybe};
}

TEST_F(OpenLoop, LateCountsTheClosedLoopsTransactionsOverTheLimitAndNothingIsSkipped) {
  const std::string pg = loaded_pg();
  // A tenth of the transactions sleep 20 ms, twice the limit; the others
  // are point selects, far under it (pgbench -L: late is over the limit).
  const std::string w =
      file("sleepy.yaml", pg_workload("ol-sleepy", kPointSelect + "  - name: sleep\n"
                                                                  "    weight: 0.1\n"
                                                                  "    steps:\n"
                                                                  "      - sql: SELECT pg_sleep(0.02)\n"));
  CmdResult r = run("late", w, pg, {"--clients", "2", "--duration", "2s", "--latency-limit", "10ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const fs::path out = dir_ / "late";
  Csv summary = read_csv(out / "summary.csv");
  Row sleep = the_row(summary, "sleep"), select = the_row(summary, "select"), all = the_row(summary, "ALL");
  ASSERT_FALSE(sleep.empty() || select.empty() || all.empty());
  EXPECT_GT(count(sleep, "committed"), 10) << r.describe();
  EXPECT_EQ(count(sleep, "late"), count(sleep, "committed"));
  EXPECT_EQ(count(all, "late"), count(sleep, "late") + count(select, "late"));
  for (const auto& row : {sleep, select, all}) EXPECT_EQ(count(row, "skipped"), 0) << row.at("txn");
  // Each row's late against its own whole-run histogram in latency.hlog.
  const auto hists = oltap::results::read_whole_run_histograms((out / "latency.hlog").string());
  for (const auto& row : {sleep, select, all}) {
    SCOPED_TRACE(row.at("txn"));
    auto h = hists.find({row.at("target"), row.at("group"), row.at("txn"), true});
    ASSERT_NE(h, hists.end());
    auto [surely, maybe] = above(h->second, 10'000'000);
    EXPECT_GE(count(row, "late"), surely);
    EXPECT_LE(count(row, "late"), maybe);
  }
}

// pgbench's "number of transactions skipped: N (P %)" line: P.
std::optional<double> pgbench_skipped_percent(const std::string& out) {
  std::smatch m;
  if (!std::regex_search(out, m, std::regex(R"(number of transactions skipped: \d+ \(([0-9.]+) ?%\))")))
    return std::nullopt;
  return std::stod(m[1]);
}

TEST_F(OpenLoop, UnderOverloadSkippedCountsWhatWasDueButNeverSentAsPgbenchRL) {
  const std::string pg = loaded_pg();
  // One client of 5 ms transactions holds under 200/s: at 400/s it falls
  // behind, and what is already 20 ms late when due is skipped.
  const std::string w = file("slow.yaml", pg_workload("ol-slow",
                                                      "  - name: sleep\n"
                                                      "    steps:\n"
                                                      "      - sql: SELECT pg_sleep(0.005)\n"));
  CmdResult r = run("skip", w, pg,
                    {"--clients", "1", "--duration", "3s", "--rate", "400", "--arrival", "uniform",
                     "--latency-limit", "20ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const fs::path out = dir_ / "skip";
  Row all = the_row(read_csv(out / "summary.csv"), "ALL");
  ASSERT_FALSE(all.empty());
  const long long committed = count(all, "committed"), skipped = count(all, "skipped");
  const double due = 400 * num(all, "duration_s");
  EXPECT_GT(skipped, 0.3 * due) << r.describe();
  EXPECT_GT(committed, 0.2 * due) << r.describe();
  // Every due transaction was sent or skipped; the schedule is uniform, so
  // only the one in flight at the end and rounding stand between.
  EXPECT_NEAR(static_cast<double>(committed + skipped), due, 0.03 * due) << r.describe();
  EXPECT_EQ(count(all, "errors"), 0);
  // Skipped ones are counted, never timed: the histogram holds exactly the
  // committed; and nothing was sent later than the limit.
  const auto hists = oltap::results::read_whole_run_histograms((out / "latency.hlog").string());
  auto h = hists.find({all.at("target"), all.at("group"), "ALL", true});
  ASSERT_NE(h, hists.end());
  EXPECT_EQ(h->second.count(), committed + count(all, "aborted"));
  EXPECT_LE(num(all, "lag_max_ms"), 20 * 1.01) << "a transaction later than the limit was sent";
  EXPECT_LE(count(all, "late"), committed);
  // Per second too: the intervals' skipped and late add up to the run's.
  long long series_skipped = 0, series_late = 0;
  for (const auto& s : rows_of(read_csv(out / "timeseries.csv"), "ALL")) {
    series_skipped += count(s, "skipped");
    series_late += count(s, "late");
  }
  EXPECT_EQ(series_skipped, skipped);
  EXPECT_EQ(series_late, count(all, "late"));

  // pgbench on the same script with the same -R and -L (Poisson arrivals,
  // its default): a cross-check that both mean the same by "skipped", not a
  // comparison of figures; the share is loose (both well above 30%).
  const fs::path script = dir_ / "slow.sql";
  write_file(script, "SELECT pg_sleep(0.005);\n");
  CmdResult pgb =
      run_cmd({"pgbench", "-n", "-f", script.string(), "-c", "1", "-R", "400", "-L", "20", "-T", "3", pg},
              RunOptions().timeout(30));
  ASSERT_EQ(pgb.exit_code, 0) << pgb.describe();
  auto share = pgbench_skipped_percent(pgb.out);
  ASSERT_TRUE(share.has_value()) << pgb.describe();
  EXPECT_GT(*share, 30) << pgb.describe();
  EXPECT_GT(100.0 * skipped / (committed + skipped), 30);
}

// ------------------------------------------------------------ 4. stages

TEST_F(OpenLoop, StagesHaveTheirOwnRowsInEveryFile) {
  const std::string pg = loaded_pg();
  const std::string w = file("staged.yaml", pg_workload("ol-staged", kPointSelect,
                                                        "  clients: 4\n"
                                                        "  warmup: 0s\n"
                                                        "  arrival: uniform\n"
                                                        "  stages:\n"
                                                        "    - {duration: 1.5s, rate: 400}\n"
                                                        "    - {duration: 1.5s, rate: 200, clients: 2}\n"));
  const fs::path out = dir_ / "stages";
  CmdResult r = oltap({"run", w, "--target", pg, "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();

  Csv summary = read_csv(out / "summary.csv");
  const std::map<std::string, double> rate = {{"1", 400}, {"2", 200}};
  const std::map<std::string, int> clients = {{"1", 4}, {"2", 2}};
  for (const std::string txn : {"select", "ALL"}) {
    SCOPED_TRACE(txn);
    Row whole = the_row(summary, txn, "");
    ASSERT_FALSE(whole.empty());
    long long sum = 0;
    double offered = 0, length = 0;
    for (const auto& [stage, tps] : rate) {
      Row st = the_row(summary, txn, stage);
      ASSERT_FALSE(st.empty());
      sum += count(st, "committed");
      offered += tps * num(st, "duration_s");
      length += num(st, "duration_s");
      EXPECT_EQ(num(st, "offered_tps"), tps);
      EXPECT_EQ(count(st, "clients"), clients.at(stage));
      EXPECT_NEAR(num(st, "duration_s"), 1.5, 0.05);
      EXPECT_NEAR(count(st, "committed") / num(st, "duration_s"), tps, 0.03 * tps) << "stage " << stage;
    }
    EXPECT_EQ(sum, count(whole, "committed"));
    // The whole run was offered each stage's rate for the stage's length
    // (as measured: the last stage ends when the run stops).
    EXPECT_NEAR(num(whole, "offered_tps"), offered / length, 0.05)
        << "each stage's rate weighted by its length";
    EXPECT_NEAR(num(whole, "offered_tps"), 300, 1.5);
  }
  EXPECT_EQ(summary.rows.size(), 6u) << "select and ALL, for the whole run and each stage";

  // timeseries.csv: every row has a stage, and each stage's rows add up to its summary row.
  Csv series = read_csv(out / "timeseries.csv");
  std::map<std::string, long long> per_stage;
  for (const auto& s : series.records()) {
    EXPECT_TRUE(rate.count(s.at("stage"))) << "a time series row of stage '" << s.at("stage") << "'";
    if (s.at("txn") == "ALL") per_stage[s.at("stage")] += count(s, "committed");
  }
  for (const auto& [stage, tps] : rate)
    EXPECT_EQ(per_stage[stage], count(the_row(summary, "ALL", stage), "committed")) << "stage " << stage;

  // latency.hlog: interval and whole-run lines per stage, tagged stage=<s>:,
  // each stage's intervals holding its commits.
  std::map<std::string, int64_t> interval_counts, whole_counts;
  for (const auto& e : oltap::results::read_hlog((out / "latency.hlog").string())) {
    auto tag = oltap::results::parse_hlog_tag(e.tag);
    ASSERT_TRUE(tag.has_value()) << e.tag;
    if (tag->service || tag->txn != "ALL") continue;
    if (!tag->stage.empty()) {
      EXPECT_TRUE(contains(e.tag, "stage=" + tag->stage + ":")) << e.tag;
    }
    (tag->whole_run ? whole_counts : interval_counts)[tag->stage] += e.histogram.count();
  }
  EXPECT_EQ(interval_counts.count(""), 0u) << "an interval line of a staged run without its stage";
  for (const auto& [stage, tps] : rate) {
    const long long committed = count(the_row(summary, "ALL", stage), "committed");
    EXPECT_EQ(interval_counts[stage], committed) << "stage " << stage;
    EXPECT_EQ(whole_counts[stage], committed) << "stage " << stage;
  }
  EXPECT_EQ(whole_counts[""], count(the_row(summary, "ALL", ""), "committed"));
}

// ------------------------------------------------------------ 5. sweeps

TEST_F(OpenLoop, ASweepWritesItsCurveAndTheKneeOfTheSlo) {
  const std::string pg = loaded_pg();
  const std::string w = file("select.yaml", pg_workload("ol-select", kPointSelect));
  const std::vector<double> rates = {500, 1000, 2000};
  // An objective every rate meets (a point select's p99 is well under a
  // millisecond here; 100 ms leaves room for a busy machine).
  CmdResult easy =
      run("easy", w, pg,
          {"--clients", "4", "--duration", "1.5s", "--rate", "500,1000,2000", "--slo", "p99<100ms"});
  ASSERT_EQ(easy.exit_code, 0) << easy.describe();
  Csv curve = read_csv(dir_ / "easy" / "curve.csv");
  auto points = rows_of(curve, "ALL");
  ASSERT_EQ(points.size(), rates.size()) << read_file(dir_ / "easy" / "curve.csv");
  for (size_t i = 0; i < rates.size(); ++i) {
    EXPECT_EQ(num(points[i], "offered_tps"), rates[i]);
    EXPECT_NEAR(num(points[i], "achieved_tps"), rates[i], 0.1 * rates[i]);
    EXPECT_EQ(points[i].at("met_slo"), "true");
  }
  nlohmann::json meta = read_json(dir_ / "easy" / "meta.json");
  EXPECT_EQ(meta["targets"][0]["knee_tps"]["default"], 2000) << meta["targets"][0].dump();
  EXPECT_TRUE(contains(easy.err, "the knee is at 2000 tx/s (p99<100ms)")) << easy.describe();

  CmdResult hard =
      run("hard", w, pg,
          {"--clients", "4", "--duration", "1.5s", "--rate", "500,1000,2000", "--slo", "p99<0.001ms"});
  ASSERT_EQ(hard.exit_code, 0) << hard.describe();
  meta = read_json(dir_ / "hard" / "meta.json");
  ASSERT_TRUE(meta["targets"][0]["knee_tps"].contains("default")) << meta["targets"][0].dump();
  EXPECT_TRUE(meta["targets"][0]["knee_tps"]["default"].is_null()) << meta["targets"][0].dump();
  EXPECT_TRUE(contains(hard.err, "even the lowest rate missed")) << hard.describe();
  for (const auto& p : rows_of(read_csv(dir_ / "hard" / "curve.csv"), "ALL"))
    EXPECT_EQ(p.at("met_slo"), "false");
}

// Each rate of a sweep is measured on its own: a rate far beyond the
// server's leaves a backlog that the next, easy rate must not inherit (as
// stages of one schedule would: a transaction counts where it completes).
TEST_F(OpenLoop, ASweepsRateIsNotChargedWithTheRateBeforeIt) {
  const std::string pg = loaded_pg();
  const std::string w = file("select.yaml", pg_workload("ol-select", kPointSelect));
  CmdResult r = run("backlog", w, pg,
                    {"--clients", "2", "--duration", "1.5s", "--rate", "1000000,200", "--slo", "p99<50ms"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto points = rows_of(read_csv(dir_ / "backlog" / "curve.csv"), "ALL");
  ASSERT_EQ(points.size(), 2u);
  EXPECT_LT(num(points[0], "achieved_tps"), 0.5 * 1000000) << "the first rate is out of reach";
  EXPECT_EQ(points[0].at("met_slo"), "false");
  EXPECT_NEAR(num(points[1], "achieved_tps"), 200, 0.1 * 200) << "nothing of the first rate's backlog";
  EXPECT_LT(num(points[1], "lat_p99_ms"), 50);
  EXPECT_EQ(points[1].at("met_slo"), "true");
  // The knee is the highest rate that, with every lower one, met the SLO:
  // 200, the lowest, met it; 1,000,000 did not.
  nlohmann::json meta = read_json(dir_ / "backlog" / "meta.json");
  EXPECT_EQ(meta["targets"][0]["knee_tps"]["default"], 200) << meta["targets"][0].dump();
}

TEST_F(OpenLoop, BadOpenLoopInputExitsTwoWithOneLine) {
  const std::string pg = loaded_pg();
  const std::string w = file("select.yaml", pg_workload("ol-select", kPointSelect));
  const std::string staged = file("staged.yaml", pg_workload("ol-staged", kPointSelect,
                                                             "  stages:\n"
                                                             "    - {duration: 1s, rate: 100}\n"));
  struct Case {
    std::string file;
    std::vector<std::string> args;
    std::string names;  // the message names what is wrong
  };
  const std::vector<Case> cases = {
      {w, {"--rate", "100", "--slo", "p99<10ms"}, "--slo"},
      {w, {"--rate", "100,200", "--slo", "p99 under 10"}, "p99 under 10"},
      {w, {"--rate", "0"}, "--rate"},
      {w, {"--rate", "abc"}, "abc"},
      {w, {"--sweep", "10:5:3"}, "--sweep"},
      {staged, {"--rate", "100"}, "stages"},
      {w, {"--rate", "100,100"}, "twice"},
      {w, {"--rate", "0.0001"}, "0.001"},
      {w, {"--rate", "0x10"}, "0x10"},
      {w, {"--group-rate", "default=abc"}, "--group-rate default"},
      {w, {"--group-rate", "default=10", "--rate", "100"}, "every group"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {"run",        c.file, "--target", pg,
                                     "--duration", "1s",   "--out",    (dir_ / "bad").string()};
    if (c.file == staged) argv = {"run", c.file, "--target", pg, "--out", (dir_ / "bad").string()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    CmdResult r = oltap(argv);
    std::string shown;
    for (const auto& a : c.args) shown += a + " ";
    SCOPED_TRACE(shown);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.describe();
    EXPECT_TRUE(r.err.rfind("oltap: error: ", 0) == 0) << r.describe();
    EXPECT_TRUE(contains(r.err, c.names)) << r.describe();
    EXPECT_FALSE(fs::exists(dir_ / "bad" / "summary.csv")) << r.describe();
  }
}

// ------------------------------------------------------------ 6. closed loops unchanged

TEST_F(OpenLoop, AClosedLoopsFilesKeepTheirColumnsAndItsServiceTimeIsItsLatency) {
  const std::string pg = loaded_pg();
  const std::string w = file("select.yaml", pg_workload("ol-select", kPointSelect));
  CmdResult r = run("closed", w, pg, {"--clients", "2", "--duration", "2s"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  const fs::path out = dir_ / "closed";

  // The columns as they were before the open loop, first and in order (README).
  const std::vector<std::string> summary_columns = {
      "run_id",      "workload",   "target",     "engine",     "group",      "txn",
      "clients",     "duration_s", "committed",  "aborted",    "errors",     "tps",
      "lat_mean_ms", "lat_p50_ms", "lat_p90_ms", "lat_p95_ms", "lat_p99_ms", "lat_p999_ms",
      "lat_max_ms",  "retries",    "incomplete", "tpm"};
  const std::vector<std::string> series_columns = {"target",     "group",      "txn",    "t_s",
                                                   "committed",  "errors",     "tps",    "lat_p50_ms",
                                                   "lat_p95_ms", "lat_p99_ms", "aborted"};
  Csv summary = read_csv(out / "summary.csv");
  Csv series = read_csv(out / "timeseries.csv");
  ASSERT_GE(summary.header.size(), summary_columns.size());
  EXPECT_EQ(std::vector<std::string>(summary.header.begin(), summary.header.begin() + summary_columns.size()),
            summary_columns);
  ASSERT_GE(series.header.size(), series_columns.size());
  EXPECT_EQ(std::vector<std::string>(series.header.begin(), series.header.begin() + series_columns.size()),
            series_columns);

  // Sent when it starts: the service time is the latency, nothing lags,
  // nothing is offered, late or skipped.
  for (const auto& row : summary.records()) {
    SCOPED_TRACE(row.at("txn"));
    EXPECT_GT(count(row, "committed"), 100);
    EXPECT_EQ(row.at("svc_p50_ms"), row.at("lat_p50_ms"));
    EXPECT_EQ(row.at("svc_p99_ms"), row.at("lat_p99_ms"));
    EXPECT_EQ(row.at("svc_max_ms"), row.at("lat_max_ms"));
    EXPECT_EQ(num(row, "lag_mean_ms"), 0);
    EXPECT_EQ(num(row, "lag_max_ms"), 0);
    EXPECT_EQ(count(row, "late"), 0);
    EXPECT_EQ(count(row, "skipped"), 0);
    EXPECT_EQ(num(row, "offered_tps"), 0);
    EXPECT_EQ(row.at("stage"), "");
  }
  for (const auto& row : series.records()) {
    SCOPED_TRACE(row.at("t_s"));
    EXPECT_EQ(row.at("svc_p50_ms"), row.at("lat_p50_ms"));
    EXPECT_EQ(row.at("svc_p99_ms"), row.at("lat_p99_ms"));
    EXPECT_EQ(num(row, "lag_max_ms"), 0);
    EXPECT_EQ(row.at("stage"), "");
  }
}

}  // namespace
}  // namespace oltap_it
