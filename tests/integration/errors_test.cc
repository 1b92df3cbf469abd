// Exit codes of the contract (DESIGN.md) as a user meets them: bad input is
// 2, an unreachable or refusing target is 3, an interrupted run is 130 with
// its partial results kept and marked incomplete; passwords never show.
//
// The wrong-password case needs a role that must authenticate: scripts/stack.sh
// puts `host all oltap_pw 127.0.0.1/32 scram-sha-256` before its trust line in
// pg_hba.conf, and this file creates role oltap_pw with password
// 'oltap-right-pw' itself.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "harness.h"

using namespace oltap_it;

namespace {

#define EXPECT_NO_FILE_CONTAINS(dir, secret) \
  EXPECT_EQ(files_containing(dir, secret), std::vector<std::string>{}) << "files containing the password"

const char* kRole = "oltap_pw";
const char* kRightPassword = "oltap-right-pw";

class Errors : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_errors");
    uri_ = uri;
    port_ = parse_pg_uri(uri_).port;
  }

  void load(const std::string& file = "pgbench-tpcb.yaml") {
    CmdResult r = oltap({"load", workload(file), "--target", uri_, "--jobs", "2"});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }

  // URI of the scratch database on the stack's server as user/password.
  std::string uri_as(const std::string& user, const std::string& password) const {
    PgUri u = parse_pg_uri(uri_);
    u.user = user;
    u.password = password;
    return u.str();
  }

  // role oltap_pw, password oltap-right-pw (SCRAM), allowed to read the pgbench tables
  // Whether the server asks oltap_pw for its password over TCP (the pg_hba
  // line of scripts/stack.sh); with trust, any password would do.
  bool password_required() {
    PgUri u = parse_pg_uri(uri_);
    u.user = kRole;
    u.password = "surely-not-the-password";
    try {
      sql_value(u.str(), "SELECT 1");
      return false;
    } catch (const std::exception&) {
      return true;
    }
  }

  std::string uri_;
  std::string port_;
};

// ------------------------------------------------------------ exit 2

TEST_F(Errors, ValidateBrokenWorkloadExits2WithFileLineCol) {
  TempDir dir;
  fs::path file = dir / "broken.yaml";
  write_file(file,
             "name: broken\n"
             "scale: 1\n"
             "transactionz:\n"
             "  - name: t\n"
             "    steps:\n"
             "      - sql: SELECT 1\n");
  CmdResult r = oltap({"validate", file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, file.string() + ":3:1:")) << "expected " << file.string() << ":3:1: in\n"
                                                        << r.describe();
  EXPECT_TRUE(contains(r.err, "transactionz")) << r.describe();

  // the repo's workloads are valid
  CmdResult ok = oltap({"validate", workload("pgbench-tpcb.yaml"), workload("pgbench-select.yaml")});
  EXPECT_EQ(ok.exit_code, 0) << ok.describe();

  // run and load refuse the broken file the same way, before touching the target
  CmdResult run = oltap({"run", file.string(), "--target", uri_, "--duration", "1s", "--warmup", "0s",
                         "--out", (dir / "out").string()});
  EXPECT_EQ(run.exit_code, 2) << run.describe();
  EXPECT_TRUE(contains(run.err, file.string() + ":3:1:")) << run.describe();
  CmdResult load = oltap({"load", file.string(), "--target", uri_});
  EXPECT_EQ(load.exit_code, 2) << load.describe();
}

TEST_F(Errors, MalformedTargetUrisExit2) {
  TempDir dir;
  int i = 0;
  const std::vector<std::string> targets = {
      "postgresql//x", "nosuch://h/db", "postgresql://oltap@127.0.0.1:99999/oltap",
      "postgresql://oltap:hidden-pw-2@127.0.0.1:99999/oltap", "postgresql://oltap@127.0.0.1:notaport/oltap"};
  for (const std::string& target : targets) {
    CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", target, "--duration", "1s",
                         "--warmup", "0s", "--out", (dir / ("out" + std::to_string(i++))).string()});
    EXPECT_EQ(r.exit_code, 2) << target << "\n" << r.describe();
    EXPECT_FALSE(r.err.empty()) << target;
    EXPECT_FALSE(contains(r.err + r.out, "hidden-pw-2")) << "password shown:\n" << r.describe();
  }
  CmdResult bad_duration =
      oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--duration", "banana"});
  EXPECT_EQ(bad_duration.exit_code, 2) << bad_duration.describe();
  CmdResult no_target = oltap({"run", workload("pgbench-select.yaml")});
  EXPECT_EQ(no_target.exit_code, 2) << no_target.describe();
}

