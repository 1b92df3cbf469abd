// No password is written, in any form (README, "Targets"): every way a
// password can be given (a URI's user:password@, ?password=, OLTAP_PASSWORD,
// an ODBC connection string's PWD=, Pwd=, Password= and a braced
// PWD={...;...}) on every command that takes a target, on the paths where
// the target works and where it fails, and then compare, gate, report and
// list over the folders written. Every byte oltap writes is searched: its
// stdout and stderr, and every file under the working folder (result folders
// included).
//
// Which forms connect and which are refused, on the local stack
// (scripts/stack.sh):
// - PostgreSQL trusts user oltap over 127.0.0.1: any password connects, so
//   S3cr3t-Xy9 goes through the whole run and its files. Role oltap_pw must
//   give its password (scram-sha-256, the pg_hba line scripts/stack.sh adds;
//   errors_test.cc creates it the same way): its real password
//   oltap-right-pw connects, S3cr3t-Xy9 is refused (the wrong-password path).
// - The warehouse (psqlODBC to the same PostgreSQL, user oltap) trusts too:
//   every ODBC form connects.
// - MariaDB's oltap has no password and Redis has no requirepass: a password
//   given to them is refused (exit 3), the failing path.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness.h"

using namespace oltap_it;

namespace {

// Parts of the passwords to look for: a leak of a part is a leak.
const std::vector<std::string> kNeedles = {"S3cr3t-Xy9", "3t-Xy9", "S3cr;3t", "oltap-right-pw"};
const char* kSecret = "S3cr3t-Xy9";
const char* kRole = "oltap_pw";
const char* kRolePassword = "oltap-right-pw";

const char* kWorkload =
    "name: secrets\n"
    "schema:\n"
    "  default: |\n"
    "    CREATE TABLE secrets_kv (k int NOT NULL, v int)\n"
    "data:\n"
    "  - table: secrets_kv\n"
    "    rows: 100\n"
    "    columns:\n"
    "      k: {seq: 1}\n"
    "      v: 0\n"
    "parameters:\n"
    "  k: {uniform: [1, 100]}\n"
    "transactions:\n"
    "  - name: get\n"
    "    steps:\n"
    "      - sql: SELECT v FROM secrets_kv WHERE k = :k\n";

struct Form {
  std::string name;
  std::string target;
  std::string env_password;  // OLTAP_PASSWORD, when not empty
  int want_exit;             // of load and run
};

class Secrets : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string pg = make_scratch_db("oltap_it_secrets");
    static const std::string pg_pw = make_scratch_db("oltap_it_secrets_pw");
    static const std::string wh = make_scratch_warehouse("oltap_it_secrets_wh");
    pg_ = pg;
    pg_pw_ = pg_pw;
    wh_ = wh;
    write_file(work_ / "secrets.yaml", kWorkload);
  }

  // The scratch database as user: oltap's, or oltap_pw's own for that role.
  std::string pg_as(const std::string& user, const std::string& password, const std::string& query = "") {
    PgUri u = parse_pg_uri(user == kRole ? pg_pw_ : pg_);
    u.user = user;
    u.password = password;
    return u.str() + query;
  }

  // Runs oltap in the working folder and checks that neither of its outputs
  // holds a password; returns the result.
  CmdResult run(const std::vector<std::string>& args, const std::string& env_password = "") {
    RunOptions o = RunOptions().in(work_.str()).timeout(90);
    if (!env_password.empty()) o.setenv("OLTAP_PASSWORD", env_password);
    CmdResult r = oltap(args, o);
    std::string what;
    for (const auto& a : args) what += a + " ";
    for (const auto& n : kNeedles) {
      EXPECT_FALSE(contains(r.out, n)) << "password part '" << n << "' on stdout of " << what << "\n"
                                       << r.out;
      EXPECT_FALSE(contains(r.err, n)) << "password part '" << n << "' on stderr of " << what << "\n"
                                       << r.err;
    }
    return r;
  }

  // No file under the working folder holds a password.
  void expect_no_file_holds_a_password() {
    for (const auto& n : kNeedles)
      EXPECT_EQ(files_containing(work_.path(), n), std::vector<std::string>{})
          << "files holding password part '" << n << "'";
  }

  void ensure_password_role() {
    oltap_it::ensure_password_role(pg_pw_);
    // oltap_pw loads into a database of its own, where it owns what it makes.
    sql_exec(pg_pw_, "ALTER DATABASE oltap_it_secrets_pw OWNER TO oltap_pw");
    sql_exec(pg_pw_, "ALTER SCHEMA public OWNER TO oltap_pw");
  }

  std::string pg_, pg_pw_, wh_;
  TempDir work_;
};

