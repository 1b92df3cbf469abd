// `oltap run` checks the data it finds before it measures anything: what
// `oltap load` recorded (its table oltap_load, its Redis hash oltap:load),
// else the rows of tables another tool made (the real `pgbench -i`). A run
// on data that was never loaded, half loaded, loaded at another scale or by
// another definition exits 2 with one line; without --scale it takes the
// loaded scale.
//
// Isolation: this file works in its own PostgreSQL database
// (oltap_it_data_check) and MariaDB database (oltap_it_data_check_my), and
// in Redis database 11 of the stack's server (FLUSHDB before use); each case
// sets up the data it needs.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness.h"

using namespace oltap_it;

namespace {

constexpr const char* kPgbenchBin = "/usr/lib/postgresql/15/bin/pgbench";
constexpr int kRedisDatabase = 11;

// The lines of text that start with "oltap: error:".
int error_lines(const std::string& text) {
  int n = 0;
  for (size_t p = text.find("oltap: error:"); p != std::string::npos; p = text.find("oltap: error:", p + 1))
    ++n;
  return n;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("no '" + from + "' in the text");
  return text.replace(at, from.size(), to);
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

class DataCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_data_check");
    uri_ = uri;
    // Each case starts from an empty database.
    sql_exec(uri_,
             "DROP TABLE IF EXISTS oltap_load, pgbench_accounts, pgbench_branches, pgbench_tellers, "
             "pgbench_history");
  }

