// suite.csv's figures and file, and what counts as a complete repetition:
// the median of an even count is the mean of the middle two, the spread is
// relative to the median (0 when it is 0), the columns are the contract's,
// and a meta.json is complete only when it says so for every target.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

TEST(SuiteStat, MedianMinMaxSpread) {
  SuiteStat odd = suite_stat({30, 10, 20});
  EXPECT_DOUBLE_EQ(odd.median, 20);
  EXPECT_DOUBLE_EQ(odd.min, 10);
  EXPECT_DOUBLE_EQ(odd.max, 30);
  EXPECT_DOUBLE_EQ(odd.spread, 1.0);
  SuiteStat even = suite_stat({4, 1, 2, 3});
  EXPECT_DOUBLE_EQ(even.median, 2.5);
  EXPECT_DOUBLE_EQ(even.spread, 3 / 2.5);
  SuiteStat zero = suite_stat({0, 0, 3});
  EXPECT_DOUBLE_EQ(zero.median, 0);
  EXPECT_DOUBLE_EQ(zero.spread, 0);
  EXPECT_DOUBLE_EQ(suite_stat({}).max, 0);
}

class SuiteFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oltap_suite_csv_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void meta(const std::string& text) { std::ofstream(dir_ / "meta.json") << text; }
  fs::path dir_;
};

TEST_F(SuiteFiles, CsvHasTheContractColumnsAndRoundedFigures) {
  // Built whole (GCC 12 at -O3 misreads member-by-member string assignment as uninitialized).
  const SuiteRow r{.case_name = "tpcb-clients=8",
                   .target = "pg",
                   .group = "default",
                   .txn = "ALL",
                   .stage = "",
                   .reps = 3,
                   .tps = suite_stat({100.004, 90, 110}),
                   .lat_p50_ms = {},
                   .lat_p95_ms = {},
                   .lat_p99_ms = {},
                   .errors = suite_stat({0, 1, 2})};
  write_suite_csv(dir_.string(), {r});
  EXPECT_EQ(
      read(dir_ / "suite.csv"),
      "case,target,group,txn,stage,reps,tps_median,tps_min,tps_max,tps_spread,lat_p50_ms_median,"
      "lat_p50_ms_min,lat_p50_ms_max,lat_p50_ms_spread,lat_p95_ms_median,lat_p95_ms_min,lat_p95_ms_max,"
      "lat_p95_ms_spread,lat_p99_ms_median,lat_p99_ms_min,lat_p99_ms_max,lat_p99_ms_spread,errors_median,"
      "errors_min,errors_max,errors_spread\n"
      "tpcb-clients=8,pg,default,ALL,,3,100.00,90.00,110.00,0.2000,0.000,0.000,0.000,0.0000,0.000,0.000,"
      "0.000,0.0000,0.000,0.000,0.000,0.0000,1.0,0.0,2.0,2.0000\n");
}

TEST_F(SuiteFiles, CompleteOnlyWhenMetaSaysSoForEveryTarget) {
  EXPECT_FALSE(run_complete(dir_.string()));  // no meta.json
  meta(R"({"incomplete": false, "targets": [{"status": "complete"}]})");
  EXPECT_TRUE(run_complete(dir_.string()));
  meta(R"({"incomplete": true, "targets": [{"status": "complete"}]})");
  EXPECT_FALSE(run_complete(dir_.string()));
  meta(R"({"incomplete": false, "targets": [{"status": "complete"}, {"status": "failed"}]})");
  EXPECT_FALSE(run_complete(dir_.string()));
  meta(R"({"incomplete": false, "targets": []})");
  EXPECT_FALSE(run_complete(dir_.string()));
  meta(R"({"incomplete": false, "targ)");  // cut short
  EXPECT_FALSE(run_complete(dir_.string()));
}

}  // namespace
}  // namespace oltap::results
