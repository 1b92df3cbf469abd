// `if:` and `rollback_if:` on steps, against the real PostgreSQL: a step
// guarded by `if` runs exactly when its condition holds, and a transaction
// ended by `rollback_if` leaves nothing behind and is counted as aborted,
// not as an error.
#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "harness.h"

namespace oltap_it {
namespace {

const char* kWorkload = R"(name: control-flow
schema: |
  CREATE TABLE cf_orders (id bigint PRIMARY KEY, x int);
  CREATE TABLE cf_log (id bigint PRIMARY KEY);
parameters:
  id: {seq: 1}
  x: {uniform: [1, 10]}
  bad: {choice: [0, 1], weights: [90, 10]}
transactions:
  - name: order
    steps:
      - sql: INSERT INTO cf_orders (id, x) VALUES (:id, :x)
      - sql: INSERT INTO cf_log (id) VALUES (:id)
        if: x > 5
      - sql: SELECT :bad::int
        into: [flag]
        rollback_if: flag = 1
)";

class ControlFlow : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_control_flow");
    uri_ = uri;
  }
  // Writes text as a workload in dir, loads it, and runs it with `--transactions
  // per_client --clients clients`; fails the test if either exits non-zero.
  // Returns the ALL row of the run's summary.csv.
  std::map<std::string, std::string> load_and_run(const TempDir& dir, const char* text, int per_client,
                                                  int clients) {
    fs::path file = dir / "workload.yaml";
    {
      std::ofstream out(file);
      out << text;
    }
    CmdResult load = oltap({"load", file.string(), "--target", uri_});
    EXPECT_EQ(load.exit_code, 0) << load.describe();
    CmdResult r = oltap({"run", file.string(), "--target", uri_, "--transactions", std::to_string(per_client),
                         "--clients", std::to_string(clients), "--out", (dir / "out").string(), "--force"});
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    if (load.exit_code != 0 || r.exit_code != 0) return {};
    return summary_all_row(read_csv(dir / "out" / "summary.csv"));
  }
  std::string uri_;
};

TEST_F(ControlFlow, IfGuardsAStepAndRollbackIfAbortsWithoutAnError) {
  TempDir dir;
  auto all = load_and_run(dir, kWorkload, 500, 2);
  ASSERT_FALSE(all.empty());
  const long long committed = std::stoll(all.at("committed"));
  const long long aborted = std::stoll(all.at("aborted"));
  EXPECT_EQ(all.at("errors"), "0");
  EXPECT_EQ(committed + aborted, 1000);
  // About 10% roll back on purpose (binomial: 100 expected, sd 9.5).
  EXPECT_GT(aborted, 50);
  EXPECT_LT(aborted, 160);
  // What rolled back left no row; what committed left exactly one order,
  // and a log row exactly when its x was above 5.
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM cf_orders"), committed);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM cf_log"),
            sql_int(uri_, "SELECT count(*) FROM cf_orders WHERE x > 5"));
  EXPECT_EQ(
      sql_int(uri_, "SELECT count(*) FROM cf_log l LEFT JOIN cf_orders o USING (id) WHERE o.id IS NULL"), 0);
  EXPECT_GT(sql_int(uri_, "SELECT count(*) FROM cf_log"), 0);
}

const char* kLoopWorkload = R"(name: loop
schema: |
  CREATE TABLE lp_orders (o_id bigint PRIMARY KEY, o_ol_cnt int);
  CREATE TABLE lp_lines (o_id bigint, ol_number int, ol_i_id int, PRIMARY KEY (o_id, ol_number));
parameters:
  o_id: {seq: 1}
  ol_cnt: {uniform: [5, 15]}
  ol_i_id: {uniform: [1, 30], distinct: true}
  rollback: {choice: [0, 1], weights: [95, 5]}
transactions:
  - name: new_order
    steps:
      - sql: INSERT INTO lp_orders (o_id, o_ol_cnt) VALUES (:o_id, :ol_cnt)
      - loop: {count: ol_cnt, index: ol_number, redraw: [ol_i_id]}
        steps:
          - sql: INSERT INTO lp_lines (o_id, ol_number, ol_i_id) VALUES (:o_id, :ol_number, :ol_i_id)
          - sql: SELECT :rollback::int * (:ol_number = :ol_cnt)::int
            into: [last_and_bad]
            rollback_if: last_and_bad = 1
)";

