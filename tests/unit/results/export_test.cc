// `oltap export`'s files, parsed back: github-action-benchmark's custom
// arrays ({name, unit, value, range?, extra?}: name and unit strings, value a
// number, range a string) and Bencher's Metric Format ({benchmark: {measure:
// {value, lower_value?, upper_value?}}}, all numbers), from a result folder
// written by write_run and from a suite.csv made by hand as the suite
// contract lays it out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class Export : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oltap-export-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

SummaryRow txn_row(const std::string& txn, double tps, double p99) {
  SummaryRow r;
  r.run_id = "run";
  r.workload = "pgbench-tpcb";
  r.target = "pg";
  r.engine = "postgresql";
  r.group = "default";
  r.txn = txn;
  r.clients = 4;
  r.duration_s = 10;
  r.committed = static_cast<int64_t>(tps * 10);
  r.tps = tps;
  r.lat_p50_ms = p99 / 2;
  r.lat_p99_ms = p99;
  r.lat_max_ms = p99 * 2;
  return r;
}

// Every entry of a github-action-benchmark array has the fields and types the action reads.
void expect_benchmark_array(const json& j) {
  ASSERT_TRUE(j.is_array());
  ASSERT_FALSE(j.empty());
  for (const auto& e : j) {
    ASSERT_TRUE(e.is_object()) << e;
    EXPECT_TRUE(e.at("name").is_string()) << e;
    EXPECT_TRUE(e.at("unit").is_string()) << e;
    EXPECT_TRUE(e.at("value").is_number()) << e;
    if (e.contains("range")) {
      EXPECT_TRUE(e["range"].is_string()) << e;
    }
    if (e.contains("extra")) {
      EXPECT_TRUE(e["extra"].is_string()) << e;
    }
    for (const auto& [k, v] : e.items())
      EXPECT_TRUE(k == "name" || k == "unit" || k == "value" || k == "range" || k == "extra") << k;
  }
}

// A BMF object: benchmarks of measures of {value, lower_value?, upper_value?}, numbers.
void expect_bmf(const json& j) {
  ASSERT_TRUE(j.is_object());
  ASSERT_FALSE(j.empty());
  for (const auto& [name, measures] : j.items()) {
    ASSERT_TRUE(measures.is_object()) << name;
    ASSERT_FALSE(measures.empty()) << name;
    for (const auto& [slug, m] : measures.items()) {
      ASSERT_TRUE(m.is_object()) << slug;
      EXPECT_TRUE(m.at("value").is_number()) << name << " " << slug;
      for (const auto& [k, v] : m.items()) {
        EXPECT_TRUE(k == "value" || k == "lower_value" || k == "upper_value") << k;
        EXPECT_TRUE(v.is_number()) << k;
      }
    }
  }
}

const json* find_named(const json& array, const std::string& name) {
  for (const auto& e : array)
    if (e.at("name") == name) return &e;
  return nullptr;
}

TEST_F(Export, AResultFoldersRowsInEachFormat) {
  Meta meta;
  meta.run_id = "run";
  meta.workload = "pgbench-tpcb";
  write_run(dir_.string(), {txn_row("tpcb", 1500.5, 7.25), txn_row("ALL", 1500.5, 7.25)}, {}, meta);
  const auto rows = export_rows(dir_.string());
  ASSERT_EQ(rows.size(), 2u);

  const json big = json::parse(export_json(rows, ExportFormat::kBenchmarkBigger));
  expect_benchmark_array(big);
  const json* tpcb = find_named(big, "pg default/tpcb");
  ASSERT_TRUE(tpcb) << big.dump();
  EXPECT_EQ((*tpcb)["unit"], "tps");
  EXPECT_DOUBLE_EQ((*tpcb)["value"].get<double>(), 1500.5);
  EXPECT_FALSE(tpcb->contains("range"));  // one run: no spread to give

  const json small = json::parse(export_json(rows, ExportFormat::kBenchmarkSmaller));
  expect_benchmark_array(small);
  const json* p99 = find_named(small, "pg default/ALL");
  ASSERT_TRUE(p99) << small.dump();
  EXPECT_EQ((*p99)["unit"], "ms");
  EXPECT_DOUBLE_EQ((*p99)["value"].get<double>(), 7.25);

  const json bmf = json::parse(export_json(rows, ExportFormat::kBencher));
  expect_bmf(bmf);
  EXPECT_DOUBLE_EQ(bmf["pg default/tpcb"]["throughput"]["value"].get<double>(), 1500.5);
  EXPECT_DOUBLE_EQ(bmf["pg default/tpcb"]["latency"]["value"].get<double>(), 7.25e6);  // ns
}

