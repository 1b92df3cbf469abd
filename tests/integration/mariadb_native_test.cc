// The native MariaDB driver (mysql://...?driver=native, MariaDB Connector/C)
// against the real MariaDB of the local stack (OLTAP_MYSQL): prepared
// statements with every kind of parameter, rows into a ResultBuffer, the
// non-blocking send() and receive(), the classes of failures, cancel() on
// the server, the connect time-out, the password kept out of every message,
// and bulk load; then oltap load and run through it as a user would.
// Checks from the outside use the mariadb client.
// Database: oltap_it_mariadb_native.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <future>
#include <thread>

#include "../unit/run/count_allocations.h"
#include "engine/engine.h"
#include "harness.h"

namespace oltap_it {
namespace {

using oltap::Error;
using oltap::ErrorClass;
using oltap::Value;
namespace engine = oltap::engine;
using engine::Status;

const std::string kDb = "oltap_it_mariadb_native";

std::string native_target(const std::string& extra = "") {
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  return "mysql://" + m.user + "@" + m.host + ":" + m.port + "/" + kDb + "?driver=native" + extra;
}

std::unique_ptr<engine::Connection> open(const std::string& extra = "") {
  return engine::connect(engine::parse_target(native_target(extra)));
}

class MariaDbNative : public ::testing::Test {
 protected:
  void SetUp() override { make_scratch_mariadb(kDb); }
};

TEST_F(MariaDbNative, TheDriverOptionPicksTheEngine) {
  EXPECT_EQ(engine::parse_target(native_target()).engine, "mariadb");
  EXPECT_EQ(engine::parse_target("mysql://u@h/d?driver=odbc").engine, "odbc");
  EXPECT_EQ(engine::parse_target("mariadb://u@h/d").engine, "mariadb");
  EXPECT_THROW(engine::parse_target("mysql://u@h/d?driver=jdbc"), Error);
  EXPECT_THROW(open("&no_such_option=1"), Error);
}

TEST_F(MariaDbNative, PreparedStatementsTakeEveryKindOfValue) {
  auto c = open();
  EXPECT_EQ(c->dialect(), "mysql");
  EXPECT_TRUE(contains(c->server_version(), "MariaDB")) << c->server_version();
  c->run("CREATE TABLE t (id BIGINT PRIMARY KEY, d DOUBLE, s TEXT, n INT NULL, m DECIMAL(12,2), day DATE)");
  std::vector<std::string> names;
  int ins = c->prepare("INSERT INTO t (id, d, s, n, m, day) VALUES (:id, :d, :s, :n, :m, :day)", names);
  ASSERT_EQ(names, (std::vector<std::string>{"id", "d", "s", "n", "m", "day"}));
  const std::string long_text(5000, 'x');
  struct Row {
    Value id, d, s, n, m, day;
  };
  std::vector<Row> rows = {
      {Value::of_int(1), Value::of_double(2.5), Value::of_text("it's a \\ test"), Value(),
       Value::of_text("12.34"), Value::of_text("2024-02-29")},
      {Value::of_int(2), Value(), Value::of_text(long_text), Value::of_int(7), Value::of_double(0.5),
       Value()},
      {Value::of_int(3), Value::of_int(4), Value(), Value::of_text("9"), Value(),
       Value::of_text("1999-12-31")},
  };
  for (Row& r : rows) {
    const Value* params[] = {&r.id, &r.d, &r.s, &r.n, &r.m, &r.day};
    engine::ResultBuffer out;
    ASSERT_EQ(c->execute(ins, params, &out, 10), Status::kOk) << c->last_error();
    EXPECT_EQ(out.affected, 1);
    EXPECT_EQ(out.columns, 0);
  }
  int sel = c->prepare("SELECT id, d, s, n, m, day FROM t WHERE id >= :lo ORDER BY id", names);
  Value lo = Value::of_int(1);
  const Value* p[] = {&lo};
  engine::ResultBuffer out;
  ASSERT_EQ(c->execute(sel, p, &out, 2), Status::kOk) << c->last_error();
  EXPECT_EQ(out.rows, 3);  // all of them counted, two kept
  ASSERT_EQ(out.columns, 6);
  EXPECT_EQ(out.at(0, 0).kind, Value::Kind::kInt);
  EXPECT_EQ(out.at(0, 0).i, 1);
  EXPECT_EQ(out.at(0, 1).kind, Value::Kind::kDouble);
  EXPECT_DOUBLE_EQ(out.at(0, 1).d, 2.5);
  EXPECT_EQ(out.at(0, 2).s, "it's a \\ test");
  EXPECT_EQ(out.at(0, 3).kind, Value::Kind::kNull);
  EXPECT_EQ(out.at(0, 4).kind, Value::Kind::kDouble);
  EXPECT_DOUBLE_EQ(out.at(0, 4).d, 12.34);
  EXPECT_EQ(out.at(0, 5).s, "2024-02-29");
  EXPECT_EQ(out.at(1, 1).kind, Value::Kind::kNull);
  EXPECT_EQ(out.at(1, 2).s, long_text);  // longer than the first buffer: read again, whole
  EXPECT_EQ(out.at(1, 3).i, 7);
  EXPECT_EQ(mariadb_sql("SELECT id, d, s, n, m, day FROM t WHERE id = 1", kDb),
            "1\t2.5\tit's a \\\\ test\tNULL\t12.34\t2024-02-29");
  // An UPDATE counts the rows it matched, as PostgreSQL does, even unchanged.
  int upd = c->prepare("UPDATE t SET n = :n WHERE id <= :id", names);
  Value n = Value::of_int(7), id = Value::of_int(2);
  const Value* up[] = {&n, &id};
  ASSERT_EQ(c->execute(upd, up, &out, 0), Status::kOk) << c->last_error();
  EXPECT_EQ(out.affected, 2);
}

TEST_F(MariaDbNative, ExecuteAllocatesNothingOnceWarm) {
  auto c = open();
  c->run("CREATE TABLE a (id INT PRIMARY KEY, bal BIGINT, note VARCHAR(100))");
  c->run("INSERT INTO a VALUES (1, 0, 'one'), (2, 0, 'two')");
  std::vector<std::string> names;
  int upd = c->prepare("UPDATE a SET bal = bal + :delta, note = :note WHERE id = :id", names);
  int sel = c->prepare("SELECT bal, note FROM a WHERE id = :id", names);
  Value delta = Value::of_int(5), note = Value::of_text("a note"), id = Value::of_int(1);
  const Value* up[] = {&delta, &note, &id};
  const Value* sp[] = {&id};
  engine::ResultBuffer out;
  auto txn = [&] {
    ASSERT_EQ(c->begin(), Status::kOk);
    ASSERT_EQ(c->execute(upd, up, &out, 1), Status::kOk) << c->last_error();
    ASSERT_EQ(c->execute(sel, sp, &out, 1), Status::kOk) << c->last_error();
    ASSERT_EQ(c->commit(), Status::kOk);
  };
  for (int i = 0; i < 3; ++i) txn();
  oltap::run::testing::allocations = 0;
  oltap::run::testing::counting_allocations = true;
  for (int i = 0; i < 200; ++i) txn();
  oltap::run::testing::counting_allocations = false;
  EXPECT_EQ(oltap::run::testing::allocations.load(), 0);
  EXPECT_EQ(out.at(0, 0).i, 5 * 203);
  EXPECT_EQ(out.at(0, 1).s, "a note");
}

// send() then receive(), the non-blocking path clients sharing a thread
// take: each reply's counts are the blocking execute()'s (no rows kept), a
// statement without rows after one with rows has no columns, a failure is
// classed and leaves the connection usable, and a receive() with nothing
// sent is refused.
TEST_F(MariaDbNative, ReceiveGivesTheCountsExecuteGives) {
  auto c = open();
  c->run("CREATE TABLE nb (id INT PRIMARY KEY, v INT)");
  c->run("INSERT INTO nb VALUES (1, 10), (2, 20), (3, 30)");
  std::vector<std::string> names;
  const int sel = c->prepare("SELECT id, v FROM nb WHERE id >= :lo", names);
  const int upd = c->prepare("UPDATE nb SET v = v + 1 WHERE id <= :lo", names);
  const int ins = c->prepare("INSERT INTO nb (id, v) VALUES (:lo, 0)", names);
  ASSERT_TRUE(c->can_share_thread());
  engine::ResultBuffer none;
  EXPECT_EQ(c->receive(&none, 0), Status::kFatal);
  EXPECT_TRUE(contains(c->last_error(), "no statement was sent")) << c->last_error();
  struct Case {
    int statement;
    int64_t lo;
    int rows, columns;
    int64_t affected;
  };
  // UPDATE after SELECT: its reply must not keep the SELECT's columns.
  for (const Case& k : {Case{sel, 1, 3, 2, 3}, Case{upd, 2, 0, 0, 2}, Case{sel, 3, 1, 2, 1},
                        Case{ins, 4, 0, 0, 1}, Case{upd, 0, 0, 0, 0}}) {
    Value lo = Value::of_int(k.lo);
    const Value* p[] = {&lo};
    ASSERT_EQ(c->send(k.statement, p), Status::kOk) << c->last_error();
    engine::ResultBuffer got;
    got.rows = got.columns = -1;
    got.affected = -1;
    ASSERT_EQ(c->receive(&got, 0), Status::kOk) << c->last_error();
    EXPECT_EQ(got.rows, k.rows) << "statement " << k.statement << " lo " << k.lo;
    EXPECT_EQ(got.columns, k.columns) << "statement " << k.statement << " lo " << k.lo;
    EXPECT_EQ(got.affected, k.affected) << "statement " << k.statement << " lo " << k.lo;
    // The same statement blocking, where it reads the same again (the SELECTs; the rest change nothing now).
    if (k.statement == sel) {
      engine::ResultBuffer blocking;
      ASSERT_EQ(c->execute(k.statement, p, &blocking, 0), Status::kOk) << c->last_error();
      EXPECT_EQ(blocking.rows, got.rows);
      EXPECT_EQ(blocking.columns, got.columns);
      EXPECT_EQ(blocking.affected, got.affected);
    }
  }
  // A duplicate key: a constraint failure, and the connection goes on.
  Value dup = Value::of_int(1);
  const Value* d[] = {&dup};
  ASSERT_EQ(c->send(ins, d), Status::kOk) << c->last_error();
  engine::ResultBuffer failed;
  EXPECT_EQ(c->receive(&failed, 0), Status::kFatal);
  EXPECT_EQ(c->last_failure(), engine::Failure::kConstraint) << c->last_error();
  Value lo = Value::of_int(1);
  const Value* p[] = {&lo};
  ASSERT_EQ(c->send(sel, p), Status::kOk) << c->last_error();
  engine::ResultBuffer after;
  ASSERT_EQ(c->receive(&after, 0), Status::kOk) << c->last_error();
  EXPECT_EQ(after.rows, 4);
  EXPECT_EQ(mariadb_sql("SELECT GROUP_CONCAT(v ORDER BY id) FROM nb", kDb), "11,21,30,0");
}

TEST_F(MariaDbNative, ADeadlockIsRetryable) {
  auto a = open();
  auto b = open();
  a->run("CREATE TABLE d (id INT PRIMARY KEY, v INT) ENGINE=InnoDB");
  a->run("INSERT INTO d VALUES (1, 0), (2, 0)");
  std::vector<std::string> names;
  int ua = a->prepare("UPDATE d SET v = v + 1 WHERE id = :id", names);
  int ub = b->prepare("UPDATE d SET v = v + 1 WHERE id = :id", names);
  Value one = Value::of_int(1), two = Value::of_int(2);
  const Value* p1[] = {&one};
  const Value* p2[] = {&two};
  ASSERT_EQ(a->begin(), Status::kOk);
  ASSERT_EQ(b->begin(), Status::kOk);
  ASSERT_EQ(a->execute(ua, p1, nullptr, 0), Status::kOk) << a->last_error();
  ASSERT_EQ(b->execute(ub, p2, nullptr, 0), Status::kOk) << b->last_error();
  // a waits for b's row; b then asks for a's: InnoDB ends one of them.
  auto waiting = std::async(std::launch::async, [&] { return a->execute(ua, p2, nullptr, 0); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Status sb = b->execute(ub, p1, nullptr, 0);
  if (sb == Status::kOk) b->commit();
  Status sa = waiting.get();
  if (sa == Status::kOk) a->commit();
  const bool a_lost = sa == Status::kRetryable;
  ASSERT_NE(a_lost, sb == Status::kRetryable) << "a: " << a->last_error() << "; b: " << b->last_error();
  const std::string& why = a_lost ? a->last_error() : b->last_error();
  EXPECT_TRUE(contains(why, "native code 1213")) << why;
  EXPECT_TRUE(contains(why, "SQLSTATE 40001")) << why;
  (a_lost ? a : b)->rollback();
  // A bad statement is no retry.
  EXPECT_EQ(a->execute_text("SELECT * FROM no_such_table", nullptr, 0), Status::kFatal);
  EXPECT_TRUE(contains(a->last_error(), "native code 1146")) << a->last_error();
}

TEST_F(MariaDbNative, ExecuteTextReadsEveryRow) {
  auto c = open();
  engine::ResultBuffer out;
  ASSERT_EQ(c->execute_text("CREATE TABLE r (id INT PRIMARY KEY, s VARCHAR(10))", &out, 5), Status::kOk);
  EXPECT_EQ(out.columns, 0);
  ASSERT_EQ(c->execute_text("INSERT INTO r SELECT seq, CONCAT('r', seq) FROM seq_1_to_5000", &out, 5),
            Status::kOk)
      << c->last_error();
  EXPECT_EQ(out.affected, 5000);
  ASSERT_EQ(c->execute_text("SELECT id, s, id / 4 FROM r ORDER BY id", &out, 3), Status::kOk)
      << c->last_error();
  EXPECT_EQ(out.rows, 5000);
  EXPECT_EQ(out.columns, 3);
  EXPECT_EQ(out.at(2, 0).i, 3);
  EXPECT_EQ(out.at(2, 1).s, "r3");
  EXPECT_DOUBLE_EQ(out.at(2, 2).d, 0.75);
  EXPECT_EQ(c->query_value("SELECT COUNT(*) FROM r"), "5000");
}

TEST_F(MariaDbNative, CancelStopsTheQueryOnTheServer) {
  auto c = open();
  const std::string sql = "SELECT SLEEP(30), 'oltap_cancel_probe'";
  const auto start = std::chrono::steady_clock::now();
  auto running = std::async(std::launch::async, [&] {
    engine::ResultBuffer out;
    return c->execute_text(sql, &out, 1);
  });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(mariadb_sql("SELECT COUNT(*) FROM information_schema.processlist WHERE INFO = \"" + sql + "\""),
            "1");
  ASSERT_TRUE(c->cancel());
  ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  running.get();  // SLEEP() ends early when killed, with or without an error
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 10);
  EXPECT_EQ(mariadb_sql("SELECT COUNT(*) FROM information_schema.processlist WHERE INFO = \"" + sql + "\""),
            "0");
  EXPECT_EQ(c->query_value("SELECT 1"), "1");  // the session lives on
}

class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 64) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot open the silent server's socket");
    port_ = std::to_string(ntohs(a.sin_port));
  }
  ~SilentServer() { ::close(fd_); }
  const std::string& port() const { return port_; }