TEST_F(ControlFlow, LoopRunsItsBodyCountTimesWithAnIndexAndFreshDraws) {
  TempDir dir;
  auto all = load_and_run(dir, kLoopWorkload, 200, 2);
  ASSERT_FALSE(all.empty());
  const long long committed = std::stoll(all.at("committed"));
  const long long aborted = std::stoll(all.at("aborted"));
  EXPECT_EQ(committed + aborted, 400);
  EXPECT_GT(aborted, 5);  // 5% roll back at their last line: 20 expected
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM lp_orders"), committed);
  // Every committed order has exactly o_ol_cnt lines numbered 1..o_ol_cnt; a
  // rolled-back one left none.
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM lp_lines"),
            sql_int(uri_, "SELECT sum(o_ol_cnt) FROM lp_orders"));
  EXPECT_EQ(sql_int(uri_,
                    "SELECT count(*) FROM (SELECT o_id FROM lp_lines GROUP BY o_id "
                    "HAVING min(ol_number) <> 1 OR max(ol_number) <> count(*)) x"),
            0);
  EXPECT_EQ(
      sql_int(uri_,
              "SELECT count(*) FROM lp_lines l LEFT JOIN lp_orders o USING (o_id) WHERE o.o_id IS NULL"),
      0);
  EXPECT_EQ(sql_int(uri_, "SELECT (min(o_ol_cnt) >= 5 AND max(o_ol_cnt) <= 15)::int FROM lp_orders"), 1);
  // Items are drawn anew per line and, being distinct, never repeat within
  // an order (15 draws from 30 values would repeat in most orders otherwise).
  EXPECT_EQ(sql_int(uri_, "SELECT count(DISTINCT (o_id, ol_i_id)) FROM lp_lines"),
            sql_int(uri_, "SELECT count(*) FROM lp_lines"));
  EXPECT_GT(sql_int(uri_, "SELECT count(DISTINCT ol_i_id) FROM lp_lines"), 20);
}

const char* kMiddleWorkload = R"(name: middle
schema: |
  CREATE TABLE md_people (grp int, v int);
  CREATE TABLE md_picks (grp int, v int);
data:
  - table: md_people
    rows: 9
    columns:
      grp: {expr: 1 + row / 5}
      v: {expr: row % 5}
parameters:
  g: {choice: [1, 2]}
transactions:
  - name: pick
    steps:
      - sql: SELECT v FROM md_people WHERE grp = :g ORDER BY v
        into: [picked]
        into_row: middle
      - sql: INSERT INTO md_picks (grp, v) VALUES (:g, :picked)
)";

TEST_F(ControlFlow, IntoRowMiddleBindsRowCeilOfHalf) {
  TempDir dir;
  auto all = load_and_run(dir, kMiddleWorkload, 100, 1);
  ASSERT_FALSE(all.empty());
  // Group 1 holds v = 0..4 (5 rows: the 3rd, v = 2); group 2 holds 0..3 (4 rows: the 2nd, v = 1).
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM md_picks"), 100);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM md_picks WHERE grp = 1 AND v <> 2"), 0);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM md_picks WHERE grp = 2 AND v <> 1"), 0);
  EXPECT_GT(sql_int(uri_, "SELECT count(DISTINCT grp) FROM md_picks"), 1);
}

const char* kBlockWorkload = R"(name: blocks
schema: |
  CREATE TABLE bk_log (id bigint PRIMARY KEY, x int, branch text, doubled int);
parameters:
  id: {seq: 1}
  x: {uniform: [1, 10]}
transactions:
  - name: branch
    steps:
      - let: {doubled: x * 2}
      - if: x > 5
        steps:
          - let: {label: "'high'"}
          - sql: INSERT INTO bk_log (id, x, branch, doubled) VALUES (:id, :x, :label, :doubled)
        else:
          - sql: INSERT INTO bk_log (id, x, branch, doubled) VALUES (:id, :x, 'low', :doubled)
      - sql: UPDATE bk_log SET doubled = doubled + 0 WHERE id = :id
)";

TEST_F(ControlFlow, IfBlockRunsItsStepsOrItsElseStepsAndLetComputesInTheClient) {
  TempDir dir;
  auto all = load_and_run(dir, kBlockWorkload, 300, 2);
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.at("errors"), "0");
  // Exactly one branch ran for each transaction, the one its x picks.
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM bk_log"), 600);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM bk_log WHERE (x > 5) <> (branch = 'high')"), 0);
  EXPECT_GT(sql_int(uri_, "SELECT count(*) FROM bk_log WHERE branch = 'high'"), 100);
  EXPECT_GT(sql_int(uri_, "SELECT count(*) FROM bk_log WHERE branch = 'low'"), 100);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM bk_log WHERE doubled <> 2 * x"), 0);
}

}  // namespace
}  // namespace oltap_it
