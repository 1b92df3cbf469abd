// A workload's `headline:` against the real PostgreSQL: summary.csv's tpm
// column is committed per minute of the measured time on every row,
// meta.json's figure is the named transaction's tpm beside the total and
// the efficiency, and `run` and `report` print the same line. Transactions
// rolled back on purpose are not in it; compare and gate still read the file.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const char* kWorkload = R"(name: headline
schema: |
  CREATE TABLE hl_orders (id bigint PRIMARY KEY);
parameters:
  id: {seq: 1}
  bad: {choice: [0, 1], weights: [90, 10]}
transactions:
  - name: new_order
    weight: 45
    steps:
      - sql: INSERT INTO hl_orders (id) VALUES (:id)
      - sql: SELECT :bad::int
        into: [flag]
        rollback_if: flag = 1
  - name: payment
    weight: 55
    steps:
      - sql: SELECT 1
headline:
  name: tpmC
  transaction: new_order
  per_scale_max: 12.86
)";

class Headline : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_headline");
    uri_ = uri;
  }
  std::string uri_;
};

TEST_F(Headline, TpmColumnAndMetaFigureAgreeWithCommittedAndDuration) {
  TempDir dir;
  fs::path file = dir / "workload.yaml";
  write_file(file, kWorkload);
  CmdResult load = oltap({"load", file.string(), "--target", uri_});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  fs::path out = dir / "out";
  CmdResult r = oltap({"run", file.string(), "--target", uri_, "--duration", "2s", "--clients", "2",
                       "--scale", "3", "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();

  Csv summary = read_csv(out / "summary.csv");
  // tpm follows the extra columns; the open loop's come after it.
  ASSERT_EQ(summary.col("tpm"), summary.col("incomplete") + 1) << "tpm does not follow incomplete";
  ASSERT_EQ(summary.rows.size(), 3u);
  std::map<std::string, double> tpm;
  for (const auto& row : summary.records()) {
    const double committed = std::stod(row.at("committed"));
    const double duration = std::stod(row.at("duration_s"));
    ASSERT_GT(duration, 1.5);
    // duration_s is written to the ms: allow for that rounding, and the tpm's own.
    EXPECT_NEAR(std::stod(row.at("tpm")), committed * 60 / duration, committed * 60 / duration * 1e-3 + 0.01)
        << row.at("txn");
    tpm[row.at("txn")] = std::stod(row.at("tpm"));
  }
  // Rolled back on purpose: aborted, and not in tpm (which counts exactly the orders left in the table).
  long long new_orders = 0;
  for (const auto& row : summary.records())
    if (row.at("txn") == "new_order") {
      EXPECT_GT(std::stoll(row.at("aborted")), 0);
      new_orders = std::stoll(row.at("committed"));
    }
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM hl_orders"), new_orders);
  EXPECT_GT(new_orders, 100);
  EXPECT_NEAR(tpm["new_order"] + tpm["payment"], tpm["ALL"], 0.02);

  json meta = json::parse(read_file(out / "meta.json"));
  ASSERT_EQ(meta["targets"].size(), 1u);
  const json& heads = meta["targets"][0]["headlines"];
  ASSERT_EQ(heads.size(), 1u) << meta.dump(2);
  const json& h = heads[0];
  EXPECT_EQ(h["name"], "tpmC");
  EXPECT_EQ(h["transaction"], "new_order");
  EXPECT_EQ(h["group"], "default");
  EXPECT_DOUBLE_EQ(h["value"].get<double>(), tpm["new_order"]);
  EXPECT_DOUBLE_EQ(h["tpm_total"].get<double>(), tpm["ALL"]);
  EXPECT_DOUBLE_EQ(h["scale"].get<double>(), 3);
  EXPECT_DOUBLE_EQ(h["per_scale_max"].get<double>(), 12.86);
  EXPECT_NEAR(h["efficiency_pct"].get<double>(), tpm["new_order"] / (12.86 * 3) * 100, 0.01);

  // The printed line, by run and by report alike.
  char value[32];
  std::snprintf(value, sizeof value, "%.2f", tpm["new_order"]);
  const std::string line = "tpmC " + std::string(value) + " (new_order commits per minute)";
  EXPECT_TRUE(contains(r.out, line)) << r.out;
  EXPECT_TRUE(contains(r.out, "efficiency ")) << r.out;
  CmdResult report = oltap({"report", out.string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  std::string printed = r.out.substr(r.out.find("tpmC "));
  printed = printed.substr(0, printed.find('\n') + 1);
  EXPECT_TRUE(contains(report.out, printed)) << "run printed:\n"
                                             << printed << "report printed:\n"
                                             << report.out;

  // compare and gate read the summary by column name: the new column is no obstacle.
  CmdResult cmp = oltap({"compare", out.string(), out.string()});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.describe();
  EXPECT_TRUE(contains(cmp.out, "default/new_order")) << cmp.out;
  CmdResult gate = oltap({"gate", out.string(), "--baseline", out.string(), "--max-regression", "5%"});
  EXPECT_EQ(gate.exit_code, 0) << gate.describe();
}

TEST_F(Headline, AWorkloadWithoutOnePrintsNoHeadline) {
  TempDir dir;
  fs::path out = dir / "out";
  CmdResult load = oltap({"load", workload("pgbench-select.yaml"), "--target", uri_});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--transactions", "20",
                       "--out", out.string()});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(contains(r.out, "commits per minute")) << r.out;
  EXPECT_FALSE(contains(read_file(out / "meta.json"), "headlines"));
  Csv summary = read_csv(out / "summary.csv");
  EXPECT_EQ(summary.col("tpm"), summary.col("incomplete") + 1);
}

}  // namespace
}  // namespace oltap_it
