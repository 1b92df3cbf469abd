// Servers restarted mid-run (issue 14): a private PostgreSQL, MariaDB and
// Redis of the test's own (harness.h), each crashed about 2 s into an 8 s
// run of 4 clients and started again about 1.5 s later. The run must go on
// and say what happened: it completes (exit 0 with --max-error-rate 100%),
// timeseries.csv has intervals without commits and with fewer clients
// connected, the errors are connection errors, meta.json counts the
// reconnects, and on the SQL engines committed is what the database holds:
// TPC-B's history rows, between committed and committed + unknown (a
// COMMIT whose reply never came may or may not have been applied).
//
// Isolation: the servers are the test's own, on ports 55400-55499.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "harness.h"

namespace oltap_it {
namespace {

constexpr int kPortsFrom = 55400, kPortsTo = 55499;

struct Outcome {
  CmdResult run;
  std::map<std::string, std::string> all;  // summary.csv's ALL row
  Csv series;
  nlohmann::json target;  // meta.json's target
};

// Runs `file` on target for 8 s with 4 clients; crash() at 2 s, restart() 1.5 s later.
Outcome run_through_a_restart(const std::string& file, const std::string& target,
                              const std::function<void()>& crash, const std::function<void()>& restart) {
  TempDir dir;
  Outcome o;
  std::thread runner([&] {
    o.run = oltap({"run", file, "--target", target, "--warmup", "0s", "--duration", "8s", "--clients", "4",
                   "--max-error-rate", "100%", "--reconnect", "unlimited,50ms,500ms", "--no-data-check",
                   "--out", (dir / "out").string()},
                  RunOptions().timeout(60));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(2000));
  crash();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  restart();
  runner.join();
  if (o.run.exit_code != 0) return o;
  o.all = summary_all_row(read_csv(dir / "out" / "summary.csv"));
  o.series = read_csv(dir / "out" / "timeseries.csv");
  o.target = nlohmann::json::parse(read_file(dir / "out" / "meta.json"))["targets"][0];
  return o;
}

// What every engine's run must show of the outage.
void expect_outage_shown(const Outcome& o) {
  ASSERT_EQ(o.run.exit_code, 0) << o.run.describe();
  EXPECT_GT(std::stoll(o.all.at("committed")), 0);
  EXPECT_GT(std::stoll(o.all.at("err_connection")), 0) << o.run.describe();
  int64_t classes = 0;
  for (const char* c :
       {"err_connection", "err_serialization", "err_deadlock", "err_constraint", "err_timeout", "err_other"})
    classes += std::stoll(o.all.at(c));
  EXPECT_EQ(classes, std::stoll(o.all.at("errors")));
  int without_commits = 0, fewer_connected = 0, after = 0;
  bool down = false;
  for (const auto& row : o.series.records()) {
    if (row.at("txn") != "ALL") continue;
    const bool none = row.at("committed") == "0";
    without_commits += none ? 1 : 0;
    fewer_connected += std::stoi(row.at("connected")) < 4 ? 1 : 0;
    down = down || none;
    if (down && !none) ++after;  // commits again after the outage
  }
  EXPECT_GE(without_commits, 1);
  EXPECT_GE(fewer_connected, 1);
  EXPECT_GE(after, 1) << "the run went on after the server came back";
  EXPECT_GT(o.target.at("reconnects").get<int64_t>(), 0) << o.target.dump();
  EXPECT_GT(o.target.at("connection_failures").get<int64_t>(), 0) << o.target.dump();
  EXPECT_GT(o.target.at("outage_s").get<double>(), 0.5) << o.target.dump();
  EXPECT_LT(o.target.at("outage_s").get<double>(), 6.0) << o.target.dump();
  EXPECT_EQ(o.target.at("status"), "complete");
  std::cout << "errors " << o.all.at("errors") << " (connection " << o.all.at("err_connection") << "), "
            << without_commits << " interval(s) without commits, reconnects " << o.target.at("reconnects")
            << ", connection_failures " << o.target.at("connection_failures") << ", outage_s "
            << o.target.at("outage_s") << "\n";
}

// committed <= history rows <= committed + unknown.
void expect_history_accounts_for(const Outcome& o, long long history) {
  const long long committed = std::stoll(o.all.at("committed")), unknown = std::stoll(o.all.at("unknown"));
  std::cout << "committed " << committed << ", unknown " << unknown << ", history rows " << history << "\n";
  EXPECT_LE(committed, history) << "unknown " << unknown;
  EXPECT_LE(history, committed + unknown) << "unknown " << unknown;
}

TEST(Restart, PostgresImmediateShutdownAndStart) {
  OwnPostgres pg(free_port_in(kPortsFrom, kPortsTo));
  CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", pg.uri()});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  Outcome o = run_through_a_restart(
      workload("pgbench-tpcb.yaml"), pg.uri(), [&] { pg.stop_immediate(); }, [&] { pg.start(); });
  expect_outage_shown(o);
  if (HasFatalFailure()) return;
  expect_history_accounts_for(o, sql_int(pg.uri(), "SELECT count(*) FROM pgbench_history"));
}

TEST(Restart, MariaDbKilledAndStarted) {
  OwnMariaDb my(free_port_in(kPortsFrom + 20, kPortsTo));
  CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", my.uri()});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  Outcome o = run_through_a_restart(
      workload("pgbench-tpcb.yaml"), my.uri(), [&] { my.kill(); }, [&] { my.start(); });
  expect_outage_shown(o);
  if (HasFatalFailure()) return;
  expect_history_accounts_for(o, std::stoll(my.sql("SELECT count(*) FROM pgbench_history")));
}

TEST(Restart, RedisKilledAndStarted) {
  OwnRedis redis(free_port_in(kPortsFrom + 40, kPortsTo));
  CmdResult load = oltap({"load", workload("kv-get.yaml"), "--target", redis.target()});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  // Without persistence the restarted server is empty: GETs of missing keys still answer.
  Outcome o = run_through_a_restart(
      workload("kv-get.yaml"), redis.target(), [&] { redis.kill(); }, [&] { redis.start(); });
  expect_outage_shown(o);
  if (HasFatalFailure()) return;
  EXPECT_EQ(o.all.at("unknown"), "0") << "one command per transaction, no COMMIT";
}

}  // namespace
}  // namespace oltap_it
