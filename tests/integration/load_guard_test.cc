// `oltap load` drops only what is its own: a table of the workload's name
// that holds rows no oltap load made is refused without --force (and left
// as it was); --dry-run prints what a load would run and changes nothing;
// tables an earlier oltap load made, filled since by runs, are reloaded.
// On PostgreSQL and on MariaDB (over the target the stack gives).
// Databases: oltap_it_load_guard (both servers).
#include <gtest/gtest.h>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_load_guard";

// run_sql: a statement on the database of uri, the output of a query as
// text; schema: where that database's tables are in information_schema.
void check_guard(const std::string& uri, const std::string& schema,
                 const std::function<std::string(const std::string&)>& run_sql) {
  TempDir dir;
  run_sql("CREATE TABLE pgbench_accounts (aid int, note varchar(20))");
  run_sql("INSERT INTO pgbench_accounts VALUES (1, 'mine'), (2, 'also mine')");
  const std::string tpcb = workload("pgbench-tpcb.yaml");

  CmdResult r = oltap({"load", tpcb, "--target", uri}, RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.err, "refusing to drop pgbench_accounts: it holds rows that no oltap load made"))
      << r.describe();
  EXPECT_TRUE(contains(r.err, "--force")) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_accounts"), "2");
  EXPECT_EQ(run_sql("SELECT note FROM pgbench_accounts WHERE aid = 2"), "also mine");

  // A dry run says what would run, and the same refusal; nothing changes.
  r = oltap({"load", tpcb, "--target", uri, "--dry-run"}, RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 2) << r.describe();
  EXPECT_TRUE(contains(r.out, "DROP TABLE IF EXISTS pgbench_accounts CASCADE;")) << r.out;
  EXPECT_TRUE(contains(r.out, "CREATE TABLE pgbench_branches")) << r.out;
  EXPECT_TRUE(contains(r.out, "-- load 100000 rows into pgbench_accounts")) << r.out;
  EXPECT_TRUE(contains(r.out, "ALTER TABLE pgbench_accounts ADD PRIMARY KEY (aid);")) << r.out;
  EXPECT_TRUE(contains(r.err, "refusing to drop pgbench_accounts")) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_accounts"), "2");
  EXPECT_EQ(
      run_sql("SELECT count(*) FROM information_schema.tables WHERE table_name = 'pgbench_branches' AND "
              "table_schema = '" +
              schema + "'"),
      "0");

  // --force drops it, and says so.
  r = oltap({"load", tpcb, "--target", uri, "--force"}, RunOptions().in(dir.str()).timeout(120));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "--force: pgbench_accounts held rows no oltap load made")) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_accounts"), "100000");

  // A run fills pgbench_history, which has no record of its own; the next
  // load is oltap's own and goes ahead without --force.
  r = oltap({"run", tpcb, "--target", uri, "--transactions", "20", "--clients", "1", "--out",
             (dir / "run").string()},
            RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_history"), "20");
  r = oltap({"load", tpcb, "--target", uri}, RunOptions().in(dir.str()).timeout(120));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(contains(r.err, "drops and recreates")) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_history"), "0");

  // A dry run of a load that would go ahead exits 0 and changes nothing.
  r = oltap({"run", tpcb, "--target", uri, "--transactions", "5", "--clients", "1", "--out",
             (dir / "run2").string()},
            RunOptions().in(dir.str()).timeout(60));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  r = oltap({"load", tpcb, "--target", uri, "--dry-run"}, RunOptions().in(dir.str()));
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_EQ(run_sql("SELECT count(*) FROM pgbench_history"), "5");
}

TEST(LoadGuard, PostgresqlUserTableIsNotDroppedWithoutForce) {
  const std::string pg = make_scratch_db(kDb);
  check_guard(pg, "public", [&](const std::string& sql) {
    if (sql.rfind("SELECT", 0) == 0) return sql_value(pg, sql);
    sql_exec(pg, sql);
    return std::string();
  });
}

TEST(LoadGuard, MariadbUserTableIsNotDroppedWithoutForce) {
  const std::string maria = make_scratch_mariadb(kDb);
  check_guard(maria, kDb, [&](const std::string& sql) { return mariadb_sql(sql, kDb); });
}

}  // namespace
}  // namespace oltap_it
