// --statement-timeout (issue 14): on PostgreSQL (statement_timeout) and
// MariaDB (max_statement_time) a statement that runs longer fails as a
// time-out, counted in err_timeout, its transaction rolled back, and the
// same connections go on committing the other transactions (no reconnect);
// over ODBC (SQL_ATTR_QUERY_TIMEOUT, whole seconds) the same, with a
// statement slower than a second; Redis, which has no such thing, is
// refused before anything runs (exit 2).
//
// Isolation: database oltap_it_statement_timeout on each server.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "harness.h"

namespace oltap_it {
namespace {

// One transaction in four runs past the time-out; the others do not. On
// MariaDB a SLEEP() cut by max_statement_time through a prepared statement
// (the binary protocol oltap uses) returns 1 without an error, so its slow
// statement is a long scan of the sequence engine instead (seq + 1: a
// plain SUM(seq) is computed without a scan), which fails.
constexpr const char* kSleepy = R"(name: sleepy
transactions:
  - name: slow
    weight: 1
    steps:
      - sql:
          default: SELECT pg_sleep(0.4)
          mysql: SELECT SUM(seq + 1) FROM seq_1_to_100000000000
  - name: fast
    weight: 3
    steps:
      - sql: SELECT 1
)";

// ODBC's query time-out is in whole seconds: the slow statement takes 1.5 s.
constexpr const char* kSleepier = R"(name: sleepier
transactions:
  - name: slow
    weight: 1
    steps:
      - sql: SELECT pg_sleep(1.5)
  - name: fast
    weight: 3
    steps:
      - sql: SELECT 1
)";

class StatementTimeout : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(dir_ / "sleepy.yaml", kSleepy);
    write_file(dir_ / "sleepier.yaml", kSleepier);
  }

  CmdResult run(const std::string& target, const std::string& name, const std::string& timeout,
                const std::string& workload = "sleepy.yaml", const std::string& duration = "2s") {
    return oltap({"run", (dir_ / workload).string(), "--target", target, "--no-data-check", "--clients", "2",
                  "--warmup", "0s", "--duration", duration, "--statement-timeout", timeout,
                  "--max-error-rate", "100%", "--out", (dir_ / name).string()});
  }

  // why: what the server's message calls the time-out.
  void expect_timeouts_counted(const std::string& target, const std::string& name, const std::string& why,
                               bool whole_seconds = false) {
    SCOPED_TRACE(target);
    CmdResult r = whole_seconds ? run(target, name, "1s", "sleepier.yaml", "4s") : run(target, name, "100ms");
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    const Csv summary = read_csv(dir_ / name / "summary.csv");
    for (const auto& row : summary.records()) {
      if (row.at("stage") != "") continue;
      if (row.at("txn") == "slow") {
        EXPECT_EQ(row.at("committed"), "0") << "every slow one was cut";
        EXPECT_GT(std::stoll(row.at("errors")), 0);
        EXPECT_EQ(row.at("err_timeout"), row.at("errors"));
      } else if (row.at("txn") == "fast") {
        EXPECT_GT(std::stoll(row.at("committed")), 10);
        EXPECT_EQ(row.at("errors"), "0");
      }
      EXPECT_EQ(row.at("err_connection"), "0");
    }
    // The slow ones' time-outs came between the fast ones' commits, on the
    // connections the run began with.
    const auto meta = nlohmann::json::parse(read_file(dir_ / name / "meta.json"));
    EXPECT_EQ(meta["targets"][0]["reconnects"], 0);
    EXPECT_EQ(meta["targets"][0]["connection_failures"], 0);
    EXPECT_TRUE(contains(meta.dump(), why)) << "the sample errors say why: " << meta.dump();
  }

  TempDir dir_;
};

TEST_F(StatementTimeout, PostgresCountsTimeoutsAndKeepsTheConnections) {
  expect_timeouts_counted(make_scratch_db("oltap_it_statement_timeout"), "pg", "statement timeout");
}

TEST_F(StatementTimeout, MariaDbCountsTimeoutsAndKeepsTheConnections) {
  expect_timeouts_counted(make_scratch_mariadb("oltap_it_statement_timeout"), "my", "max_statement_time");
}

TEST_F(StatementTimeout, OdbcCountsTimeoutsAndKeepsTheConnections) {
  expect_timeouts_counted(make_scratch_warehouse("oltap_it_statement_timeout"), "odbc", "statement timeout",
                          true);
}

TEST_F(StatementTimeout, RedisIsRefused) {
  write_file(dir_ / "get.yaml", R"(name: get
transactions:
  - name: get
    steps:
      - redis: [GET, "k"]
)");
  CmdResult r =
      oltap({"run", (dir_ / "get.yaml").string(), "--target", stack_env("OLTAP_REDIS"), "--no-data-check",
             "--duration", "1s", "--statement-timeout", "1s", "--out", (dir_ / "redis").string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--statement-timeout")) << r.describe();
  EXPECT_TRUE(contains(r.err, "no statement time-out")) << r.describe();
  EXPECT_FALSE(fs::exists(dir_ / "redis")) << "refused before the folder is made";
}

TEST_F(StatementTimeout, AZeroTimeoutIsRefused) {
  CmdResult r = run(make_scratch_db("oltap_it_statement_timeout"), "zero", "0s");
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "--statement-timeout must be above 0")) << r.describe();
}

}  // namespace
}  // namespace oltap_it
