// The ODBC driver against the stack's warehouse (OLTAP_WAREHOUSE: psqlODBC
// on the local PostgreSQL, dialect redshift), the way the stack prints it:
// `oltap load` fills the pgbench tables through the multi-row INSERT path and
// `oltap run` commits exactly the transactions whose rows land in
// pgbench_history. Checked with libpqxx, not through oltap.
// Database: oltap_it_odbc_warehouse on the warehouse's server.
#include <gtest/gtest.h>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_odbc_warehouse";

class OdbcWarehouse : public ::testing::Test {
 protected:
  void SetUp() override { target_ = make_scratch_warehouse(kDb); }

  std::string target_;  // OLTAP_WAREHOUSE pointed at kDb
};

TEST_F(OdbcWarehouse, TheStackTargetNamesDriverInBracesAndTheRedshiftDialect) {
  std::string w = stack_env("OLTAP_WAREHOUSE");
  EXPECT_TRUE(contains(w, "Driver={PostgreSQL Unicode}")) << w;
  EXPECT_TRUE(contains(w, ";dialect=redshift")) << w;
}

TEST_F(OdbcWarehouse, LoadFillsThePgbenchTables) {
  CmdResult r = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", target_});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  std::string db = warehouse_pg_uri(kDb);
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
  auto all = load_and_run_tpcb(target_);
  ASSERT_FALSE(all.empty());
  long long committed = std::stoll(all.at("committed"));
  std::string db = warehouse_pg_uri(kDb);
  EXPECT_EQ(sql_int(db, "SELECT COUNT(*) FROM pgbench_history"), committed);
  EXPECT_EQ(sql_int(db, "SELECT COALESCE(SUM(delta), 0) FROM pgbench_history"),
            sql_int(db, "SELECT SUM(abalance) FROM pgbench_accounts"));
}

}  // namespace
}  // namespace oltap_it
