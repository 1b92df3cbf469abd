// One `oltap run` over the four targets of the stack (PostgreSQL, MariaDB
// native, the warehouse over ODBC, Redis) with workloads/kv-cache.yaml:
// ONE result folder whose summary.csv holds every target's rows, a table
// with one column per target labelled by scheme (postgresql, mysql, odbc,
// redis) that `oltap report DIR` prints again; the same target twice is bad
// input (exit 2).
//
// Isolation: database oltap_it_multi_target on the PostgreSQL server,
// oltap_it_multi_target_wh on the warehouse's server, oltap_it_multi_target
// on MariaDB, and Redis database 8 (FLUSHDB), recreated before each case.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_multi_target";
const std::string kWarehouseDb = "oltap_it_multi_target_wh";
constexpr int kRedisDb = 8;
const std::string kScale = "0.02";  // 2000 keys
constexpr long long kTransactions = 200, kClients = 2;

std::string mysql_target() {
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  return "mysql://" + m.user + "@" + m.host + ":" + m.port + "/" + kDb;
}

std::string redis_target() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  return "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDb);
}

void reset_mariadb() {
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  CmdResult r = run_cmd({"mariadb", "--no-defaults", "-h", m.host, "-P", m.port, "-u", m.user, "-e",
                         "DROP DATABASE IF EXISTS " + kDb + "; CREATE DATABASE " + kDb});
  if (r.exit_code != 0) throw std::runtime_error("mariadb client failed: " + r.describe());
}

void reset_redis() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  redisContext* c = redisConnect(s.host.c_str(), std::stoi(s.port));
  if (!c || c->err) throw std::runtime_error("cannot connect to Redis at " + s.host + ":" + s.port);
  for (const std::string& cmd : {"SELECT " + std::to_string(kRedisDb), std::string("FLUSHDB")}) {
    auto* r = static_cast<redisReply*>(redisCommand(c, cmd.c_str()));
    bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (r) freeReplyObject(r);
    if (!ok) {
      redisFree(c);
      throw std::runtime_error("redis: " + cmd + " failed");
    }
  }
  redisFree(c);
}

// The lines of text, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string c; in >> c;) out.push_back(c);
  return out;
}

// The side-by-side table in a command's output: from its header line
// ("group  txn  metric  ...") to its last legend line ("label = target").
std::vector<std::string> side_by_side_of(const std::string& out) {
  auto ls = lines_of(out);
  size_t i = 0;
  while (i < ls.size() && !(ls[i].rfind("group", 0) == 0 && contains(ls[i], " metric "))) ++i;
  std::vector<std::string> table;
  for (; i < ls.size() && !ls[i].empty() && ls[i].rfind("results:", 0) != 0; ++i) table.push_back(ls[i]);
  return table;
}

class MultiTarget : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = make_scratch_db(kDb);
    reset_mariadb();
    warehouse_ = make_scratch_warehouse(kWarehouseDb);
    reset_redis();
    targets_ = {pg_, mysql_target(), warehouse_, redis_target()};
  }

  std::string pg_, warehouse_;
  std::vector<std::string> targets_;  // in --target order
  TempDir dir_;
};

