// Shared helpers of the integration tests: they drive the real build/oltap
// binary (OLTAP_BIN) as a user would, against the real local PostgreSQL of
// scripts/stack.sh (OLTAP_POSTGRES), never a mock.
//
// Isolation: every test FILE works in its own database, oltap_it_<file>, on
// the server of OLTAP_POSTGRES; ctest serialises the tests of one file with a
// RESOURCE_LOCK (see tests/CMakeLists.txt), so files run in parallel safely.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace oltap_it {

namespace fs = std::filesystem;

// ------------------------------------------------------------ processes

struct CmdResult {
  int exit_code = -1;      // the exit status; 128+N when killed by signal N
  bool timed_out = false;  // killed (SIGKILL) after RunOptions::timeout_s
  double elapsed_s = 0;
  double exited_after_signal_s = -1;  // seconds from the SIGINT we sent to the exit
  std::string out;
  std::string err;
  // "exit 2; stdout: ...; stderr: ..." for assertion messages.
  std::string describe() const;
};

struct RunOptions {
  std::string cwd;             // empty: a scratch folder of this process
  double timeout_s = 120;      // SIGKILL after this long
  double sigint_after_s = -1;  // >= 0: send SIGINT this long after the start
  // extra environment of the command: {NAME, value}
  std::vector<std::pair<std::string, std::string>> env;

  // chainable setters: RunOptions().in(dir).timeout(45).sigint_after(2)
  RunOptions& in(const std::string& dir) {
    cwd = dir;
    return *this;
  }
  RunOptions& timeout(double s) {
    timeout_s = s;
    return *this;
  }
  RunOptions& sigint_after(double s) {
    sigint_after_s = s;
    return *this;
  }
  RunOptions& setenv(const std::string& name, const std::string& value) {
    env.emplace_back(name, value);
    return *this;
  }
};

// Runs argv[0] (a path, not looked up in PATH unless it has no '/') with
// stdin from /dev/null, capturing stdout and stderr separately.
CmdResult run_cmd(const std::vector<std::string>& argv, const RunOptions& opts = {});

// Runs the oltap binary under test with args.
CmdResult oltap(const std::vector<std::string>& args, const RunOptions& opts = {});

// Absolute path of a workload file of the repo, e.g. workload("pgbench-tpcb.yaml").
std::string workload(const std::string& file);

// ------------------------------------------------------------ files

// A fresh, empty temporary folder, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& p);
void write_file(const fs::path& p, const std::string& text);

// The regular files under dir (recursively; none when dir does not exist)
// whose content contains needle.
std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle);
// The entries under dir (recursively) whose file name contains part.
std::vector<std::string> entries_named(const fs::path& dir, const std::string& part);

// A CSV file: its header and its rows (RFC 4180 quoting).
struct Csv {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  // index of column name; throws when absent
  size_t col(const std::string& name) const;
  const std::string& at(size_t row, const std::string& name) const;
  std::vector<std::map<std::string, std::string>> records() const;
};
Csv parse_csv(const std::string& text);
Csv read_csv(const fs::path& p);
std::string write_csv(const Csv& csv);
// The row of summary.csv with txn == "ALL" (the only one: one target, one group).
std::map<std::string, std::string> summary_all_row(const Csv& summary);

// Loads workloads/pgbench-tpcb.yaml into target and runs it for 3 s with 4
// clients and no warm-up, from a temporary folder. Fails the test (and
// returns {}) unless both exit 0, the run commits over 100 transactions and
// has no error; otherwise returns the ALL row of its summary.csv.
std::map<std::string, std::string> load_and_run_tpcb(const std::string& target);

// ------------------------------------------------------------ PostgreSQL

// The parts of a postgresql:// URI.
struct PgUri {
  std::string user, password, host, port, db;
  std::string str() const;
};
PgUri parse_pg_uri(const std::string& uri);

// OLTAP_POSTGRES; throws (failing the test) with a hint to run through
// scripts/test.sh when it is not set.
std::string base_uri();

// Drops and recreates database `name` on the server of OLTAP_POSTGRES and
// returns its URI (the base URI with the database name swapped).
std::string make_scratch_db(const std::string& name);

// Runs sql (one statement or several, no parameters) on uri.
void sql_exec(const std::string& uri, const std::string& sql);
// First column of the first row of sql as text ("" for NULL).
std::string sql_value(const std::string& uri, const std::string& sql);
long long sql_int(const std::string& uri, const std::string& sql);
// Makes role oltap_pw with password oltap-right-pw (SCRAM), through uri: a
// role that must give its password, for the tests of passwords.
void ensure_password_role(const std::string& uri);