 private:
  int fd_ = -1;
  std::string port_;
};

TEST_F(MariaDbNative, ConnectTimesOutOnAServerThatNeverAnswers) {
  SilentServer silent;
  auto t =
      engine::parse_target("mysql://oltap@127.0.0.1:" + silent.port() + "/x?driver=native&connect_timeout=1");
  const auto start = std::chrono::steady_clock::now();
  try {
    engine::connect(t);
    FAIL() << "connected to a server that never answers";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kUnreachable);
    EXPECT_TRUE(contains(e.what(), "timed out after 1 s")) << e.what();
  }
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 3);
}

TEST_F(MariaDbNative, ThePasswordIsInNoOutput) {
  const std::string secret = "native-secret-pw-42";
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  std::string target =
      "mysql://" + m.user + ":" + secret + "@" + m.host + ":" + m.port + "/" + kDb + "?driver=native";
  try {
    engine::connect(engine::parse_target(target));
    FAIL() << "a wrong password was taken";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kUnreachable);
    EXPECT_FALSE(contains(e.what(), secret)) << e.what();
    EXPECT_TRUE(contains(e.what(), "Access denied")) << e.what();
  }
  TempDir dir;
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", target, "--duration", "1s",
                       "--warmup", "0s", "--out", (dir / "out").string()});
  EXPECT_EQ(r.exit_code, 3) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, secret)) << r.describe();
  EXPECT_TRUE(files_containing(dir.path(), secret).empty());
}