// ------------------------------------------------------------ exit 3

TEST_F(Errors, ClosedPortExits3NamingTheTarget) {
  TempDir dir;
  CmdResult r = oltap(
      {"run", workload("pgbench-select.yaml"), "--target", "postgresql://oltap:hidden-pw-1@127.0.0.1:1/oltap",
       "--duration", "1s", "--warmup", "0s", "--out", (dir / "out").string()},
      RunOptions().timeout(60));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "127.0.0.1:1")) << "the message does not name the target:\n" << r.describe();
  EXPECT_FALSE(contains(r.err + r.out, "hidden-pw-1")) << "password shown:\n" << r.describe();
  EXPECT_NO_FILE_CONTAINS(dir / "out", "hidden-pw-1");

  CmdResult l =
      oltap({"load", workload("pgbench-select.yaml"), "--target", "postgresql://oltap@127.0.0.1:1/oltap"},
            RunOptions().timeout(60));
  EXPECT_EQ(l.exit_code, 3) << l.describe();
  EXPECT_TRUE(contains(l.err, "127.0.0.1:1")) << l.describe();
}

TEST_F(Errors, WrongPasswordExits3WithoutShowingIt) {
  ASSERT_NO_FATAL_FAILURE(load("pgbench-select.yaml"));
  ensure_password_role(uri_);
  ASSERT_TRUE(password_required())
      << "role oltap_pw can log in over 127.0.0.1 with any password: pg_hba.conf lacks the line\n"
         "  host all oltap_pw 127.0.0.1/32 scram-sha-256\nbefore its trust line; run scripts/stack.sh up";
  sql_exec(uri_, "GRANT SELECT ON ALL TABLES IN SCHEMA public TO oltap_pw");

  TempDir dir;
  const std::string wrong = "Wr0ng-pass-7731";
  CmdResult r =
      oltap({"run", workload("pgbench-select.yaml"), "--target", uri_as(kRole, wrong), "--transactions", "5",
             "--clients", "1", "--warmup", "0s", "--out", (dir / "wrong").string()},
            RunOptions().timeout(60));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_FALSE(contains(r.out, wrong)) << "password on stdout:\n" << r.out;
  EXPECT_FALSE(contains(r.err, wrong)) << "password on stderr:\n" << r.err;
  EXPECT_TRUE(contains(r.err, "127.0.0.1:" + port_)) << "the message does not name the target:\n"
                                                     << r.describe();
  EXPECT_NO_FILE_CONTAINS(dir / "wrong", wrong);

  CmdResult l = oltap({"load", workload("pgbench-select.yaml"), "--target", uri_as(kRole, wrong)},
                      RunOptions().timeout(60));
  EXPECT_EQ(l.exit_code, 3) << l.describe();
  EXPECT_FALSE(contains(l.out + l.err, wrong)) << l.describe();

  // the right password, from the URI, works and is not written anywhere
  CmdResult ok =
      oltap({"run", workload("pgbench-select.yaml"), "--target", uri_as(kRole, kRightPassword),
             "--transactions", "5", "--clients", "1", "--warmup", "0s", "--out", (dir / "right").string()},
            RunOptions().timeout(60));
  EXPECT_EQ(ok.exit_code, 0) << ok.describe();
  EXPECT_FALSE(contains(ok.out + ok.err, kRightPassword)) << ok.describe();
  EXPECT_NO_FILE_CONTAINS(dir / "right", kRightPassword);

  // ... and from the environment (libpq's PGPASSWORD)
  CmdResult env =
      oltap({"run", workload("pgbench-select.yaml"), "--target", uri_as(kRole, ""), "--transactions", "5",
             "--clients", "1", "--warmup", "0s", "--out", (dir / "env").string()},
            RunOptions().timeout(60).setenv("PGPASSWORD", kRightPassword));
  EXPECT_EQ(env.exit_code, 0) << env.describe();
  EXPECT_NO_FILE_CONTAINS(dir / "env", kRightPassword);
}

// ------------------------------------------------------------ SQLSTATE

