// The ODBC driver against the stack's warehouse (OLTAP_WAREHOUSE: psqlODBC
// on the local PostgreSQL, dialect redshift), the way the stack prints it:
// `oltap load` fills the pgbench tables through the multi-row INSERT path and
// `oltap run` commits exactly the transactions whose rows land in
// pgbench_history. Checked with libpqxx, not through oltap.
// Database: oltap_it_odbc_warehouse on the warehouse's server.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_odbc_warehouse";

std::string warehouse() {
  const char* v = std::getenv("OLTAP_WAREHOUSE");
  if (!v || !*v)
    throw std::runtime_error(
        "OLTAP_WAREHOUSE is not set: run through scripts/test.sh (or eval \"$(scripts/stack.sh env)\")");
  return v;
}

// The value of key in the connection string s ("" when absent).
std::string entry(const std::string& s, const std::string& key) {
  std::string lower = s;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string k = key + "=";
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t p = lower.find(";" + k);
  if (p == std::string::npos) return "";
  p += k.size() + 1;
  return s.substr(p, s.find(';', p) - p);
}

// postgresql:// URI of database db on the warehouse's server.
std::string pg_uri(const std::string& db) {
  std::string w = warehouse();
  return "postgresql://" + entry(w, "Uid") + "@" + entry(w, "Server") + ":" + entry(w, "Port") + "/" + db;
}

// OLTAP_WAREHOUSE pointed at this file's database.
std::string target() {
  std::string w = warehouse();
  std::string from = ";Database=" + entry(w, "Database") + ";";
  size_t p = w.find(from);
  if (p == std::string::npos) throw std::runtime_error("no ;Database=...; in OLTAP_WAREHOUSE: " + w);
  return w.replace(p, from.size(), ";Database=" + kDb + ";");
}

class OdbcWarehouse : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string admin = pg_uri(entry(warehouse(), "Database"));
    sql_exec(admin, "DROP DATABASE IF EXISTS " + kDb + " WITH (FORCE)");
    sql_exec(admin, "CREATE DATABASE " + kDb);
  }
};

TEST_F(OdbcWarehouse, TheStackTargetNamesDriverInBracesAndTheRedshiftDialect) {
  std::string w = warehouse();
  EXPECT_TRUE(contains(w, "Driver={PostgreSQL Unicode}")) << w;
  EXPECT_TRUE(contains(w, ";dialect=redshift")) << w;
}

TEST_F(OdbcWarehouse, LoadFillsThePgbenchTables) {
  CmdResult r = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", target()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string db = pg_uri(kDb);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM pgbench_branches"), 1);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM pgbench_tellers"), 10);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM pgbench_accounts"), 100000);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(DISTINCT aid) FROM pgbench_accounts WHERE aid BETWEEN 1 AND 100000"),
            100000);
  EXPECT_EQ(sql_value(db, "SELECT filler FROM pgbench_accounts WHERE aid = 1"),
            std::string(84, ' '));  // char(84) of ""
  EXPECT_TRUE(contains(r.out + r.err, "PostgreSQL 15")) << r.describe();
  EXPECT_FALSE(contains(r.out + r.err, "dialect="))
      << "the dialect entry is ours, not the driver's: " << r.describe();
}

TEST_F(OdbcWarehouse, CommittedEqualsTheRowsAddedToHistory) {
  auto all = load_and_run_tpcb(target());
  ASSERT_FALSE(all.empty());
  long long committed = std::stoll(all.at("committed"));
  std::string db = pg_uri(kDb);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM pgbench_history"), committed);
  EXPECT_EQ(sql_int(db, "SELECT COALESCE(SUM(delta), 0) FROM pgbench_history"),
            sql_int(db, "SELECT SUM(abalance) FROM pgbench_accounts"));
}

}  // namespace
}  // namespace oltap_it