// The server's local_infile for the life of the object: the bulk load
// takes LOAD DATA LOCAL when it is on and multi-row INSERT when it is off.
// Global: another test's load meanwhile only takes the other path.
class LocalInfile {
 public:
  explicit LocalInfile(bool on) : was_(mariadb_sql("SELECT @@GLOBAL.local_infile", kDb)) {
    mariadb_sql(std::string("SET GLOBAL local_infile = ") + (on ? "1" : "0"), kDb);
  }
  ~LocalInfile() { mariadb_sql("SET GLOBAL local_infile = " + was_, kDb); }

 private:
  std::string was_;
};

// Loads 25,000 rows of every kind of value (text with each character LOAD
// DATA escapes) into a new table b.
void load_b(engine::Connection& c) {
  c.run("DROP TABLE IF EXISTS b");
  c.run("CREATE TABLE b (id BIGINT PRIMARY KEY, x DOUBLE, s VARCHAR(50), n INT)");
  const size_t total = 25'000;
  size_t made = 0;
  engine::BulkSpec spec;
  spec.table = "b";
  spec.columns = {"id", "x", "s", "n"};
  c.bulk_load(spec, [&](engine::RowBatch& batch) {
    if (made >= total) return false;
    batch.columns = 4;
    batch.cells.resize(4 * 10'000);
    for (batch.rows = 0; batch.rows < 10'000 && made < total; ++batch.rows, ++made) {
      Value* row = &batch.cells[batch.rows * 4];
      row[0].set_int(static_cast<int64_t>(made) + 1);
      row[1].set_double(static_cast<double>(made) / 8);
      row[2].kind = Value::Kind::kText;
      row[2].s = made % 2 ? "o'k \\ \"q\"\t\n\r\\N" : made % 5 ? "plain" : "";
      if (made % 3)
        row[3].set_int(3);
      else
        row[3].set_null();
    }
    return true;
  });
}

TEST_F(MariaDbNative, BulkLoadWritesEveryRowOnEitherPath) {
  for (bool local : {true, false}) {
    SCOPED_TRACE(local ? "LOAD DATA LOCAL" : "multi-row INSERT");
    LocalInfile mode(local);
    auto c = open();
    load_b(*c);
    EXPECT_EQ(mariadb_sql("SELECT COUNT(*), SUM(x), SUM(n IS NULL), SUM(s = '') FROM b", kDb),
              "25000\t39060937.5\t8334\t2500");
    EXPECT_EQ(mariadb_sql("SELECT HEX(s) FROM b WHERE id = 2", kDb), "6F276B205C20227122090A0D5C4E");
  }
}

TEST_F(MariaDbNative, BulkLoadFailsOnARowTheServerRefuses) {
  // LOCAL turns a duplicate key into a warning and a skipped row: the load
  // must still fail, with the server's words.
  for (bool local : {true, false}) {
    SCOPED_TRACE(local ? "LOAD DATA LOCAL" : "multi-row INSERT");
    LocalInfile mode(local);
    auto c = open();
    c->run("DROP TABLE IF EXISTS d");
    c->run("CREATE TABLE d (id INT PRIMARY KEY)");
    engine::BulkSpec spec;
    spec.table = "d";
    spec.columns = {"id"};
    bool sent = false;
    try {
      c->bulk_load(spec, [&](engine::RowBatch& batch) {
        if (sent) return false;
        sent = true;
        batch.columns = 1;
        batch.cells.resize(3);
        batch.rows = 3;
        for (auto& v : batch.cells) v.set_int(7);
        return true;
      });
      ADD_FAILURE() << "a duplicate key was loaded";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("Duplicate entry '7'"), std::string::npos) << e.what();
    }
  }
}