// PostgreSQL's errors carry their SQLSTATE as ODBC's do ("SQLSTATE 42P01:
// ..."): on the prepare path (exit 2) and for a statement failing during the
// run, on stderr and in meta.json's sample errors (exit 4).
TEST_F(Errors, PostgresErrorsShowTheirSqlstate) {
  TempDir dir;
  write_file(dir / "missing.yaml",
             "name: missing\n"
             "transactions:\n"
             "  - name: t\n"
             "    steps:\n"
             "      - sql: SELECT * FROM errors_test_no_such_table\n");
  CmdResult p = oltap({"run", (dir / "missing.yaml").string(), "--target", uri_, "--transactions", "1",
                       "--clients", "1", "--out", (dir / "p").string()});
  EXPECT_EQ(p.exit_code, 2) << p.describe();
  EXPECT_TRUE(contains(p.err, "SQLSTATE 42P01: ")) << p.describe();

  write_file(dir / "divide.yaml",
             "name: divide\n"
             "parameters:\n"
             "  x: {uniform: [1, 10]}\n"
             "transactions:\n"
             "  - name: t\n"
             "    steps:\n"
             "      - sql: SELECT 1 / (CAST(:x AS int) - CAST(:x AS int))\n");
  fs::path out = dir / "r";
  CmdResult r = oltap({"run", (dir / "divide.yaml").string(), "--target", uri_, "--transactions", "3",
                       "--clients", "1", "--warmup", "0s", "--out", out.string()});
  EXPECT_EQ(r.exit_code, 4) << r.describe();
  EXPECT_TRUE(contains(r.err, "SQLSTATE 22012: ")) << r.describe();
  ASSERT_TRUE(fs::is_regular_file(out / "meta.json")) << r.describe();
  EXPECT_TRUE(contains(read_file(out / "meta.json"), "SQLSTATE 22012: ")) << read_file(out / "meta.json");
}

// ------------------------------------------------------------ exit 130

TEST_F(Errors, SigintDuringRunExits130WithIncompleteResults) {
  ASSERT_NO_FATAL_FAILURE(load());
  long long history_before = sql_int(uri_, "SELECT count(*) FROM pgbench_history");
  TempDir dir;
  fs::path out = dir / "interrupted";
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", uri_, "--duration", "30s",
                       "--warmup", "0s", "--clients", "2", "--out", out.string()},
                      RunOptions().timeout(45).sigint_after(2.0));
  ASSERT_FALSE(r.timed_out) << r.describe();
  EXPECT_EQ(r.exit_code, 130) << r.describe();
  EXPECT_GE(r.exited_after_signal_s, 0);
  EXPECT_LT(r.exited_after_signal_s, 5.0) << "took " << r.exited_after_signal_s << " s to stop after SIGINT";

  ASSERT_TRUE(fs::is_regular_file(out / "summary.csv")) << "no partial summary.csv\n" << r.describe();
  Csv summary = read_csv(out / "summary.csv");
  ASSERT_FALSE(summary.rows.empty());
  size_t incomplete = summary.col("incomplete");  // throws (fails) if the column is missing
  for (const auto& row : summary.rows) EXPECT_EQ(row.at(incomplete), "true") << write_csv(summary);
  auto all = summary_all_row(summary);
  long long committed = std::stoll(all.at("committed"));
  EXPECT_GT(committed, 0);
  // partial, but exact: what it reports is what the database committed
  long long history_added = sql_int(uri_, "SELECT count(*) FROM pgbench_history") - history_before;
  EXPECT_EQ(committed, history_added)
      << "interrupted run reports " << committed << " committed, pgbench_history grew by " << history_added;
  // the measured time is the ~2 s it ran, not the 30 s asked for
  EXPECT_LT(std::stod(all.at("duration_s")), 10.0);
  EXPECT_GT(std::stod(all.at("duration_s")), 0.5);

  ASSERT_TRUE(fs::is_regular_file(out / "meta.json")) << r.describe();
  auto meta = nlohmann::json::parse(read_file(out / "meta.json"));
  ASSERT_TRUE(meta.contains("incomplete")) << meta.dump(2);
  EXPECT_EQ(meta["incomplete"], true) << meta.dump(2);

  EXPECT_EQ(entries_named(dir.path(), ".tmp"), std::vector<std::string>{}) << "temporary files left";
}

}  // namespace
