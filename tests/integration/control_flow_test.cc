// `if:` and `rollback_if:` on steps, against the real PostgreSQL: a step
// guarded by `if` runs exactly when its condition holds, and a transaction
// ended by `rollback_if` leaves nothing behind and is counted as aborted,
// not as an error.
#include <gtest/gtest.h>

#include <fstream>

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
  std::string uri_;
};

TEST_F(ControlFlow, IfGuardsAStepAndRollbackIfAbortsWithoutAnError) {
  TempDir dir;
  fs::path file = dir / "cf.yaml";
  {
    std::ofstream out(file);
    out << kWorkload;
  }
  CmdResult load = oltap({"load", file.string(), "--target", uri_});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  CmdResult r = oltap({"run", file.string(), "--target", uri_, "--transactions", "500", "--clients", "2",
                       "--out", (dir / "out").string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto all = summary_all_row(read_csv(dir / "out" / "summary.csv"));
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

}  // namespace
}  // namespace oltap_it
