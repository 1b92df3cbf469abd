// How the ODBC driver fails, seen from the CLI against the real MariaDB of
// the local stack (OLTAP_MYSQL): a wrong password and a closed port exit 3
// without showing the password, a driver that is not installed exits 2 and
// lists the installed ones, and a bad statement fails at prepare, before the
// run, with exit 2 and its SQLSTATE. Database: oltap_it_odbc_errors; user
// oltap_it_odbc_pw (made here, with a password).
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_odbc_errors";
const std::string kUser = "oltap_it_odbc_pw";
const std::string kPassword = "Right-Pass-4711";
const std::string kWrongPassword = "Wrong-Pass-0815";

ServerAddress my_server() { return server_of(stack_env("OLTAP_MYSQL")); }

std::string my_sql(const std::string& sql) { return mariadb_sql(sql); }

class OdbcErrors : public ::testing::Test {
 protected:
  void SetUp() override {
    my_sql("DROP DATABASE IF EXISTS " + kDb + "; CREATE DATABASE " + kDb + "; CREATE TABLE " + kDb +
           ".t (a int primary key)");
  }
  static std::string uri(const std::string& userinfo, const std::string& port = "") {
    ServerAddress m = my_server();
    return "mysql://" + userinfo + "@" + m.host + ":" + (port.empty() ? m.port : port) + "/" + kDb +
           "?driver=odbc";
  }
  static std::string uri() { return uri(my_server().user); }
};

TEST_F(OdbcErrors, WrongPasswordExits3WithoutShowingIt) {
  ServerAddress m = my_server();
  my_sql("DROP USER IF EXISTS '" + kUser + "'@'" + m.host + "'; CREATE USER '" + kUser + "'@'" + m.host +
         "' IDENTIFIED BY '" + kPassword + "'; GRANT ALL ON " + kDb + ".* TO '" + kUser + "'@'" + m.host +
         "'");
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri(kUser + ":" + kWrongPassword),
                       "--duration", "1s", "--warmup", "0s"},
                      RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "28000") || contains(r.err, "Access denied")) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, kWrongPassword)) << r.describe();
  EXPECT_TRUE(files_containing(dir.path(), kWrongPassword).empty());

  // The right password gets in: it was the password that was refused.
  CmdResult load = oltap({"load", workload("pgbench-select.yaml"), "--target", uri(kUser + ":" + kPassword)},
                         RunOptions().in(dir.str()));
  EXPECT_EQ(load.exit_code, 0) << load.describe();
  EXPECT_FALSE(contains(load.out + load.err, kPassword)) << load.describe();
}

TEST_F(OdbcErrors, ClosedPortExits3) {
  // Port 1 (tcpmux) is closed on the test machines.
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri(my_server().user, "1"),
                       "--duration", "1s", "--warmup", "0s"});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_TRUE(contains(r.err, "cannot connect to mysql://")) << r.describe();
}

TEST_F(OdbcErrors, UnknownDriverExits2AndListsTheInstalledDrivers) {
  CmdResult r =
      oltap({"run", workload("pgbench-select.yaml"), "--target",
             "odbc:Driver={No Such ODBC Driver 9};Server=127.0.0.1;Pwd=Secret-Pw-77", "--duration", "1s"});
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "No Such ODBC Driver 9")) << r.describe();
  EXPECT_TRUE(contains(r.err, "installed: ")) << r.describe();
  EXPECT_TRUE(contains(r.err, "MariaDB")) << r.describe();  // the stack's driver is among them
  EXPECT_FALSE(contains(r.out + r.err, "Secret-Pw-77")) << r.describe();
}

TEST_F(OdbcErrors, BadStatementFailsAtPrepareWithItsSqlstate) {
  TempDir dir;
  write_file(dir / "bad.yaml",
             "name: bad-sql\n"
             "schema:\n"
             "  default: CREATE TABLE t (a int primary key)\n"
             "parameters:\n"
             "  a: {uniform: [1, 10]}\n"
             "transactions:\n"
             "  - name: broken\n"
             "    steps:\n"
             "      - sql: SELEC a FROM t WHERE a = :a\n");
  CmdResult r =
      oltap({"run", (dir / "bad.yaml").string(), "--target", uri(), "--duration", "5s", "--warmup", "0s"},
            RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "SQLSTATE 42000")) << r.describe();
  EXPECT_TRUE(contains(r.err, "prepare")) << r.describe();
  EXPECT_LT(r.elapsed_s, 4) << "failed during the run, not at prepare: " << r.describe();
}

}  // namespace
}  // namespace oltap_it
