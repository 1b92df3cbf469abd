// The Redis driver as a user meets it, against the local stack's Redis
// (OLTAP_REDIS): `oltap load` writes one key per row and clears what a
// previous load left, `oltap run` sends exactly the commands it counts, with
// and without --pipeline, and multi-step transactions run as MULTI/EXEC.
//
// Isolation: this file works in Redis database 3 of the stack's server and
// empties it (FLUSHDB) before each case; no other test file uses database 3.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

using namespace oltap_it;

namespace {

constexpr int kDatabase = 3;

// host and port of OLTAP_REDIS (redis://host:port/db).
std::pair<std::string, int> redis_server() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  return {s.host, std::stoi(s.port)};
}

std::string redis_uri(int db) {
  auto [host, port] = redis_server();
  return "redis://" + host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

// A plain hiredis connection to database db, for setting up and checking.
class Redis {
 public:
  explicit Redis(int db) {
    auto [host, port] = redis_server();
    c_ = redisConnect(host.c_str(), port);
    if (!c_ || c_->err) throw std::runtime_error("cannot connect to Redis at " + host);
    cmd({"SELECT", std::to_string(db)});
  }
  ~Redis() { redisFree(c_); }
  // Runs a command; its reply as text (integers as digits, nil as "").
  std::string cmd(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(c_, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!r) throw std::runtime_error(std::string("redis: ") + c_->errstr);
    std::string out;
    if (r->type == REDIS_REPLY_INTEGER)
      out = std::to_string(r->integer);
    else if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
      out.assign(r->str, r->len);
    else if (r->type == REDIS_REPLY_ERROR)
      out = "ERROR " + std::string(r->str, r->len);
    freeReplyObject(r);
    return out;
  }
  long long num(const std::vector<std::string>& args) { return std::stoll(cmd(args)); }

 private:
  redisContext* c_ = nullptr;
};

// The calls of one command in INFO commandstats (server-wide, for deltas).
long long command_calls(Redis& r, const std::string& command) {
  std::string info = r.cmd({"INFO", "commandstats"});
  std::string field = "cmdstat_" + command + ":calls=";
  size_t p = info.find(field);
  return p == std::string::npos ? 0 : std::stoll(info.substr(p + field.size()));
}

class RedisWorkload : public ::testing::Test {
 protected:
  void SetUp() override {
    uri_ = redis_uri(kDatabase);
    redis_ = std::make_unique<Redis>(kDatabase);
    redis_->cmd({"FLUSHDB"});
  }

  CmdResult run(const std::string& file, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run",    file, "--target", uri_, "--out", (dir_ / "results").string(),
                                     "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return oltap(args);
  }

  std::map<std::string, std::string> summary() {
    return summary_all_row(read_csv(dir_ / "results" / "summary.csv"));
  }

  std::string uri_;
  std::unique_ptr<Redis> redis_;
  TempDir dir_;
};

// One INCR per transaction: the counter is the number of commands the server ran.
const char* kCounterWorkload = R"(name: redis-counter
parameters:
  n: {uniform: [1, 10]}
transactions:
  - name: incr
    steps:
      - redis: [INCR, "it:counter"]
run:
  clients: 2
  duration: 10s
)";

// A transfer of n from b to a as one MULTI/EXEC, the last step's reply bound.
const char* kTransferWorkload = R"(name: redis-transfer
parameters:
  n: {uniform: [1, 100]}
transactions:
  - name: transfer
    steps:
      - redis: [INCRBY, "it:a", "{n}"]
      - redis: [DECRBY, "it:b", "{n}"]
      - redis: [INCR, "it:transfers"]
        into: [queued]
run:
  clients: 2
  duration: 10s
)";

TEST_F(RedisWorkload, LoadWritesOneKeyPerRowAndClearsTheFamilyFirst) {
  redis_->cmd({"SET", "key:stale", "x"});  // left by an earlier load: cleared
  redis_->cmd({"SET", "other:1", "x"});    // not the workload's: kept
  CmdResult r = oltap({"load", workload("kv-cache.yaml"), "--target", uri_, "--scale", "0.1", "--jobs", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  // The rows, other:1 and the load's record (oltap:load).
  EXPECT_EQ(redis_->num({"DBSIZE"}), 10000 + 1 + 1);
  EXPECT_EQ(redis_->num({"HLEN", "oltap:load"}), 1);
  EXPECT_EQ(redis_->num({"EXISTS", "key:stale"}), 0);
  EXPECT_EQ(redis_->num({"EXISTS", "other:1"}), 1);
  EXPECT_EQ(redis_->num({"STRLEN", "key:1"}), 100);
  EXPECT_EQ(redis_->num({"STRLEN", "key:10000"}), 100);
  EXPECT_EQ(redis_->num({"EXISTS", "key:10001"}), 0);

  // Loading again gives the same keys, not more.
  r = oltap({"load", workload("kv-cache.yaml"), "--target", uri_, "--scale", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"DBSIZE"}), 10000 + 1 + 1);
}

TEST_F(RedisWorkload, LoadWritesAHashPerRowWithoutAValueColumn) {
  TempDir d;
  write_file(d / "users.yaml", R"(name: redis-users
data:
  - table: users
    rows: 500
    redis: {key: "user:{id}"}
    columns:
      id: {seq: 1}
      name: {string: [8, 8]}
      balance: {expr: id * 10}
transactions:
  - name: read
    steps:
      - redis: [HGETALL, "user:1"]
)");
  CmdResult r = oltap({"load", (d / "users.yaml").string(), "--target", uri_});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"DBSIZE"}), 500 + 1);  // and the load's record, oltap:load
  EXPECT_EQ(redis_->num({"HLEN", "user:42"}), 3);
  EXPECT_EQ(redis_->cmd({"HGET", "user:42", "balance"}), "420");
  EXPECT_EQ(redis_->cmd({"HGET", "user:42", "id"}), "42");
}