TEST_F(MariaDbNative, LoadAndRunCommitWhatLands) {
  auto all = load_and_run_tpcb(native_target());
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.at("engine"), "mariadb");
  long long committed = std::stoll(all.at("committed"));
  EXPECT_EQ(std::stoll(mariadb_sql("SELECT COUNT(*) FROM pgbench_history", kDb)), committed);
  EXPECT_EQ(mariadb_sql("SELECT (SELECT SUM(delta) FROM pgbench_history) = (SELECT SUM(abalance) FROM "
                        "pgbench_accounts)",
                        kDb),
            "1");
}

// Clients sharing threads (--threads) through the non-blocking API: every
// transaction ends once, rows read and inserted as with a thread each, and
// a statement the server refuses (a duplicate key) fails alone, its
// connection going on with the next.
TEST_F(MariaDbNative, ClientsSharingThreadsEndEveryTransactionOnce) {
  mariadb_sql("CREATE TABLE st (id INT PRIMARY KEY, v INT NOT NULL)", kDb);
  mariadb_sql("INSERT INTO st SELECT seq, seq * 2 FROM seq_1_to_100", kDb);
  mariadb_sql("CREATE TABLE st_log (id INT PRIMARY KEY)", kDb);
  TempDir d;
  write_file(d / "shared.yaml", R"(name: shared-threads
parameters:
  id: {uniform: [1, 100]}
transactions:
  - name: read
    weight: 3
    steps:
      - sql: SELECT v FROM st WHERE id = :id
  - name: add
    weight: 1
    steps:
      - sql: INSERT INTO st_log (id) VALUES (:id)
)");
  const fs::path out = d / "out";
  CmdResult r = oltap({"run", (d / "shared.yaml").string(), "--target", native_target(), "--clients", "6",
                       "--threads", "2", "--transactions", "200", "--no-data-check", "--max-error-rate",
                       "100%", "--out", out.string(), "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  long long committed = 0, errors = 0, add_committed = -1, add_errors = -1;
  for (const auto& row : read_csv(out / "summary.csv").records()) {
    if (row.at("txn") == "ALL") continue;
    committed += std::stoll(row.at("committed"));
    errors += std::stoll(row.at("errors"));
    if (row.at("txn") == "add") {
      add_committed = std::stoll(row.at("committed"));
      add_errors = std::stoll(row.at("errors"));
    }
  }
  EXPECT_EQ(committed + errors, 6 * 200);
  // Only the inserts can fail, each of its own duplicate key; every insert
  // that committed is a row.
  EXPECT_EQ(errors, add_errors);
  EXPECT_GT(add_errors, 0);
  EXPECT_EQ(std::stoll(mariadb_sql("SELECT COUNT(*) FROM st_log", kDb)), add_committed);
  EXPECT_LE(add_committed, 100);
}

}  // namespace
}  // namespace oltap_it
