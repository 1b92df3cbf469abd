#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <pqxx/pqxx>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef OLTAP_BIN
#error "OLTAP_BIN must be defined (path of the oltap binary under test)"
#endif
#ifndef OLTAP_SOURCE_DIR
#error "OLTAP_SOURCE_DIR must be defined (the repo)"
#endif

extern char** environ;

namespace oltap_it {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// A scratch folder for this process (default cwd of commands), so that a
// command that writes into its cwd (results/...) never touches the repo.
const fs::path& process_scratch() {
  static TempDir dir;
  return dir.path();
}

}  // namespace

std::string CmdResult::describe() const {
  std::ostringstream s;
  s << "exit " << exit_code << (timed_out ? " (timed out)" : "") << " after " << elapsed_s
    << " s\n--- stdout ---\n"
    << out << "\n--- stderr ---\n"
    << err << "\n---";
  return s.str();
}

CmdResult run_cmd(const std::vector<std::string>& argv, const RunOptions& opts) {
  if (argv.empty()) throw std::invalid_argument("run_cmd: empty argv");
  std::string cwd = opts.cwd.empty() ? process_scratch().string() : opts.cwd;

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));

  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);

  auto t0 = Clock::now();
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // child: default signal dispositions (a parent may have ignored SIGINT),
    // nothing blocked, stdin from /dev/null
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (const auto& [name, value] : opts.env) setenv(name.c_str(), value.c_str(), 1);
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(out_pipe[1], 1);
    dup2(err_pipe[1], 2);
    if (chdir(cwd.c_str()) != 0) {
      dprintf(2, "harness: chdir %s: %s\n", cwd.c_str(), std::strerror(errno));
      _exit(127);
    }
    if (argv[0].find('/') == std::string::npos)
      execvp(cargv[0], cargv.data());
    else
      execv(cargv[0], cargv.data());
    dprintf(2, "harness: exec %s: %s\n", cargv[0], std::strerror(errno));
    _exit(127);
  }
  close(out_pipe[1]);
  close(err_pipe[1]);

  CmdResult r;
  struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  std::string* sinks[2] = {&r.out, &r.err};
  int open_fds = 2;
  bool sigint_sent = false;
  Clock::time_point sigint_at;
  bool killed = false;
  char buf[65536];
  while (open_fds > 0) {
    double now = seconds_since(t0);
    if (opts.sigint_after_s >= 0 && !sigint_sent && now >= opts.sigint_after_s) {
      kill(pid, SIGINT);
      sigint_sent = true;
      sigint_at = Clock::now();
    }
    if (!killed && now >= opts.timeout_s) {
      kill(pid, SIGKILL);
      killed = true;
      r.timed_out = true;
    }
    int wait_ms = 100;
    int rc = poll(fds, 2, wait_ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  // the pipes closed: the child exited (or closed them); reap it, still
  // honouring the timeout and the SIGINT
  int status = 0;
  for (;;) {
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    double now = seconds_since(t0);
    if (opts.sigint_after_s >= 0 && !sigint_sent && now >= opts.sigint_after_s) {
      kill(pid, SIGINT);
      sigint_sent = true;
      sigint_at = Clock::now();
    }
    if (!killed && now >= opts.timeout_s) {
      kill(pid, SIGKILL);
      killed = true;
      r.timed_out = true;
    }
    usleep(20000);
  }
  r.elapsed_s = seconds_since(t0);
  if (sigint_sent) r.exited_after_signal_s = seconds_since(sigint_at);
  if (WIFEXITED(status))
    r.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    r.exit_code = 128 + WTERMSIG(status);
  return r;
}

CmdResult oltap(const std::vector<std::string>& args, const RunOptions& opts) {
  std::vector<std::string> argv{OLTAP_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_cmd(argv, opts);
}

std::string workload(const std::string& file) {
  return (fs::path(OLTAP_SOURCE_DIR) / "workloads" / file).string();
}

// ------------------------------------------------------------ files

TempDir::TempDir() {
  std::random_device rd;
  fs::path base = fs::temp_directory_path();
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = base / ("oltap-it-" + std::to_string(getpid()) + "-" + std::to_string(rd() % 1000000));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder under " + base.string());
}

TempDir::~TempDir() {
  std::error_code ec;
  if (!path_.empty() && !std::getenv("OLTAP_IT_KEEP")) fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + p.string());
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + p.string());
}

std::vector<std::string> files_containing(const fs::path& dir, const std::string& needle) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && read_file(e.path()).find(needle) != std::string::npos)
      found.push_back(e.path().string());
  }
  return found;
}

std::vector<std::string> entries_named(const fs::path& dir, const std::string& part) {
  std::vector<std::string> found;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return found;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().find(part) != std::string::npos) found.push_back(e.path().string());
  }
  return found;
}

size_t Csv::col(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i;
  throw std::runtime_error("CSV has no column '" + name + "'");
}