TEST_F(RedisWorkload, RunSendsExactlyTheCommandsItCounts) {
  TempDir d;
  write_file(d / "counter.yaml", kCounterWorkload);
  const long long before_multi = command_calls(*redis_, "multi");
  CmdResult r = run((d / "counter.yaml").string(), {"--transactions", "1000", "--clients", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"GET", "it:counter"}), 2000);
  auto all = summary();
  EXPECT_EQ(all["committed"], "2000");
  EXPECT_EQ(all["errors"], "0");
  EXPECT_EQ(all["engine"], "redis");
  // A one-command transaction is not wrapped in MULTI/EXEC. (Other files may
  // run MULTI on the same server meanwhile; they would only add calls.)
  EXPECT_LT(command_calls(*redis_, "multi") - before_multi, 2000);
}

TEST_F(RedisWorkload, KvCacheRunsItsMixWithoutErrors) {
  CmdResult r = oltap({"load", workload("kv-cache.yaml"), "--target", uri_, "--scale", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  r = run(workload("kv-cache.yaml"), {"--scale", "0.1", "--transactions", "2000", "--clients", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto rows = read_csv(dir_ / "results" / "summary.csv").records();
  long long gets = 0, sets = 0;
  for (auto& row : rows) {
    if (row["txn"] == "get") gets = std::stoll(row["committed"]);
    if (row["txn"] == "set") sets = std::stoll(row["committed"]);
    EXPECT_EQ(row["errors"], "0");
  }
  EXPECT_EQ(gets + sets, 4000);
  EXPECT_GT(gets, 4 * sets);                      // weights 9:1
  EXPECT_EQ(redis_->num({"DBSIZE"}), 10000 + 1);  // SET overwrote keys, made none (+1: oltap:load)
}

TEST_F(RedisWorkload, PipelineRunsAndCommitsEveryCommand) {
  TempDir d;
  write_file(d / "counter.yaml", kCounterWorkload);
  CmdResult r =
      run((d / "counter.yaml").string(), {"--transactions", "1600", "--clients", "2", "--pipeline", "16"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"GET", "it:counter"}), 3200);
  auto all = summary();
  EXPECT_EQ(all["committed"], "3200");
  EXPECT_EQ(all["errors"], "0");

  // kv-get over a duration, pipelined: commits, no errors.
  r = oltap({"load", workload("kv-get.yaml"), "--target", uri_, "--scale", "0.1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  r = run(workload("kv-get.yaml"),
          {"--scale", "0.1", "--duration", "1s", "--clients", "2", "--pipeline", "16"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  all = summary();
  EXPECT_GT(std::stoll(all["committed"]), 1000);
  EXPECT_EQ(all["errors"], "0");
}

TEST_F(RedisWorkload, SharedThreadsPollTheirClientsAndStopAtTheExactCount) {
  TempDir d;
  write_file(d / "counter.yaml", kCounterWorkload);
  // 5 clients on 2 threads; 37 per client is not a multiple of the pipeline,
  // so each client's last batch is cut short.
  CmdResult r = run((d / "counter.yaml").string(),
                    {"--transactions", "37", "--clients", "5", "--threads", "2", "--pipeline", "8"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"GET", "it:counter"}), 185);
  auto all = summary();
  EXPECT_EQ(all["committed"], "185");
  EXPECT_EQ(all["errors"], "0");

  // One command at a time per client, still sharing one thread.
  r = run((d / "counter.yaml").string(), {"--transactions", "50", "--clients", "4", "--threads", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(redis_->num({"GET", "it:counter"}), 185 + 200);
  EXPECT_EQ(summary()["committed"], "200");
}

TEST_F(RedisWorkload, SharedThreadsAreRefusedForSqlTargets) {
  // Nothing is loaded there, and the refusal of --threads is what is tested.
  CmdResult r = oltap({"run", workload("kv-get.yaml"), "--target", base_uri(), "--clients", "4", "--threads",
                       "2", "--transactions", "1", "--no-data-check"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--threads")) << r.describe();
}

TEST_F(RedisWorkload, MultiStepTransactionsRunAsMultiExec) {
  TempDir d;
  write_file(d / "transfer.yaml", kTransferWorkload);
  const long long before_exec = command_calls(*redis_, "exec");
  CmdResult r = run((d / "transfer.yaml").string(), {"--transactions", "300", "--clients", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto all = summary();
  EXPECT_EQ(all["committed"], "600");
  EXPECT_EQ(all["errors"], "0");
  EXPECT_EQ(redis_->num({"GET", "it:transfers"}), 600);
  long long a = redis_->num({"GET", "it:a"}), b = redis_->num({"GET", "it:b"});
  EXPECT_GT(a, 0);
  EXPECT_EQ(a + b, 0);
  EXPECT_GE(command_calls(*redis_, "exec") - before_exec, 600);
}

TEST_F(RedisWorkload, AnErrorReplyIsCountedWithItsMessage) {
  TempDir d;
  write_file(d / "wrongtype.yaml", R"(name: redis-wrongtype
parameters:
  n: {uniform: [1, 10]}
transactions:
  - name: push
    steps:
      - redis: [LPUSH, "it:string", "{n}"]
)");
  redis_->cmd({"SET", "it:string", "x"});
  CmdResult r = run((d / "wrongtype.yaml").string(), {"--transactions", "5", "--clients", "1"});
  EXPECT_EQ(r.exit_code, 4) << r.describe();
  EXPECT_TRUE(contains(r.err, "WRONGTYPE")) << r.describe();
  EXPECT_EQ(summary()["errors"], "5");
}

}  // namespace