// ------------------------------------------------------------ other servers

// The value of a stack variable (OLTAP_MYSQL, OLTAP_REDIS, ...); throws
// (failing the test) with a hint to run through scripts/test.sh when unset.
std::string stack_env(const char* name);

// user, host and port of a scheme://[user[:password]@]host:port/... URI.
struct ServerAddress {
  std::string user, host, port;
};
ServerAddress server_of(const std::string& uri);

// Runs sql with the mariadb client on the server of OLTAP_MYSQL (in db when
// given); returns its output, tab-separated without a header. Throws on failure.
std::string mariadb_sql(const std::string& sql, const std::string& db = "");
// Drops and recreates database `name` on OLTAP_MYSQL's server; returns its
// mysql:// target URI.
std::string make_scratch_mariadb(const std::string& name);

// The value of key in an ODBC connection string ("" when absent).
std::string connection_string_entry(const std::string& s, const std::string& key);
// postgresql:// URI of database db on the warehouse's server (OLTAP_WAREHOUSE
// is a PostgreSQL reached over ODBC), for checks from the outside.
std::string warehouse_pg_uri(const std::string& db);
// Drops and recreates database `name` on the warehouse's server; returns
// OLTAP_WAREHOUSE pointed at it (its Database= swapped).
std::string make_scratch_warehouse(const std::string& name);

// ------------------------------------------------------------ misc

// Whether haystack contains needle.
// ------------------------------------------------------------ a server of a test's own

// A TCP port nothing listens on right now.
int free_port();
// The first port from `from` up to `to` that nothing listens on (a test's
// own servers stay in the range it was given); throws when none is free.
int free_port_in(int from, int to);

// A Redis server of the test's own (no persistence) on a free port, which
// the test may stop, resume or kill mid-run while the stack's Redis serves
// the other tests. Killed (and waited for) with the object.
class OwnRedis {
 public:
  OwnRedis();                   // throws when it does not come up
  explicit OwnRedis(int port);  // on that port
  ~OwnRedis();
  void start();  // again after kill(), on the same port; throws when it does not come up
  OwnRedis(const OwnRedis&) = delete;
  OwnRedis& operator=(const OwnRedis&) = delete;
  void signal(int sig) const;  // SIGSTOP, SIGCONT, ...
  void kill();                 // at once (SIGKILL), and waited for
  const std::string& port() const { return port_; }
  std::string target(int db = 0) const { return "redis://127.0.0.1:" + port_ + "/" + std::to_string(db); }

 private:
  std::string port_;
  int pid_ = -1;
};

// A PostgreSQL of the test's own (initdb into a temporary folder, run as
// the OS user postgres when we are root), on `port`, trusting local
// connections as user oltap. The test may stop it at once (pg_ctl stop -m
// immediate: a crash, recovered at the next start) and start it again.
// Stopped and removed with the object.
class OwnPostgres {
 public:
  explicit OwnPostgres(int port);  // throws when it does not come up
  ~OwnPostgres();
  OwnPostgres(const OwnPostgres&) = delete;
  OwnPostgres& operator=(const OwnPostgres&) = delete;
  void start();
  void stop_immediate();
  std::string uri() const { return "postgresql://oltap@127.0.0.1:" + std::to_string(port_) + "/postgres"; }

 private:
  CmdResult pg_ctl(const std::vector<std::string>& args) const;
  int port_;
  fs::path dir_;
};

// A MariaDB of the test's own (mariadb-install-db into a temporary folder;
// mariadbd as the OS user mysql when we are root) on `port`, with database
// oltap, reached as root without a password. kill() is kill -9.
class OwnMariaDb {
 public:
  explicit OwnMariaDb(int port);  // throws when it does not come up
  ~OwnMariaDb();
  OwnMariaDb(const OwnMariaDb&) = delete;
  OwnMariaDb& operator=(const OwnMariaDb&) = delete;
  void start();
  void kill();  // SIGKILL, and waited for
  std::string uri() const { return "mysql://root@127.0.0.1:" + std::to_string(port_) + "/oltap"; }
  // Runs sql with the mariadb client in database oltap; its output, tab-separated, no header.
  std::string sql(const std::string& sql) const;

 private:
  int port_;
  fs::path dir_;
  int pid_ = -1;
};

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace oltap_it