TEST_F(Secrets, NoPasswordFormIsWrittenByAnyCommand) {
  ensure_password_role();
  const std::string mysql = stack_env("OLTAP_MYSQL");
  const ServerAddress my = server_of(mysql);
  const ServerAddress rd = server_of(stack_env("OLTAP_REDIS"));
  const std::string my_host = my.host + ":" + my.port;
  const std::string rd_host = rd.host + ":" + rd.port;
  const std::vector<Form> forms = {
      // connect (trust: the password is sent and ignored)
      {"uri-userinfo", pg_as("oltap", kSecret), "", 0},
      {"uri-query", pg_as("oltap", "", "?password=" + std::string(kSecret)), "", 0},
      {"env", pg_as("oltap", ""), kSecret, 0},
      {"odbc-PWD", wh_ + ";PWD=" + kSecret, "", 0},
      {"odbc-Pwd", wh_ + ";Pwd=" + kSecret, "", 0},
      {"odbc-Password", wh_ + ";Password=" + kSecret, "", 0},
      {"odbc-braced", wh_ + ";PWD={S3cr;3t-Xy9}", "", 0},
      {"odbc-env", wh_, kSecret, 0},
      // connect: the server requires this one
      {"required", pg_as(kRole, kRolePassword), "", 0},
      {"required-env", pg_as(kRole, ""), kRolePassword, 0},
      // refused: wrong password, a password where none is set
      {"wrong", pg_as(kRole, kSecret), "", 3},
      {"wrong-query", pg_as(kRole, "", "?password=" + std::string(kSecret)), "", 3},
      {"mysql-userinfo", "mysql://oltap:" + std::string(kSecret) + "@" + my_host + "/oltap", "", 3},
      {"mysql-query", "mysql://oltap@" + my_host + "/oltap?password=" + kSecret, "", 3},
      {"mysql-env", "mysql://oltap@" + my_host + "/oltap", kSecret, 3},
      {"redis-userinfo", "redis://:" + std::string(kSecret) + "@" + rd_host + "/0", "", 3},
      {"redis-env", "redis://" + rd_host + "/0", kSecret, 3},
      // unreachable
      {"closed-port", "postgresql://oltap:" + std::string(kSecret) + "@127.0.0.1:1/oltap", "", 3},
      {"closed-port-odbc",
       "odbc:Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=1;Database=x;Uid=oltap;PWD={S3cr;3t-Xy9}", "",
       3},
      // bad input
      {"bad-scheme", "nosuch://oltap:" + std::string(kSecret) + "@127.0.0.1/oltap", "", 2},
      {"bad-port",
       "postgresql://oltap:" + std::string(kSecret) + "@127.0.0.1:notaport/oltap?password=" + kSecret, "", 2},
      {"no-driver", "odbc:Driver={No Such Driver};Server=h;Password=" + std::string(kSecret), "", 2},
  };
  std::vector<std::string> folders;
  for (const Form& f : forms) {
    SCOPED_TRACE(f.name);
    CmdResult v = run({"validate", "secrets.yaml"}, f.env_password);
    EXPECT_EQ(v.exit_code, 0) << v.describe();
    CmdResult l = run({"load", "secrets.yaml", "--target", f.target}, f.env_password);
    EXPECT_EQ(l.exit_code, f.want_exit) << l.describe();
    // the target given each way the command line takes it
    const std::string out = "out-" + f.name;
    CmdResult r = run({"run", "secrets.yaml", "--target", f.target, "--transactions", "20", "--clients", "1",
                       "--warmup", "0s", "--out", out},
                      f.env_password);
    EXPECT_EQ(r.exit_code, f.want_exit) << r.describe();
    CmdResult r2 = run({"run", "secrets.yaml", "--target=" + f.target, "--transactions", "5", "--clients",
                        "1", "--warmup", "0s", "--out", out + "-eq"},
                       f.env_password);
    EXPECT_EQ(r2.exit_code, f.want_exit) << r2.describe();
    CmdResult r3 = run({"run", "secrets.yaml", "-t", f.target, "--transactions", "5", "--clients", "1",
                        "--warmup", "0s", "--out", out + "-t"},
                       f.env_password);
    EXPECT_EQ(r3.exit_code, f.want_exit) << r3.describe();
    CmdResult r4 = run({"run", "secrets.yaml", "-t" + f.target, "--transactions", "5", "--clients", "1",
                        "--warmup", "0s", "--out", out + "-tstuck"},
                       f.env_password);
    EXPECT_EQ(r4.exit_code, f.want_exit) << r4.describe();
    if (f.want_exit == 0) {
      EXPECT_TRUE(fs::exists(work_ / out / "meta.json")) << r.describe();
      folders.push_back(out);
    }
  }
  ASSERT_GE(folders.size(), 2u);
  for (const auto& d : folders) {
    EXPECT_EQ(run({"report", d}).exit_code, 0);
    EXPECT_EQ(run({"compare", folders.front(), d}).exit_code, 0);
    CmdResult g = run({"gate", d, "--baseline", folders.front(), "--max-regression", "1000%"});
    EXPECT_TRUE(g.exit_code == 0 || g.exit_code == 1) << g.describe();
  }
  EXPECT_EQ(run({"list"}).exit_code, 0);
  expect_no_file_holds_a_password();
  // the search itself can find a password: the workload file holds none, so
  // one is written here and must be found
  write_file(work_ / "canary.txt", std::string("x") + kSecret + "x");
  EXPECT_EQ(files_containing(work_.path(), kSecret).size(), 1u);
}

}  // namespace
