// Analytical runs that time each query several times (--repeat): the figures
// are taken from each query's median (geometric mean of the medians, queries
// per hour of a median pass), the table people read shows the medians, and
// compare_query_runs puts two such runs side by side without tps or
// percentile columns.
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "results/results.h"

namespace oltap::results {
namespace {

const std::string kPg = "postgresql://oltap@127.0.0.1:5432/oltap";

// A query row of n timed executions: median and max as given, mean between.
SummaryRow repeated(const std::string& target, const std::string& stream, const std::string& query,
                    double median_ms, double max_ms, int64_t ok, int64_t failed = 0) {
  SummaryRow r;
  r.run_id = "run";
  r.workload = "w";
  r.target = target;
  r.engine = "postgresql";
  r.group = stream;
  r.txn = query;
  r.clients = 1;
  r.committed = ok;
  r.errors = failed;
  r.duration_s = ok * median_ms / 1000;
  r.tps = ok > 0 ? ok / r.duration_s : 0;
  r.lat_p50_ms = median_ms;
  r.lat_mean_ms = (median_ms + max_ms) / 2;  // unlike the median: the figures must not take it
  r.lat_p90_ms = r.lat_p95_ms = r.lat_p99_ms = r.lat_p999_ms = r.lat_max_ms = max_ms;
  r.status = failed > 0 ? "error" : "ok";
  r.rows = 1;
  return r;
}

SummaryRow all(const std::string& target, const std::string& stream, double elapsed_s, int64_t ok) {
  SummaryRow r;
  r.run_id = "run";
  r.workload = "w";
  r.target = target;
  r.group = stream;
  r.txn = "ALL";
  r.clients = 1;
  r.duration_s = elapsed_s;
  r.committed = ok;
  return r;
}

std::vector<SummaryRow> power_run(double q1_ms, double q2_ms, int reps) {
  return {repeated(kPg, "stream0", "q1", q1_ms, q1_ms * 3, reps),
          repeated(kPg, "stream0", "q2", q2_ms, q2_ms * 3, reps), all(kPg, "stream0", 10.0, 2 * reps)};
}

TEST(RepeatedQueries, GeometricMeanAndQueriesPerHourComeFromTheMedians) {
  const auto f = query_figures(power_run(10, 40, 5));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].repeat, 5);
  ASSERT_TRUE(f[0].streams[0].geomean_s);
  EXPECT_NEAR(*f[0].streams[0].geomean_s, 0.020, 1e-9);  // sqrt(10 * 40) ms, not of the means
  EXPECT_NEAR(f[0].streams[0].median_pass_s, 0.050, 1e-9);
  // Two queries in a median pass of 50 ms; not the run's 10 s of 10 executions.
  EXPECT_NEAR(f[0].queries_per_hour, 2 * 3600 / 0.050, 1e-6);
  EXPECT_EQ(f[0].completed, 10);
}

TEST(RepeatedQueries, OneTimingKeepsTheRunsElapsedTime) {
  const auto f = query_figures(power_run(10, 40, 1));
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].repeat, 1);
  EXPECT_NEAR(f[0].queries_per_hour, 2 * 3600 / 10.0, 1e-9);
}

TEST(RepeatedQueries, AQueryThatFailedSomeTimesCountsItsSamples) {
  auto rows = power_run(10, 40, 4);
  rows[0] = repeated(kPg, "stream0", "q1", 10, 30, 3, 1);
  const auto f = query_figures(rows);
  EXPECT_EQ(f[0].repeat, 4);  // 3 completed + 1 failed executions
  EXPECT_EQ(f[0].streams[0].queries, 2);
}

TEST(RepeatedQueries, TheTableShowsMediansAndTheLineSaysHowTheyWereTimed) {
  const auto rows = power_run(10, 40, 5);
  const std::string t = query_table(rows);
  EXPECT_NE(t.find("median ms"), std::string::npos) << t;
  EXPECT_NE(t.find("10.000"), std::string::npos) << t;
  EXPECT_EQ(t.find("20.000"), std::string::npos) << t;  // the mean of q1 is not shown
  const std::string l = query_lines(rows);
  EXPECT_NE(l.find("each query timed 5 times"), std::string::npos) << l;
  EXPECT_NE(l.find("geometric mean of the medians 20.000 ms"), std::string::npos) << l;
  EXPECT_NE(l.find("144000.0 queries per hour (of a median pass)"), std::string::npos) << l;
}