const std::string& Csv::at(size_t row, const std::string& name) const {
  size_t c = col(name);
  if (row >= rows.size() || c >= rows[row].size())
    throw std::runtime_error("CSV row " + std::to_string(row) + " has no '" + name + "' cell");
  return rows[row][c];
}

std::vector<std::map<std::string, std::string>> Csv::records() const {
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& r : rows) {
    std::map<std::string, std::string> m;
    for (size_t i = 0; i < header.size() && i < r.size(); ++i) m[header[i]] = r[i];
    out.push_back(std::move(m));
  }
  return out;
}

Csv parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> lines;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cell += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(cell));
      cell.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !cell.empty()) {
        row.push_back(std::move(cell));
        lines.push_back(std::move(row));
      }
      row.clear();
      cell.clear();
      any = false;
    } else {
      cell += c;
      any = true;
    }
  }
  if (any || !cell.empty()) {
    row.push_back(std::move(cell));
    lines.push_back(std::move(row));
  }
  Csv csv;
  if (!lines.empty()) {
    csv.header = std::move(lines.front());
    csv.rows.assign(std::make_move_iterator(lines.begin() + 1), std::make_move_iterator(lines.end()));
  }
  return csv;
}

Csv read_csv(const fs::path& p) { return parse_csv(read_file(p)); }

std::string write_csv(const Csv& csv) {
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  std::string out;
  auto line = [&](const std::vector<std::string>& r) {
    for (size_t i = 0; i < r.size(); ++i) {
      if (i) out += ',';
      out += cell(r[i]);
    }
    out += '\n';
  };
  line(csv.header);
  for (const auto& r : csv.rows) line(r);
  return out;
}

std::map<std::string, std::string> summary_all_row(const Csv& summary) {
  std::vector<std::map<std::string, std::string>> all;
  for (auto& r : summary.records())
    if (r["txn"] == "ALL") all.push_back(r);
  if (all.size() != 1)
    throw std::runtime_error("summary.csv has " + std::to_string(all.size()) + " ALL rows, expected 1");
  return all.front();
}

std::map<std::string, std::string> load_and_run_tpcb(const std::string& target) {
  CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", target});
  EXPECT_EQ(load.exit_code, 0) << load.describe();
  if (load.exit_code != 0) return {};
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", target, "--warmup", "0s",
                       "--duration", "3s", "--clients", "4"},
                      RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto summaries = entries_named(dir.path() / "results", "summary.csv");
  EXPECT_EQ(summaries.size(), 1u) << r.describe();
  if (r.exit_code != 0 || summaries.size() != 1) return {};
  auto all = summary_all_row(read_csv(summaries[0]));
  EXPECT_GT(std::stoll(all.at("committed")), 100) << r.describe();
  EXPECT_EQ(all.at("errors"), "0") << r.describe();
  return all;
}

// ------------------------------------------------------------ PostgreSQL

PgUri parse_pg_uri(const std::string& uri) {
  PgUri u;
  auto scheme_end = uri.find("://");
  if (scheme_end == std::string::npos) throw std::runtime_error("not a URI: " + uri);
  std::string rest = uri.substr(scheme_end + 3);
  auto q = rest.find('?');
  if (q != std::string::npos) rest = rest.substr(0, q);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  u.db = slash == std::string::npos ? "" : rest.substr(slash + 1);
  auto at = authority.rfind('@');
  std::string hostport = authority;
  if (at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    u.user = userinfo.substr(0, colon);
    if (colon != std::string::npos) u.password = userinfo.substr(colon + 1);
  }
  auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
  }
  return u;
}

std::string PgUri::str() const {
  std::string s = "postgresql://";
  if (!user.empty()) {
    s += user;
    if (!password.empty()) s += ":" + password;
    s += "@";
  }
  s += host;
  if (!port.empty()) s += ":" + port;
  s += "/" + db;
  return s;
}

std::string base_uri() {
  const char* v = std::getenv("OLTAP_POSTGRES");
  if (!v || !*v)
    throw std::runtime_error(
        "OLTAP_POSTGRES is not set: the integration tests need the local stack. "
        "Run them through scripts/test.sh (or: scripts/stack.sh up && eval \"$(scripts/stack.sh env)\" "
        "before ctest -L integration)");
  return v;
}

std::string stack_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v)
    throw std::runtime_error(
        std::string(name) + " is not set: run through scripts/test.sh (or eval \"$(scripts/stack.sh env)\")");
  return v;
}

ServerAddress server_of(const std::string& uri) {
  std::string s = uri.substr(uri.find("://") + 3);
  ServerAddress m;
  size_t at = s.rfind('@');
  if (at != std::string::npos) {
    m.user = s.substr(0, at);
    m.user = m.user.substr(0, m.user.find(':'));
    s = s.substr(at + 1);
  }
  s = s.substr(0, s.find('/'));
  m.host = s.substr(0, s.rfind(':'));
  m.port = s.substr(s.rfind(':') + 1);
  return m;
}