TEST_F(MultiTarget, OneRunOverFourTargetsWritesOneFolderAndATableSideBySide) {
  for (const auto& t : targets_) {
    CmdResult load = oltap({"load", workload("kv-cache.yaml"), "--target", t, "--scale", kScale});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }
  std::vector<std::string> args = {"run",       workload("kv-cache.yaml"), "--scale",
                                   kScale,      "--transactions",          std::to_string(kTransactions),
                                   "--clients", std::to_string(kClients)};
  for (const auto& t : targets_) {
    args.push_back("--target");
    args.push_back(t);
  }
  CmdResult run = oltap(args, RunOptions().in(dir_.str()));
  ASSERT_EQ(run.exit_code, 0) << run.describe();

  // ONE result folder, holding the three files.
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(dir_ / "results")) folders.push_back(e.path());
  ASSERT_EQ(folders.size(), 1u) << run.describe();
  const fs::path folder = folders.front();
  for (const char* f : {"summary.csv", "timeseries.csv", "meta.json"})
    EXPECT_TRUE(fs::exists(folder / f)) << f;

  // summary.csv: get, set and ALL for every target, in --target order.
  Csv summary = read_csv(folder / "summary.csv");
  const std::vector<std::string> engines = {"postgres", "mariadb", "odbc", "redis"};
  std::vector<std::string> csv_targets;  // as summary.csv names them (redacted)
  std::map<std::string, std::set<std::string>> txns;
  for (auto& row : summary.records()) {
    if (csv_targets.empty() || csv_targets.back() != row["target"]) csv_targets.push_back(row["target"]);
    size_t i = csv_targets.size() - 1;
    ASSERT_LT(i, engines.size()) << "more targets than given in summary.csv: " << row["target"];
    EXPECT_EQ(row["engine"], engines[i]) << row["target"];
    EXPECT_EQ(row["errors"], "0") << row["target"] << " " << row["txn"];
    EXPECT_EQ(row["group"], "default");
    txns[row["target"]].insert(row["txn"]);
    if (row["txn"] == "ALL") {
      EXPECT_EQ(row["committed"], std::to_string(kTransactions * kClients)) << row["target"];
    }
  }
  ASSERT_EQ(csv_targets.size(), 4u) << read_file(folder / "summary.csv");
  EXPECT_EQ(summary.rows.size(), 12u);
  for (const auto& [t, set] : txns) EXPECT_EQ(set, (std::set<std::string>{"get", "set", "ALL"})) << t;
  EXPECT_EQ(csv_targets[0], targets_[0]);
  EXPECT_EQ(csv_targets[1], targets_[1]);
  EXPECT_EQ(csv_targets[3], targets_[3]);
  EXPECT_TRUE(contains(csv_targets[2], "Database=" + kWarehouseDb)) << csv_targets[2];

  // The table side by side: one column per target, labelled by scheme, and
  // a legend naming each target as summary.csv does.
  auto table = side_by_side_of(run.out);
  ASSERT_EQ(table.size(), 1u + 3u * 5u + 4u) << run.describe();
  EXPECT_EQ(cells(table[0]),
            (std::vector<std::string>{"group", "txn", "metric", "postgresql", "mysql", "odbc", "redis"}))
      << run.describe();
  const std::vector<std::string> labels = {"postgresql", "mysql", "odbc", "redis"};
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(table[16 + i], labels[i] + " = " + csv_targets[i]);
  std::vector<std::string> blocks;
  for (size_t i = 1; i < 16; i += 5) {
    auto c = cells(table[i]);
    ASSERT_EQ(c.size(), 3u + 4u) << table[i];
    blocks.push_back(c[0] + "/" + c[1]);
    EXPECT_EQ(c[2], "tps");
    auto errors = cells(table[i + 4]);
    EXPECT_EQ(errors, (std::vector<std::string>{"errors", "0", "0", "0", "0"}));
  }
  EXPECT_EQ(blocks, (std::vector<std::string>{"default/get", "default/set", "default/ALL"}));

  // `oltap report DIR` shows the same table, cell for cell.
  CmdResult report = oltap({"report", folder.string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  auto again = side_by_side_of(report.out);
  ASSERT_EQ(again.size(), table.size()) << report.describe();
  for (size_t i = 0; i < table.size(); ++i)
    EXPECT_EQ(again[i], table[i]) << "line " << i << " of the side-by-side table";
  EXPECT_TRUE(contains(report.out, "kv-cache")) << report.describe();
}

TEST_F(MultiTarget, TheSameTargetTwiceIsBadInput) {
  CmdResult r = oltap({"run", workload("kv-cache.yaml"), "--target", pg_, "--target", redis_target(),
                       "--target", pg_, "--transactions", "1"},
                      RunOptions().in(dir_.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "twice")) << r.describe();
  EXPECT_FALSE(fs::exists(dir_ / "results")) << "nothing is written: " << r.describe();

  r = oltap({"run", workload("kv-cache.yaml"), "--target", warehouse_, "--target", warehouse_,
             "--transactions", "1"},
            RunOptions().in(dir_.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_FALSE(fs::exists(dir_ / "results")) << r.describe();
}

}  // namespace
}  // namespace oltap_it
