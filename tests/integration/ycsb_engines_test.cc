// YCSB's core workloads a to f (workloads/ycsb-*.yaml) on all four targets of
// the local stack: PostgreSQL (native), MariaDB (native), the warehouse
// (PostgreSQL through psqlODBC, dialect redshift) and Redis. Each workload
// loads 1000 * scale records and runs:
//   - a, b, c, f (reads and updates): exit 0, no errors;
//   - d (read latest + insert) and e (scan + insert): the records added
//     equal the `insert` row's committed in summary.csv.
// The records are counted with each engine's own client, not through oltap.
//
// Isolation: per engine, its own scratch database, recreated before each
// case: oltap_it_ycsb_engines (PostgreSQL), oltap_it_ycsb_engines_wh (the
// warehouse's server), oltap_it_ycsb_engines (MariaDB) and Redis database 7
// (FLUSHDB). ctest serialises the cases of one engine with a RESOURCE_LOCK
// per engine (see tests/CMakeLists.txt), so the engines may run in parallel.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <cstdlib>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_ycsb_engines";
const std::string kWarehouseDb = "oltap_it_ycsb_engines_wh";
constexpr int kRedisDb = 7;

// 1000 * kScale records; kTransactions per client, kClients clients.
const std::string kScale = "0.5";
constexpr long long kRecords = 500;
constexpr long long kTransactions = 300;
constexpr long long kClients = 2;

// ------------------------------------------------------------ the engines

// One target of the stack: its URI, a fresh scratch database, and the
// number of YCSB records in it, counted without oltap.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual std::string target() = 0;
  virtual std::string engine_column() = 0;  // summary.csv's engine
  virtual void reset() = 0;                 // an empty scratch database
  virtual long long records() = 0;          // rows of usertable / user:* hashes
  // Redis: the members of the usertable_index sorted set; SQL: records().
  virtual long long index_size() { return records(); }
};

class Postgres : public Engine {
 public:
  std::string target() override { return uri_; }
  std::string engine_column() override { return "postgres"; }
  void reset() override { uri_ = make_scratch_db(kDb); }
  long long records() override { return sql_int(uri_, "SELECT count(*) FROM usertable"); }

 private:
  std::string uri_;
};

class MariaDb : public Engine {
 public:
  std::string target() override {
    ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
    return "mysql://" + m.user + "@" + m.host + ":" + m.port + "/" + kDb;
  }
  std::string engine_column() override { return "mariadb"; }
  void reset() override { sql("DROP DATABASE IF EXISTS " + kDb + "; CREATE DATABASE " + kDb); }
  long long records() override { return std::stoll(sql("SELECT count(*) FROM usertable", kDb)); }

 private:
  static std::string sql(const std::string& text, const std::string& db = "") {
    return mariadb_sql(text, db);
  }
};

class Warehouse : public Engine {
 public:
  std::string target() override { return target_; }  // OLTAP_WAREHOUSE with our Database=
  std::string engine_column() override { return "odbc"; }
  void reset() override { target_ = make_scratch_warehouse(kWarehouseDb); }
  long long records() override {
    return sql_int(warehouse_pg_uri(kWarehouseDb), "SELECT count(*) FROM usertable");
  }

 private:
  std::string target_;
};

class Redis : public Engine {
 public:
  ~Redis() override {
    if (c_) redisFree(c_);
  }
  std::string target() override {
    ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
    return "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDb);
  }
  std::string engine_column() override { return "redis"; }
  void reset() override { cmd({"FLUSHDB"}); }
  // The user:* hashes: every key but the index and the load's record
  // (oltap:load); cross-checked with a SCAN.
  long long records() override {
    long long keys = num({"DBSIZE"}) - num({"EXISTS", "usertable_index"}) - num({"EXISTS", "oltap:load"});
    EXPECT_EQ(keys, scan_count("user:*"))
        << "keys other than user:* and usertable_index in Redis db " << kRedisDb;
    return keys;
  }
  long long index_size() override { return num({"ZCARD", "usertable_index"}); }

 private:
  redisContext* conn() {
    if (!c_) {
      ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
      c_ = redisConnect(s.host.c_str(), std::stoi(s.port));
      if (!c_ || c_->err) throw std::runtime_error("cannot connect to Redis at " + s.host + ":" + s.port);
      cmd({"SELECT", std::to_string(kRedisDb)});
    }
    return c_;
  }
  redisReply* raw(const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    redisContext* c = conn();
    auto* r = static_cast<redisReply*>(
        redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data()));
    if (!r) throw std::runtime_error(std::string("redis: ") + c->errstr);
    if (r->type == REDIS_REPLY_ERROR) {
      std::string e(r->str, r->len);
      freeReplyObject(r);
      throw std::runtime_error("redis " + args.front() + ": " + e);
    }
    return r;
  }
  void cmd(const std::vector<std::string>& args) { freeReplyObject(raw(args)); }
  long long num(const std::vector<std::string>& args) {
    redisReply* r = raw(args);
    long long v = r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
    freeReplyObject(r);
    if (v < 0) throw std::runtime_error("redis " + args.front() + ": not an integer reply");
    return v;
  }
  long long scan_count(const std::string& pattern) {
    long long n = 0;
    std::string cursor = "0";
    do {
      redisReply* r = raw({"SCAN", cursor, "MATCH", pattern, "COUNT", "1000"});
      cursor.assign(r->element[0]->str, r->element[0]->len);
      n += static_cast<long long>(r->element[1]->elements);
      freeReplyObject(r);
    } while (cursor != "0");
    return n;
  }

  redisContext* c_ = nullptr;
};

enum class Kind { kPostgres, kMariaDb, kWarehouse, kRedis };

