// Named targets (--target LABEL=URI) on the real PostgreSQL and MariaDB: the
// label keys the rows of summary.csv, timeseries.csv and latency.hlog while
// meta.json keeps the redacted URI beside it, so a baseline made with one
// URI gates a run made with another URI of the same role; without labels
// the same two runs share no row. Bad and repeated labels are bad input.
//
// Isolation: database oltap_it_named_targets on the PostgreSQL server and on
// MariaDB.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "harness.h"

namespace oltap_it {
namespace {

const std::string kDb = "oltap_it_named_targets";

class NamedTargets : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = make_scratch_db(kDb);
    maria_ = make_scratch_mariadb(kDb);
    // B: another URI of the same server and database (an extra option).
    pg_b_ = pg_ + (contains(pg_, "?") ? "&" : "?") + "application_name=oltap_b";
    CmdResult load = oltap(
        {"load", workload("pgbench-tpcb.yaml"), "--target", "pg=" + pg_, "--target", "maria=" + maria_});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }
  // A 1 s run of pgbench-tpcb on the two targets given, into out.
  CmdResult run(const std::string& pg, const std::string& maria, const fs::path& out) const {
    return oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg, "--target", maria, "--clients", "2",
                  "--duration", "1s", "--warmup", "0s", "--out", out.string()});
  }
  std::string pg_, pg_b_, maria_;
  TempDir dir_;
};

TEST_F(NamedTargets, BaselineOfOneUriGatesARunOfAnotherByLabel) {
  CmdResult a = run("pg=" + pg_, "maria=" + maria_, dir_ / "a");
  ASSERT_EQ(a.exit_code, 0) << a.describe();
  CmdResult b = run("pg=" + pg_b_, "maria=" + maria_, dir_ / "b");
  ASSERT_EQ(b.exit_code, 0) << b.describe();

  // The label is the target column of both files; the URI stays in meta.json.
  for (const char* side : {"a", "b"}) {
    Csv s = read_csv(dir_ / side / "summary.csv");
    std::set<std::string> targets;
    for (size_t i = 0; i < s.rows.size(); ++i) targets.insert(s.at(i, "target"));
    EXPECT_EQ(targets, (std::set<std::string>{"pg", "maria"})) << side;
    Csv t = read_csv(dir_ / side / "timeseries.csv");
    ASSERT_FALSE(t.rows.empty());
    for (size_t i = 0; i < t.rows.size(); ++i)
      EXPECT_TRUE(t.at(i, "target") == "pg" || t.at(i, "target") == "maria");
    const std::string hlog = read_file(dir_ / side / "latency.hlog");
    EXPECT_TRUE(contains(hlog, "Tag=whole:pg/")) << side;
    EXPECT_TRUE(contains(hlog, "Tag=whole:maria/")) << side;
  }
  const auto meta = nlohmann::json::parse(read_file(dir_ / "b" / "meta.json"));
  ASSERT_EQ(meta["targets"].size(), 2u);
  EXPECT_EQ(meta["targets"][0]["label"], "pg");
  EXPECT_TRUE(contains(meta["targets"][0]["target"].get<std::string>(), "application_name=oltap_b"));
  EXPECT_EQ(meta["targets"][1]["label"], "maria");
  EXPECT_TRUE(contains(meta["command_line"].get<std::string>(), "--target pg=postgresql://"))
      << meta["command_line"];
  EXPECT_TRUE(contains(meta["targets"][1]["target"].get<std::string>(), "mysql://"));
  // What the run printed names the targets by label too.
  EXPECT_TRUE(contains(b.out, "pg")) << b.out;

  // A generous threshold: what is tested is that every row finds its match.
  CmdResult g = oltap(
      {"gate", (dir_ / "b").string(), "--baseline", (dir_ / "a").string(), "--max-regression", "1000%"});
  EXPECT_EQ(g.exit_code, 0) << g.describe();
  EXPECT_FALSE(contains(g.out + g.err, "missing")) << g.describe();
  EXPECT_TRUE(contains(g.out, "pg default/ALL")) << g.out;
  EXPECT_TRUE(contains(g.out, "maria default/ALL")) << g.out;

  // The same two URIs without labels: PostgreSQL's rows no longer match.
  CmdResult ua = run(pg_, maria_, dir_ / "ua");
  ASSERT_EQ(ua.exit_code, 0) << ua.describe();
  CmdResult ub = run(pg_b_, maria_, dir_ / "ub");
  ASSERT_EQ(ub.exit_code, 0) << ub.describe();
  CmdResult ug = oltap(
      {"gate", (dir_ / "ub").string(), "--baseline", (dir_ / "ua").string(), "--max-regression", "1000%"});
  EXPECT_NE(ug.exit_code, 0) << ug.describe();
  EXPECT_TRUE(contains(ug.out + ug.err, "missing")) << ug.describe();
}

TEST_F(NamedTargets, BadOrRepeatedLabelIsBadInput) {
  CmdResult bad = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", "my pg=" + pg_, "--duration", "1s",
                         "--out", (dir_ / "bad").string()});
  EXPECT_EQ(bad.exit_code, 2) << bad.describe();
  EXPECT_TRUE(contains(bad.err, "--target")) << bad.err;
  EXPECT_TRUE(contains(bad.err, "label 'my pg'")) << bad.err;
  CmdResult twice = run("pg=" + pg_, "pg=" + maria_, dir_ / "twice");
  EXPECT_EQ(twice.exit_code, 2) << twice.describe();
  EXPECT_TRUE(contains(twice.err, "the label 'pg' is given twice")) << twice.err;
  EXPECT_FALSE(fs::exists(dir_ / "twice" / "summary.csv"));
  // Two labels may name one URI: their rows are told apart by label.
  CmdResult same = run("one=" + pg_, "two=" + pg_b_, dir_ / "same");
  EXPECT_EQ(same.exit_code, 0) << same.describe();
}

}  // namespace
}  // namespace oltap_it