  void load(const std::string& target, const std::string& scale,
            const std::string& file = "pgbench-tpcb.yaml") {
    CmdResult r = oltap({"load", file.find('/') == std::string::npos ? workload(file) : file, "--target",
                         target, "--scale", scale, "--jobs", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // A short run; extra arguments after the usual ones.
  CmdResult run(const std::string& target, const std::vector<std::string>& extra = {},
                const std::string& file = "pgbench-tpcb.yaml") {
    out_ = dir_ / ("run" + std::to_string(++runs_));
    std::vector<std::string> args = {"run",
                                     file.find('/') == std::string::npos ? workload(file) : file,
                                     "--target",
                                     target,
                                     "--clients",
                                     "2",
                                     "--transactions",
                                     "20",
                                     "--out",
                                     out_.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return oltap(args);
  }

  // `pgbench -i` against the scratch database, as a user of both tools does.
  void pgbench_init(const std::string& scale) {
    PgUri u = parse_pg_uri(uri_);
    RunOptions o;
    if (!u.password.empty()) o.setenv("PGPASSWORD", u.password);
    CmdResult r =
        run_cmd({kPgbenchBin, "-i", "-q", "-s", scale, "-h", u.host, "-p", u.port, "-U", u.user, u.db}, o);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // A refused run: exit 2, one error line, and nothing measured or written.
  void expect_refused(const CmdResult& r, const std::vector<std::string>& says) {
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_EQ(error_lines(r.err), 1) << r.describe();
    for (const auto& s : says)
      EXPECT_TRUE(contains(r.err, s)) << "expected '" << s << "' in: " << r.describe();
    EXPECT_FALSE(fs::exists(out_)) << "a refused run wrote " << out_;
  }

  nlohmann::json meta() const { return nlohmann::json::parse(read_file(out_ / "meta.json")); }

  std::string uri_;
  TempDir dir_;
  fs::path out_;
  int runs_ = 0;
};

TEST_F(DataCheck, LoadedAtScale1RunAtScale10ExitsTwoNamingBoth) {
  ASSERT_NO_FATAL_FAILURE(load(uri_, "1"));
  CmdResult r = run(uri_, {"--scale", "10"});
  expect_refused(r, {uri_, "loaded at scale 1", "pgbench-tpcb", "asks for scale 10", "--scale 1"});
}

TEST_F(DataCheck, LoadRecordsWhatItLoaded) {
  ASSERT_NO_FATAL_FAILURE(load(uri_, "2"));
  const std::string rec =
      sql_value(uri_, "SELECT record FROM oltap_load WHERE table_name = 'pgbench_accounts'");
  EXPECT_TRUE(contains(rec, "workload=pgbench-tpcb;status=complete;scale=2;seed=1;rows=200000;")) << rec;
  EXPECT_TRUE(contains(rec, "finished=20")) << rec;
  // The table without data (history) has no record; the three with data do.
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM oltap_load"), 3);
}

TEST_F(DataCheck, RunWithoutScaleTakesTheLoadedOne) {
  ASSERT_NO_FATAL_FAILURE(load(uri_, "2"));
  CmdResult r = run(uri_);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(first_line(r.err), "data at scale 2, from oltap's load record (pgbench-tpcb"))
      << r.err;
  EXPECT_EQ(meta().at("settings").at("scale").get<double>(), 2) << read_file(out_ / "meta.json");
}

TEST_F(DataCheck, RunAfterAnInterruptedLoadExitsTwo) {
  // Big enough to be still loading when SIGINT arrives.
  CmdResult l =
      oltap({"load", workload("pgbench-tpcb.yaml"), "--target", uri_, "--scale", "100", "--jobs", "1"},
            RunOptions().sigint_after(1.5));
  ASSERT_NE(l.exit_code, 0) << "the load finished before SIGINT: " << l.describe();
  EXPECT_TRUE(contains(sql_value(uri_, "SELECT record FROM oltap_load WHERE table_name = 'pgbench_accounts'"),
                       "status=loading"));
  CmdResult r = run(uri_);
  expect_refused(r, {uri_, "the load of pgbench-tpcb at scale 100", "did not finish"});
}

TEST_F(DataCheck, NothingLoadedExitsTwo) {
  CmdResult r = run(uri_);
  expect_refused(r, {uri_, "nothing loaded", "does not exist"});
}

TEST_F(DataCheck, TablesFromPgbenchInitRun) {
  ASSERT_NO_FATAL_FAILURE(pgbench_init("2"));
  CmdResult r = run(uri_);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(first_line(r.err), "data at scale 2, from the tables' row counts")) << r.err;
  EXPECT_EQ(meta().at("settings").at("scale").get<double>(), 2);
  // pgbench's own scale, given: runs; another: refused, naming the tables' scale.
  r = run(uri_, {"--scale", "2"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  r = run(uri_, {"--scale", "1"});
  expect_refused(r, {"pgbench_branches", "holds 2 rows", "--scale 2"});
}

TEST_F(DataCheck, TablesRemadeByAnotherToolAfterTheLoadAreNoticed) {
  ASSERT_NO_FATAL_FAILURE(load(uri_, "1"));
  ASSERT_NO_FATAL_FAILURE(pgbench_init("2"));  // oltap_load still says scale 1
  CmdResult r = run(uri_);
  expect_refused(r, {"pgbench_branches holds 2 rows", "says 1 were loaded", "changed since"});
  sql_exec(uri_, "DROP TABLE pgbench_accounts");
  r = run(uri_);
  expect_refused(r, {"nothing loaded", "pgbench_accounts does not exist"});
}

TEST_F(DataCheck, TablesFromPgbenchWithRowsDeletedExitTwo) {
  ASSERT_NO_FATAL_FAILURE(pgbench_init("1"));
  sql_exec(uri_, "DELETE FROM pgbench_accounts WHERE aid > 90000");
  CmdResult r = run(uri_);
  expect_refused(r, {"pgbench_accounts", "holds 90000 rows", "makes 100000 at scale 1"});
}

TEST_F(DataCheck, NoDataCheckSkipsIt) {
  CmdResult r = run(uri_, {"--no-data-check"}, "pgbench-select.yaml");
  // Nothing is loaded: without the check the run goes on to prepare its
  // statement, which the server refuses.
  EXPECT_FALSE(contains(r.err, "nothing loaded")) << r.describe();
  EXPECT_TRUE(contains(r.err, "relation \"pgbench_accounts\" does not exist")) << r.describe();
  ASSERT_NO_FATAL_FAILURE(load(uri_, "1"));
  r = run(uri_, {"--scale", "10", "--no-data-check"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(meta().at("settings").at("scale").get<double>(), 10);
}

TEST_F(DataCheck, AnotherWorkloadOnTheSameDataRunsAnotherDefinitionDoesNot) {
  ASSERT_NO_FATAL_FAILURE(load(uri_, "1"));
  // pgbench-select runs on pgbench-tpcb's tables: the same data definition.
  CmdResult r = run(uri_, {}, "pgbench-select.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  // Editing what a run does (its run: section, its transactions) keeps the load good...
  std::string text = read_file(workload("pgbench-tpcb.yaml"));
  std::string edited = replaced(replaced(text, "  duration: 30s", "  duration: 10s"),
                                "delta: {uniform: [-5000, 5000]}", "delta: {uniform: [-50, 50]}");
  write_file(dir_ / "edited-run.yaml", edited);
  r = run(uri_, {}, (dir_ / "edited-run.yaml").string());
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  // ...editing what makes a table's rows does not.
  edited = replaced(text, "      abalance: 0", "      abalance: 7");
  write_file(dir_ / "edited-data.yaml", edited);
  r = run(uri_, {}, (dir_ / "edited-data.yaml").string());
  expect_refused(r, {"pgbench_accounts was loaded by pgbench-tpcb", "another definition"});
}

TEST_F(DataCheck, MariaDbScaleMismatchExitsTwo) {
  const std::string my = make_scratch_mariadb("oltap_it_data_check_my");
  ASSERT_NO_FATAL_FAILURE(load(my, "1"));
  EXPECT_TRUE(contains(mariadb_sql("SELECT record FROM oltap_load WHERE table_name = 'pgbench_branches'",
                                   "oltap_it_data_check_my"),
                       "status=complete;scale=1;"));
  CmdResult r = run(my, {"--scale", "10"});
  expect_refused(r, {"loaded at scale 1", "asks for scale 10"});
  r = run(my);
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(meta().at("settings").at("scale").get<double>(), 1);
}

TEST_F(DataCheck, RedisScaleMismatchAndNothingLoadedExitTwo) {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  const std::string redis = "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDatabase);
  CmdResult f =
      run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", std::to_string(kRedisDatabase), "FLUSHDB"});
  ASSERT_EQ(f.exit_code, 0) << f.describe();
  CmdResult r = run(redis, {}, "kv-get.yaml");
  expect_refused(r, {redis, "no load record", "0 keys"});
  ASSERT_NO_FATAL_FAILURE(load(redis, "1", "kv-get.yaml"));
  r = run(redis, {"--scale", "10"}, "kv-get.yaml");
  expect_refused(r, {"loaded at scale 1", "asks for scale 10"});
  r = run(redis, {}, "kv-get.yaml");
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  // A second load clears the workload's keys (SCAN + UNLINK) but not the record.
  ASSERT_NO_FATAL_FAILURE(load(redis, "2", "kv-get.yaml"));
  CmdResult h = run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", std::to_string(kRedisDatabase),
                         "HGET", "oltap:load", "kv"});
  EXPECT_TRUE(contains(h.out, "status=complete;scale=2;")) << h.describe();
}

}  // namespace
