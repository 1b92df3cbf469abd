// `oltap compare` and `oltap gate` on the result files of real runs.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "harness.h"

using namespace oltap_it;

namespace {

// The ways a tps of summary.csv (two decimals) may show with one decimal.
std::vector<std::string> tps_renderings(const std::string& csv_value) {
  double v = std::stod(csv_value);
  std::vector<std::string> out;
  for (double d : {v, v - 0.005, v + 0.005}) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f", d);
    out.push_back(buf);
  }
  return out;
}

bool shows_tps(const std::string& text, const std::string& csv_value) {
  for (const auto& s : tps_renderings(csv_value))
    if (contains(text, s)) return true;
  return false;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

class CompareGate : public ::testing::Test {
 protected:
  // Two real runs of pgbench-tpcb, "a" and "b" (ctest runs each case in its
  // own process, so each case makes its own).
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_compare_gate");
    uri_ = uri;
    CmdResult load = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", uri_, "--jobs", "2"});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
    for (const char* name : {"a", "b"}) {
      CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", uri_, "--warmup", "0s",
                           "--duration", "2s", "--clients", "2", "--out", (dir_ / name).string()});
      ASSERT_EQ(r.exit_code, 0) << r.describe();
      ASSERT_TRUE(fs::is_regular_file(dir_ / name / "summary.csv"));
    }
  }

  std::string summary(const char* name) const { return (dir_ / name / "summary.csv").string(); }

  std::string uri_;
  TempDir dir_;
};

TEST_F(CompareGate, CompareAndGateOfTwoRealRuns) {
  CmdResult cmp = oltap({"compare", summary("a"), summary("b")});
  ASSERT_EQ(cmp.exit_code, 0) << cmp.describe();
  auto a_all = summary_all_row(read_csv(summary("a")));
  auto b_all = summary_all_row(read_csv(summary("b")));
  EXPECT_TRUE(shows_tps(cmp.out, a_all.at("tps"))) << "baseline tps " << a_all.at("tps") << " not shown:\n"
                                                   << cmp.out;
  EXPECT_TRUE(shows_tps(cmp.out, b_all.at("tps"))) << "current tps " << b_all.at("tps") << " not shown:\n"
                                                   << cmp.out;
  EXPECT_TRUE(contains(cmp.out, "ALL")) << cmp.out;

  // result folders work as well as the files
  CmdResult cmp_dirs = oltap({"compare", (dir_ / "a").string(), (dir_ / "b").string()});
  EXPECT_EQ(cmp_dirs.exit_code, 0) << cmp_dirs.describe();
  EXPECT_EQ(cmp_dirs.out, cmp.out);

  CmdResult gate = oltap(
      {"gate", (dir_ / "b").string(), "--baseline", (dir_ / "a").string(), "--max-regression", "1000%"});
  EXPECT_EQ(gate.exit_code, 0) << gate.describe();
  EXPECT_TRUE(contains(gate.out, "PASS")) << gate.describe();
  EXPECT_FALSE(contains(gate.out, "FAIL")) << gate.describe();

  // a run gated against itself passes at 0%
  CmdResult self = oltap({"gate", summary("a"), "--baseline", summary("a"), "--max-regression", "0%"});
  EXPECT_EQ(self.exit_code, 0) << self.describe();
  EXPECT_TRUE(contains(self.out, "PASS")) << self.describe();
}

TEST_F(CompareGate, GateFailsEveryRowWhenThroughputHalved) {
  Csv real = read_csv(summary("a"));
  ASSERT_GE(real.rows.size(), 2u);
  Csv halved = real;
  size_t tps = halved.col("tps");
  for (auto& row : halved.rows) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", std::stod(row[tps]) / 2);
    row[tps] = buf;
  }
  fs::path halved_path = dir_ / "halved.csv";
  write_file(halved_path, write_csv(halved));

  CmdResult gate =
      oltap({"gate", halved_path.string(), "--baseline", summary("a"), "--max-regression", "5%"});
  EXPECT_EQ(gate.exit_code, 1) << gate.describe();
  // one FAIL line per row of the summary, each naming its group/txn
  size_t group = real.col("group"), txn = real.col("txn");
  auto lines = lines_of(gate.out);
  for (const auto& row : real.rows) {
    std::string key = row[group] + "/" + row[txn];
    bool failed = false;
    for (const auto& l : lines)
      if (contains(l, key) && contains(l, "FAIL")) failed = true;
    EXPECT_TRUE(failed) << "no FAIL line for " << key << ":\n" << gate.out;
  }
  EXPECT_FALSE(contains(gate.out, "PASS")) << gate.describe();

  // compare reports the drop but is not a gate: it exits 0 and shows -50%
  CmdResult cmp = oltap({"compare", summary("a"), halved_path.string()});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.describe();
  EXPECT_TRUE(contains(cmp.out, "-50.0%") || contains(cmp.out, "-49.9%") || contains(cmp.out, "-50.1%"))
      << cmp.out;
}

TEST_F(CompareGate, GateOnMalformedCsvExits2) {
  fs::path bad = dir_ / "bad.csv";
  write_file(bad, "this,is,not\n\"an oltap,summary\n");
  CmdResult r1 = oltap({"gate", bad.string(), "--baseline", summary("a")});
  EXPECT_EQ(r1.exit_code, 2) << r1.describe();
  EXPECT_FALSE(r1.err.empty()) << r1.describe();

  CmdResult r2 = oltap({"gate", summary("a"), "--baseline", bad.string()});
  EXPECT_EQ(r2.exit_code, 2) << r2.describe();

  // a summary.csv whose numbers are not numbers
  Csv broken = read_csv(summary("a"));
  for (auto& row : broken.rows) row[broken.col("tps")] = "fast";
  fs::path nonnum = dir_ / "nonnumeric.csv";
  write_file(nonnum, write_csv(broken));
  CmdResult r3 = oltap({"gate", nonnum.string(), "--baseline", summary("a")});
  EXPECT_EQ(r3.exit_code, 2) << r3.describe();

  CmdResult r4 = oltap({"gate", (dir_ / "missing.csv").string(), "--baseline", summary("a")});
  EXPECT_EQ(r4.exit_code, 2) << r4.describe();

  CmdResult r5 = oltap({"compare", bad.string(), summary("a")});
  EXPECT_EQ(r5.exit_code, 2) << r5.describe();
}

}  // namespace