TEST_F(Export, AnAnalyticalRunGivesMediansGeometricMeanAndQueriesPerHour) {
  Meta meta;
  meta.run_id = "run";
  meta.workload = "w";
  meta.queries = Meta::Queries{};
  SummaryRow q = txn_row("q1", 0, 0);
  q.group = "stream0";
  q.committed = 3;
  q.duration_s = 0.03;
  q.lat_mean_ms = 11;
  q.lat_p50_ms = 10;
  q.lat_max_ms = 13;
  q.status = "ok";
  q.rows = 1;
  SummaryRow a = txn_row("ALL", 0, 0);
  a.group = "stream0";
  a.committed = 3;
  a.duration_s = 0.05;
  write_run(dir_.string(), {q, a}, {}, meta);
  const auto rows = export_rows(dir_.string());

  const json small = json::parse(export_json(rows, ExportFormat::kBenchmarkSmaller));
  expect_benchmark_array(small);
  const json* q1 = find_named(small, "pg stream0/q1");
  ASSERT_TRUE(q1) << small.dump();
  EXPECT_DOUBLE_EQ((*q1)["value"].get<double>(), 10);  // the median, not the mean
  EXPECT_FALSE(find_named(small, "pg stream0/ALL")) << small.dump();
  EXPECT_TRUE(find_named(small, "pg geometric mean")) << small.dump();

  const json big = json::parse(export_json(rows, ExportFormat::kBenchmarkBigger));
  expect_benchmark_array(big);
  ASSERT_EQ(big.size(), 1u) << big.dump();  // only the target's queries per hour
  EXPECT_EQ(big[0]["name"], "pg queries per hour");
  EXPECT_NEAR(big[0]["value"].get<double>(), 3600 / 0.010, 1e-6);  // one query, a median pass of 10 ms

  const json bmf = json::parse(export_json(rows, ExportFormat::kBencher));
  expect_bmf(bmf);
  EXPECT_DOUBLE_EQ(bmf["pg stream0/q1"]["latency"]["value"].get<double>(), 10e6);
  EXPECT_DOUBLE_EQ(bmf["pg stream0/q1"]["latency"]["upper_value"].get<double>(), 13e6);
}

TEST_F(Export, ASuiteGivesMediansWithTheirRangeFromTheRepetitions) {
  std::string header = "case,target,group,txn,stage,reps";
  for (const char* m : {"tps", "lat_p50_ms", "lat_p95_ms", "lat_p99_ms", "errors"})
    for (const char* s : {"median", "min", "max", "spread"}) header += std::string(",") + m + "_" + s;
  std::ofstream(dir_ / "suite.csv")
      << header << "\n"
      << "tpcb-clients=4,pg,default,tpcb,,5,1000,900,1100,0.2,1,0.9,1.1,0.2,2,1.8,"
         "2.2,0.2,3,2,4,0.667,0,0,0,0\n"
      << "tpcb-clients=4,my,default,tpcb,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,"
         "0,0,0\n";
  const auto rows = export_rows(dir_.string());
  ASSERT_EQ(rows.size(), 1u);  // a row without a complete repetition has no figure

  const json big = json::parse(export_json(rows, ExportFormat::kBenchmarkBigger));
  expect_benchmark_array(big);
  ASSERT_EQ(big.size(), 1u);
  EXPECT_EQ(big[0]["name"], "tpcb-clients=4 pg default/tpcb");
  EXPECT_DOUBLE_EQ(big[0]["value"].get<double>(), 1000);
  EXPECT_EQ(big[0]["range"], "± 100.000");

  const json small = json::parse(export_json(rows, ExportFormat::kBenchmarkSmaller));
  expect_benchmark_array(small);
  EXPECT_DOUBLE_EQ(small[0]["value"].get<double>(), 3);  // p99's median
  EXPECT_EQ(small[0]["range"], "± 1.000");

  const json bmf = json::parse(export_json(rows, ExportFormat::kBencher));
  expect_bmf(bmf);
  const json& m = bmf["tpcb-clients=4 pg default/tpcb"];
  EXPECT_DOUBLE_EQ(m["throughput"]["lower_value"].get<double>(), 900);
  EXPECT_DOUBLE_EQ(m["throughput"]["upper_value"].get<double>(), 1100);
  EXPECT_DOUBLE_EQ(m["latency"]["value"].get<double>(), 3e6);
  EXPECT_DOUBLE_EQ(m["latency"]["lower_value"].get<double>(), 2e6);
  EXPECT_DOUBLE_EQ(m["latency"]["upper_value"].get<double>(), 4e6);
}

TEST_F(Export, ASuiteCsvWithoutItsColumnsAndAnUnknownFormatAreRefused) {
  std::ofstream(dir_ / "suite.csv") << "case,target\nx,y\n";
  try {
    export_rows(dir_.string());
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find("suite.csv:1: missing column"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_export_format("csv"), Error);
  EXPECT_EQ(parse_export_format("bencher"), ExportFormat::kBencher);
}

}  // namespace
}  // namespace oltap::results
