// PostgreSQL and MariaDB servers of a test's own (harness.h): made in a
// temporary folder, on a port the test chose, so a test may crash and
// restart them while the stack's servers serve every other test.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <stdexcept>
#include <thread>

#include "harness.h"

extern char** environ;

namespace oltap_it {
namespace {

constexpr const char* kPgBin = "/usr/lib/postgresql/15/bin/";

bool root() { return geteuid() == 0; }

// argv run as the OS user `user` when we are root (PostgreSQL refuses to
// run as root; mariadbd is told its user instead).
std::vector<std::string> as_user(const std::string& user, std::vector<std::string> argv) {
  if (!root()) return argv;
  argv.insert(argv.begin(), {"runuser", "-u", user, "--"});
  return argv;
}

// A folder under /tmp that the server's OS user may use.
fs::path server_dir(const std::string& kind, const std::string& user) {
  std::random_device rd;
  const fs::path p = fs::temp_directory_path() / ("oltap-own-" + kind + "-" + std::to_string(getpid()) + "-" +
                                                  std::to_string(rd() % 1000000));
  fs::create_directories(p);
  if (root()) {
    CmdResult c = run_cmd({"chown", user + ":", p.string()});
    if (c.exit_code != 0) throw std::runtime_error("chown " + p.string() + ": " + c.describe());
  }
  return p;
}

void must(const CmdResult& c, const std::string& what) {
  if (c.exit_code != 0) throw std::runtime_error(what + " failed: " + c.describe());
}

}  // namespace

OwnPostgres::OwnPostgres(int port) : port_(port), dir_(server_dir("pg", "postgres")) {
  must(run_cmd(as_user("postgres",
                       {std::string(kPgBin) + "initdb", "-D", (dir_ / "data").string(), "-U", "oltap", "-A",
                        "trust", "-E", "UTF8", "--locale", "C", "--no-sync", "--no-instructions"}),
               RunOptions().in("/")),
       "initdb");
  start();
}

OwnPostgres::~OwnPostgres() {
  pg_ctl({"-m", "immediate", "stop"});
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

CmdResult OwnPostgres::pg_ctl(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {std::string(kPgBin) + "pg_ctl", "-D", (dir_ / "data").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_cmd(as_user("postgres", argv), RunOptions().in("/").timeout(60));
}

void OwnPostgres::start() {
  // fsync off: a crash of the server (not of the machine) keeps what it wrote.
  const CmdResult c = pg_ctl({"-l", (dir_ / "log").string(), "-w", "-t", "30", "-s", "-o",
                              "-p " + std::to_string(port_) + " -k " + dir_.string() +
                                  " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=50",
                              "start"});
  if (c.exit_code != 0) {
    std::string log;
    if (fs::exists(dir_ / "log")) log = read_file(dir_ / "log");
    throw std::runtime_error("pg_ctl start failed: " + c.describe() + "; log: " + log);
  }
}

void OwnPostgres::stop_immediate() {
  must(pg_ctl({"-m", "immediate", "-w", "stop"}), "pg_ctl stop -m immediate");
}

OwnMariaDb::OwnMariaDb(int port) : port_(port), dir_(server_dir("mariadb", "mysql")) {
  must(run_cmd(
           as_user("mysql", {"mariadb-install-db", "--no-defaults", "--datadir=" + (dir_ / "data").string(),
                             "--auth-root-authentication-method=normal", "--skip-test-db"}),
           RunOptions().in("/").timeout(120)),
       "mariadb-install-db");
  start();
  const std::string out = run_cmd({"mariadb", "--no-defaults", "-h127.0.0.1", "-P", std::to_string(port_),
                                   "-uroot", "-e", "CREATE DATABASE IF NOT EXISTS oltap"})
                              .describe();
  if (sql("SELECT 1").find('1') == std::string::npos) throw std::runtime_error("own MariaDB: " + out);
}

OwnMariaDb::~OwnMariaDb() {
  kill();
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

void OwnMariaDb::start() {
  std::vector<std::string> argv = {"mariadbd",
                                   "--no-defaults",
                                   "--datadir=" + (dir_ / "data").string(),
                                   "--socket=" + (dir_ / "sock").string(),
                                   "--pid-file=" + (dir_ / "pid").string(),
                                   "--log-error=" + (dir_ / "log").string(),
                                   "--port=" + std::to_string(port_),
                                   "--bind-address=127.0.0.1",
                                   "--skip-name-resolve",
                                   "--innodb-buffer-pool-size=64M",
                                   "--innodb-log-file-size=48M",
                                   "--innodb-flush-log-at-trx-commit=2"};
  if (root()) argv.push_back("--user=mysql");
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "mariadbd", nullptr, nullptr, args.data(), environ) != 0)
    throw std::runtime_error("cannot start mariadbd");
  pid_ = pid;
  for (int i = 0; i < 300; ++i) {
    CmdResult c = run_cmd({"mariadb", "--no-defaults", "-h127.0.0.1", "-P", std::to_string(port_), "-uroot",
                           "-N", "-e", "SELECT 1"});
    if (c.exit_code == 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  kill();
  throw std::runtime_error("own mariadbd on port " + std::to_string(port_) +
                           " did not come up: " + read_file(dir_ / "log"));
}

void OwnMariaDb::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

std::string OwnMariaDb::sql(const std::string& q) const {
  CmdResult c = run_cmd({"mariadb", "--no-defaults", "-h127.0.0.1", "-P", std::to_string(port_), "-uroot",
                         "-N", "-B", "oltap", "-e", q});
  must(c, "mariadb -e " + q);
  return c.out;
}

}  // namespace oltap_it
