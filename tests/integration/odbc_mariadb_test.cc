// The ODBC driver (mysql://...?driver=odbc) against the real MariaDB of the local stack (OLTAP_MYSQL):
// `oltap load` fills the pgbench tables through the bulk path, and `oltap
// run` commits exactly the transactions whose rows land in pgbench_history.
// The database is checked with the mariadb client, not through oltap.
// Database: oltap_it_odbc_mariadb.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_odbc_mariadb";

std::string my_sql(const std::string& sql, const std::string& db = "") { return mariadb_sql(sql, db); }

std::string target() {
  ServerAddress m = server_of(stack_env("OLTAP_MYSQL"));
  return "mysql://" + m.user + "@" + m.host + ":" + m.port + "/" + kDb + "?driver=odbc";
}

class OdbcMariaDb : public ::testing::Test {
 protected:
  void SetUp() override { make_scratch_mariadb(kDb); }
};

TEST_F(OdbcMariaDb, LoadFillsThePgbenchTables) {
  CmdResult r = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", target()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(my_sql("SELECT COUNT(*) FROM pgbench_branches", kDb), "1");
  EXPECT_EQ(my_sql("SELECT COUNT(*) FROM pgbench_tellers", kDb), "10");
  EXPECT_EQ(
      my_sql("SELECT COUNT(*), MIN(aid), MAX(aid), SUM(abalance), COUNT(DISTINCT bid) FROM pgbench_accounts",
             kDb),
      "100000\t1\t100000\t0\t1");
  EXPECT_EQ(my_sql("SELECT COUNT(*) FROM pgbench_history", kDb), "0");
  // after_load ran: the keys exist.
  EXPECT_EQ(my_sql("SELECT COUNT(*) FROM information_schema.table_constraints WHERE table_schema = '" + kDb +
                   "' AND constraint_type = 'PRIMARY KEY'"),
            "3");
  EXPECT_TRUE(contains(r.out + r.err, "MariaDB")) << r.describe();  // the server version
}

TEST_F(OdbcMariaDb, CommittedEqualsTheRowsAddedToHistory) {
  auto all = load_and_run_tpcb(target());
  ASSERT_FALSE(all.empty());
  long long committed = std::stoll(all.at("committed"));
  EXPECT_EQ(all.at("engine"), "odbc");
  EXPECT_EQ(std::stoll(my_sql("SELECT COUNT(*) FROM pgbench_history", kDb)), committed);
  // Every committed transaction moved the same delta through all three balances.
  std::string sums = my_sql(
      "SELECT (SELECT SUM(delta) FROM pgbench_history) = (SELECT SUM(abalance) FROM "
      "pgbench_accounts) AND (SELECT SUM(delta) FROM pgbench_history) = (SELECT SUM(bbalance) "
      "FROM pgbench_branches)",
      kDb);
  EXPECT_EQ(sums, "1");
}

}  // namespace
}  // namespace oltap_it