// The lines of text holding needle.
std::vector<std::string> lines_with(const std::string& text, const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

TEST(CompareQueryRuns, MediansAndTheirChangeThenGeometricMeanAndQueriesPerHour) {
  const std::string t = compare_query_runs(power_run(10, 40, 5), power_run(12, 40, 5));
  // Header: medians and repetitions, no tps or percentile columns.
  EXPECT_NE(t.find("median base"), std::string::npos) << t;
  EXPECT_EQ(t.find("tps"), std::string::npos) << t;
  EXPECT_EQ(t.find("p99"), std::string::npos) << t;
  const auto q1 = lines_with(t, "stream0/q1");
  ASSERT_EQ(q1.size(), 1u) << t;
  EXPECT_NE(q1[0].find("10.000"), std::string::npos) << q1[0];
  EXPECT_NE(q1[0].find("12.000"), std::string::npos) << q1[0];
  EXPECT_NE(q1[0].find("+20.0%"), std::string::npos) << q1[0];
  const auto q2 = lines_with(t, "stream0/q2");
  ASSERT_EQ(q2.size(), 1u) << t;
  EXPECT_NE(q2[0].find("+0.0%"), std::string::npos) << q2[0];
  EXPECT_TRUE(lines_with(t, "ALL").empty()) << t;  // a stream's total is not a query
  // The target: geometric means sqrt(10*40) = 20 and sqrt(12*40) = 21.909 ms
  // (+9.5%); queries per hour 2 * 3600 / 0.05 and / 0.052 (-3.8%).
  const auto target = lines_with(t, kPg);
  ASSERT_EQ(target.size(), 1u) << t;
  EXPECT_NE(target[0].find("20.000"), std::string::npos) << target[0];
  EXPECT_NE(target[0].find("21.909"), std::string::npos) << target[0];
  EXPECT_NE(target[0].find("+9.5%"), std::string::npos) << target[0];
  EXPECT_NE(target[0].find("144000.0"), std::string::npos) << target[0];
  EXPECT_NE(target[0].find("138461.5"), std::string::npos) << target[0];
  EXPECT_NE(target[0].find("-3.8%"), std::string::npos) << target[0];
}

TEST(CompareQueryRuns, AQueryOnOneSideOnlyOrNeverCompletedHasNoChange) {
  auto cur = power_run(10, 40, 3);
  cur[1] = repeated(kPg, "stream0", "q2", 0, 0, 0, 3);
  cur[1].status = "timeout";
  cur.insert(cur.begin(), repeated(kPg, "stream0", "q3", 5, 6, 3));
  const std::string t = compare_query_runs(power_run(10, 40, 3), cur);
  const auto q2 = lines_with(t, "stream0/q2");
  ASSERT_EQ(q2.size(), 1u) << t;
  EXPECT_NE(q2[0].find("timeout"), std::string::npos) << q2[0];
  EXPECT_NE(q2[0].find("0+3err"), std::string::npos) << q2[0];
  const auto q3 = lines_with(t, "stream0/q3");
  ASSERT_EQ(q3.size(), 1u) << t;
  EXPECT_EQ(q3[0].find('%'), std::string::npos) << q3[0];
}

TEST(CompareQueryRuns, TargetsOfAnotherNameArePairedWhenEachSideHasOne) {
  auto cur = power_run(10, 40, 3);
  for (auto& r : cur) r.target = "pg";
  const std::string t = compare_query_runs(power_run(10, 40, 3), cur);
  const auto target = lines_with(t, "-> pg");
  ASSERT_EQ(target.size(), 1u) << t;
  EXPECT_NE(target[0].find("+0.0%"), std::string::npos) << target[0];
}

}  // namespace
}  // namespace oltap::results