std::string make_scratch_db(const std::string& name) {
  PgUri admin = parse_pg_uri(base_uri());
  pqxx::connection c{admin.str()};
  pqxx::nontransaction tx{c};
  std::string quoted = tx.quote_name(name);
  tx.exec("DROP DATABASE IF EXISTS " + quoted + " WITH (FORCE)");
  tx.exec("CREATE DATABASE " + quoted);
  PgUri scratch = admin;
  scratch.db = name;
  return scratch.str();
}

void sql_exec(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction tx{c};
  tx.exec(sql);
}

std::string sql_value(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction tx{c};
  pqxx::row r = tx.exec1(sql);
  if (r.empty() || r[0].is_null()) return "";
  return r[0].c_str();
}

long long sql_int(const std::string& uri, const std::string& sql) {
  std::string v = sql_value(uri, sql);
  if (v.empty()) throw std::runtime_error("NULL from: " + sql);
  return std::stoll(v);
}

void ensure_password_role(const std::string& uri) {
  sql_exec(uri, std::string("SET password_encryption = 'scram-sha-256';") +
                    "DO $$ BEGIN"
                    "  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'oltap_pw') THEN"
                    "    CREATE ROLE oltap_pw LOGIN PASSWORD 'oltap-right-pw';"
                    "  ELSE"
                    "    ALTER ROLE oltap_pw LOGIN PASSWORD 'oltap-right-pw';"
                    "  END IF;"
                    " EXCEPTION WHEN duplicate_object THEN"
                    "  ALTER ROLE oltap_pw LOGIN PASSWORD 'oltap-right-pw';"
                    " END $$;");
}

}  // namespace oltap_it

namespace oltap_it {

std::string mariadb_sql(const std::string& sql, const std::string& db) {
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  std::vector<std::string> argv{"mariadb", "--no-defaults", "-h", m.host, "-P", m.port,
                                "-u",      m.user,          "-N", "-B",   "-e", sql};
  if (!db.empty()) argv.push_back(db);
  CmdResult r = run_cmd(argv);
  if (r.exit_code != 0) throw std::runtime_error("mariadb client failed: " + r.describe());
  while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

std::string make_scratch_mariadb(const std::string& name) {
  mariadb_sql("DROP DATABASE IF EXISTS " + name + "; CREATE DATABASE " + name);
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  return "mysql://" + m.user + "@" + m.host + ":" + m.port + "/" + name;
}

std::string connection_string_entry(const std::string& s, const std::string& key) {
  auto lower = [](std::string x) {
    for (char& c : x) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return x;
  };
  std::string l = ";" + lower(s), k = ";" + lower(key) + "=";
  size_t p = l.find(k);
  if (p == std::string::npos) return "";
  p += k.size();
  return (";" + s).substr(p, l.find(';', p) - p);
}

std::string warehouse_pg_uri(const std::string& db) {
  std::string w = stack_env("OLTAP_WAREHOUSE");
  return "postgresql://" + connection_string_entry(w, "Uid") + "@" + connection_string_entry(w, "Server") +
         ":" + connection_string_entry(w, "Port") + "/" + db;
}

std::string make_scratch_warehouse(const std::string& name) {
  std::string w = stack_env("OLTAP_WAREHOUSE");
  const std::string admin = warehouse_pg_uri(connection_string_entry(w, "Database"));
  sql_exec(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  sql_exec(admin, "CREATE DATABASE " + name);
  std::string from = ";Database=" + connection_string_entry(w, "Database") + ";";
  size_t p = w.find(from);
  if (p == std::string::npos) throw std::runtime_error("no ;Database=...; in OLTAP_WAREHOUSE: " + w);
  return w.replace(p, from.size(), ";Database=" + name + ";");
}

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
                  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
  close(fd);
  if (!ok) throw std::runtime_error("no free port");
  return ntohs(a.sin_port);
}

int free_port_in(int from, int to) {
  for (int port = from; port <= to; ++port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    const bool ok = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    close(fd);
    if (ok) return port;
  }
  throw std::runtime_error("no free port in " + std::to_string(from) + "-" + std::to_string(to));
}

OwnRedis::OwnRedis() : port_(std::to_string(free_port())) { start(); }

OwnRedis::OwnRedis(int port) : port_(std::to_string(port)) { start(); }

void OwnRedis::start() {
  std::vector<std::string> args = {"redis-server", "--port",      port_, "--bind",
                                   "127.0.0.1",    "--save",      "",    "--appendonly",
                                   "no",           "--daemonize", "no"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawnp(&pid, "redis-server", nullptr, nullptr, argv.data(), environ) != 0)
    throw std::runtime_error("cannot start redis-server");
  pid_ = pid;
  for (int i = 0; i < 100; ++i) {
    if (contains(run_cmd({"redis-cli", "-p", port_, "PING"}).out, "PONG")) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill();
  throw std::runtime_error("redis-server on port " + port_ + " did not come up");
}

OwnRedis::~OwnRedis() { kill(); }

void OwnRedis::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

void OwnRedis::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGCONT);  // a stopped process takes SIGKILL too, but leave nothing stopped
  ::kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace oltap_it