std::unique_ptr<Engine> make_engine(Kind k) {
  switch (k) {
    case Kind::kPostgres:
      return std::make_unique<Postgres>();
    case Kind::kMariaDb:
      return std::make_unique<MariaDb>();
    case Kind::kWarehouse:
      return std::make_unique<Warehouse>();
    case Kind::kRedis:
      return std::make_unique<Redis>();
  }
  return nullptr;
}

// The test-name prefix of each engine; tests/CMakeLists.txt locks by it.
std::string kind_name(Kind k) {
  switch (k) {
    case Kind::kPostgres:
      return "Postgres";
    case Kind::kMariaDb:
      return "MariaDb";
    case Kind::kWarehouse:
      return "Warehouse";
    case Kind::kRedis:
      return "Redis";
  }
  return "?";
}

// So that ctest's test names read "(Postgres, "a")", not bytes.
void PrintTo(Kind k, std::ostream* os) { *os << kind_name(k); }

// ------------------------------------------------------------ the fixture

// (engine, workload letter)
using Param = std::tuple<Kind, std::string>;

std::string param_name(const ::testing::TestParamInfo<Param>& info) {
  return kind_name(std::get<0>(info.param)) + "_" + std::get<1>(info.param);
}

class Ycsb : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    engine_ = make_engine(std::get<0>(GetParam()));
    file_ = workload("ycsb-" + std::get<1>(GetParam()) + ".yaml");
    engine_->reset();
  }

  // oltap load at kScale; then 1000 * scale records, in the index too.
  void load() {
    CmdResult r = oltap({"load", file_, "--target", engine_->target(), "--scale", kScale});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_EQ(engine_->records(), kRecords) << r.describe();
    EXPECT_EQ(engine_->index_size(), kRecords) << r.describe();
  }

  // oltap run, kTransactions per client; its summary.csv rows by txn.
  std::map<std::string, std::map<std::string, std::string>> run() {
    fs::path out = dir_ / "results";
    CmdResult r = oltap({"run", file_, "--target", engine_->target(), "--scale", kScale, "--transactions",
                         std::to_string(kTransactions), "--clients", std::to_string(kClients), "--warmup",
                         "0s", "--out", out.string(), "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    std::map<std::string, std::map<std::string, std::string>> by_txn;
    if (!fs::exists(out / "summary.csv")) {
      ADD_FAILURE() << "no summary.csv: " << r.describe();
      return by_txn;
    }
    for (auto& row : read_csv(out / "summary.csv").records()) {
      EXPECT_EQ(row["errors"], "0") << row["txn"] << ": " << r.describe();
      EXPECT_EQ(row["aborted"], "0") << row["txn"] << ": " << r.describe();
      EXPECT_EQ(row["engine"], engine_->engine_column());
      EXPECT_EQ(row["group"], "default");
      EXPECT_TRUE(by_txn.emplace(row["txn"], row).second) << "two rows for " << row["txn"];
    }
    EXPECT_EQ(by_txn["ALL"]["committed"], std::to_string(kTransactions * kClients)) << r.describe();
    return by_txn;
  }

  std::unique_ptr<Engine> engine_;
  std::string file_;
  TempDir dir_;
};

// a, b, c, f: reads, updates, read-modify-writes: no record added or lost.
class YcsbReadUpdate : public Ycsb {};

TEST_P(YcsbReadUpdate, LoadsItsRecordsAndRunsWithoutErrors) {
  ASSERT_NO_FATAL_FAILURE(load());
  auto rows = run();
  long long committed = 0;
  for (auto& [txn, row] : rows)
    if (txn != "ALL") committed += std::stoll(row["committed"]);
  EXPECT_EQ(committed, kTransactions * kClients);  // the transactions' rows add up to ALL
  EXPECT_EQ(engine_->records(), kRecords);
  EXPECT_EQ(engine_->index_size(), kRecords);
}

INSTANTIATE_TEST_SUITE_P(Engines, YcsbReadUpdate,
                         ::testing::Combine(::testing::Values(Kind::kPostgres, Kind::kMariaDb,
                                                              Kind::kWarehouse, Kind::kRedis),
                                            ::testing::Values("a", "b", "c", "f")),
                         param_name);

// d (read latest + insert) and e (scan + insert), each on a fresh load: the
// records added are exactly the committed inserts.
class YcsbInsert : public Ycsb {};

TEST_P(YcsbInsert, TheRecordsAddedAreTheCommittedInserts) {
  ASSERT_NO_FATAL_FAILURE(load());
  const long long records_before = engine_->records();
  const long long index_before = engine_->index_size();
  auto rows = run();
  ASSERT_TRUE(rows.count("insert")) << "no insert row in summary.csv";
  long long inserts = std::stoll(rows["insert"]["committed"]);
  EXPECT_GT(inserts, 0) << "5% of " << kTransactions * kClients << " transactions are inserts";
  EXPECT_EQ(engine_->records() - records_before, inserts);
  EXPECT_EQ(engine_->index_size() - index_before, inserts);
  const std::string other = std::get<1>(GetParam()) == "d" ? "read" : "scan";
  ASSERT_TRUE(rows.count(other)) << "no " << other << " row in summary.csv";
  EXPECT_EQ(std::stoll(rows[other]["committed"]) + inserts, kTransactions * kClients);
}

INSTANTIATE_TEST_SUITE_P(Engines, YcsbInsert,
                         ::testing::Combine(::testing::Values(Kind::kPostgres, Kind::kMariaDb,
                                                              Kind::kWarehouse, Kind::kRedis),
                                            ::testing::Values("d", "e")),
                         param_name);

}  // namespace
}  // namespace oltap_it
