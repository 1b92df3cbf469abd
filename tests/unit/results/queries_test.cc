// An analytical run's result files and what is read from them: summary.csv's
// rows, checksum and status columns (only in analytical runs), the figures
// (geometric mean, queries per hour, streams' times), the answer checks, the
// tables people read, compare of checksums, and meta.json.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

const std::string kPg = "postgresql://oltap@127.0.0.1:5432/oltap";
const std::string kMy = "mysql://oltap@127.0.0.1:3306/oltap";

SummaryRow query_row(const std::string& target, const std::string& stream, const std::string& query,
                     double ms, const std::string& status = "ok", int64_t rows = 3,
                     const std::string& checksum = "") {
  SummaryRow r;
  r.run_id = "run";
  r.workload = "w";
  r.target = target;
  r.engine = target.substr(0, target.find(':'));
  r.group = stream;
  r.txn = query;
  r.clients = 1;
  r.duration_s = ms / 1000;
  r.committed = status == "ok" ? 1 : 0;
  r.errors = status == "ok" ? 0 : 1;
  r.lat_mean_ms = r.lat_p50_ms = r.lat_max_ms = ms;
  r.status = status;
  r.rows = status == "ok" ? rows : -1;
  r.checksum = status == "ok" ? checksum : "";
  return r;
}

SummaryRow all_row(const std::string& target, const std::string& stream, double elapsed_s, int64_t completed,
                   int64_t failed) {
  SummaryRow r;
  r.run_id = "run";
  r.workload = "w";
  r.target = target;
  r.group = stream;
  r.txn = "ALL";
  r.clients = 1;
  r.duration_s = elapsed_s;
  r.committed = completed;
  r.errors = failed;
  return r;
}

// A power run on two targets: q1 and q2 agree, q3 differs.
std::vector<SummaryRow> two_targets() {
  const std::string a(64, 'a'), b(64, 'b'), c(64, 'c');
  return {query_row(kPg, "stream0", "q1", 10, "ok", 3, a),  query_row(kPg, "stream0", "q2", 1000, "ok", 1, b),
          query_row(kPg, "stream0", "q3", 100, "ok", 5, c), all_row(kPg, "stream0", 1.11, 3, 0),
          query_row(kMy, "stream0", "q1", 20, "ok", 3, a),  query_row(kMy, "stream0", "q2", 500, "ok", 1, b),
          query_row(kMy, "stream0", "q3", 50, "ok", 4, c),  all_row(kMy, "stream0", 0.57, 3, 0)};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

class QueryFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("oltap-queries-test-" + std::to_string(getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string read(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  Meta analytical_meta(bool verify) const {
    Meta m;
    m.run_id = "run";
    m.workload = "w";
    m.queries = Meta::Queries{1, 30, verify};
    for (const auto& t : {kPg, kMy}) {
      Meta::TargetInfo ti;
      ti.target = t;
      ti.stream_orders = {{"stream0", {"q1", "q2", "q3"}}};
      m.targets.push_back(ti);
    }
    m.targets[1].query_failures = {{"stream0", "q9", "timeout", "cancelled on the server"}};
    return m;
  }
  fs::path dir_;
};

// ---------------------------------------------------------------- files

TEST_F(QueryFiles, AnalyticalSummaryEndsWithRowsChecksumAndStatusAndReadsBack) {
  auto rows = two_targets();
  rows.push_back(query_row(kMy, "stream0", "q9", 30000, "timeout"));
  write_run(dir_.string(), rows, {}, analytical_meta(true));
  const std::string csv = read("summary.csv");
  const std::string header = csv.substr(0, csv.find('\n'));
  EXPECT_EQ(header.substr(header.size() - std::string(",tpm,rows,checksum,status").size()),
            ",tpm,rows,checksum,status");
  auto back = read_summary(dir_.string());
  ASSERT_EQ(back.size(), rows.size());
  EXPECT_EQ(back[0].rows, 3);
  EXPECT_EQ(back[0].checksum, std::string(64, 'a'));
  EXPECT_EQ(back[0].status, "ok");
  EXPECT_EQ(back[3].txn, "ALL");
  EXPECT_EQ(back[3].rows, -1);  // written empty
  EXPECT_EQ(back[3].status, "");
  EXPECT_EQ(back.back().status, "timeout");
  EXPECT_EQ(back.back().errors, 1);
  EXPECT_TRUE(is_analytical(back));
  EXPECT_TRUE(contains(csv, ",30000.000,0,false,0.00,,,timeout\n")) << csv;
}

TEST_F(QueryFiles, TransactionalSummaryHasNoAnswerColumns) {
  Meta m;
  m.run_id = "run";
  SummaryRow r = all_row(kPg, "default", 10, 100, 0);
  write_run(dir_.string(), {r}, {}, m);
  const std::string csv = read("summary.csv");
  EXPECT_FALSE(contains(csv.substr(0, csv.find('\n')), "checksum"));
  EXPECT_FALSE(is_analytical(read_summary(dir_.string())));
}

TEST_F(QueryFiles, MetaJsonHasTheSettingsFiguresOrdersFailuresAndAnswers) {
  auto rows = two_targets();
  write_run(dir_.string(), rows, {}, analytical_meta(true));
  auto j = nlohmann::json::parse(read("meta.json"));
  EXPECT_EQ(j["settings"]["queries"]["streams"], 1);
  EXPECT_EQ(j["settings"]["queries"]["query_timeout_s"], 30);
  EXPECT_EQ(j["settings"]["queries"]["verify"], true);
  const auto& q = j["targets"][0]["queries"];
  EXPECT_EQ(q["mode"], "power");
  EXPECT_DOUBLE_EQ(q["elapsed_s"].get<double>(), 1.11);
  EXPECT_EQ(q["completed"], 3);
  EXPECT_NEAR(q["geomean_s"].get<double>(), 0.1, 1e-12);  // (0.01 * 1 * 0.1)^(1/3)
  EXPECT_NEAR(q["queries_per_hour"].get<double>(), 3 * 3600 / 1.11, 1e-9);
  EXPECT_EQ(q["streams"][0]["order"], nlohmann::json({"q1", "q2", "q3"}));
  EXPECT_TRUE(j["targets"][0]["queries"]["failures"].empty());
  EXPECT_EQ(j["targets"][1]["queries"]["failures"][0]["status"], "timeout");
  EXPECT_EQ(j["answers"]["agree"], nlohmann::json({"q1", "q2"}));
  ASSERT_EQ(j["answers"]["differ"].size(), 1u);
  EXPECT_EQ(j["answers"]["differ"][0]["query"], "q3");
  EXPECT_EQ(j["answers"]["differ"][0]["answers"][1]["rows"], 4);
}

TEST_F(QueryFiles, MetaJsonHasNoAnswersWithoutVerify) {
  write_run(dir_.string(), two_targets(), {}, analytical_meta(false));
  auto j = nlohmann::json::parse(read("meta.json"));
  EXPECT_FALSE(j.contains("answers"));
  EXPECT_TRUE(j["targets"][0].contains("queries"));
}

// ---------------------------------------------------------------- figures

TEST(QueryFigures, PowerRunGeometricMeanOfCompletedQueriesAndQueriesPerHour) {
  std::vector<SummaryRow> rows = {query_row(kPg, "stream0", "q1", 10), query_row(kPg, "stream0", "q2", 1000),
                                  query_row(kPg, "stream0", "q3", 5000, "timeout"),
                                  all_row(kPg, "stream0", 6.0, 2, 1)};
  auto f = query_figures(rows);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_TRUE(f[0].power());
  EXPECT_EQ(f[0].completed, 2);
  EXPECT_EQ(f[0].failed, 1);
  ASSERT_TRUE(f[0].streams[0].geomean_s.has_value());
  EXPECT_NEAR(*f[0].streams[0].geomean_s, std::sqrt(0.01 * 1.0), 1e-12);
  EXPECT_DOUBLE_EQ(f[0].queries_per_hour, 2 * 3600 / 6.0);
}

TEST(QueryFigures, ThroughputRunTakesTheLongestStreamsElapsedTime) {
  std::vector<SummaryRow> rows = {query_row(kPg, "stream0", "q1", 100), all_row(kPg, "stream0", 2.0, 1, 0),
                                  query_row(kPg, "stream1", "q1", 300), all_row(kPg, "stream1", 3.0, 1, 0)};
  auto f = query_figures(rows);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].power());
  ASSERT_EQ(f[0].streams.size(), 2u);
  EXPECT_DOUBLE_EQ(f[0].elapsed_s, 3.0);
  EXPECT_EQ(f[0].completed, 2);
  EXPECT_DOUBLE_EQ(f[0].queries_per_hour, 2 * 3600 / 3.0);
}

TEST(QueryFigures, NoGeometricMeanWithoutACompletedQueryAndNoneForTransactionalRows) {
  auto f = query_figures({query_row(kPg, "stream0", "q1", 10, "error"), all_row(kPg, "stream0", 0.01, 0, 1)});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_FALSE(f[0].streams[0].geomean_s.has_value());
  EXPECT_EQ(f[0].queries_per_hour, 0);
  EXPECT_TRUE(query_figures({all_row(kPg, "default", 10, 100, 0)}).empty());
}

// ---------------------------------------------------------------- answers

TEST(CheckAnswers, AgreeWhenEveryChecksumAndRowCountIsTheSame) {
  auto rows = two_targets();
  auto checks = check_answers(rows);
  ASSERT_EQ(checks.size(), 3u);
  EXPECT_TRUE(checks[0].agree);
  EXPECT_TRUE(checks[1].agree);
  EXPECT_FALSE(checks[2].agree);
  EXPECT_EQ(checks[2].answers.size(), 2u);
}

TEST(CheckAnswers, AcrossStreamsOfOneTargetToo) {
  std::vector<SummaryRow> rows = {query_row(kPg, "stream0", "q1", 1, "ok", 2, "x"),
                                  query_row(kPg, "stream1", "q1", 1, "ok", 2, "y")};
  auto checks = check_answers(rows);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_FALSE(checks[0].agree);
}

TEST(CheckAnswers, NoneWithoutChecksums) {
  EXPECT_TRUE(check_answers({query_row(kPg, "stream0", "q1", 1)}).empty());
}

TEST(QueryLines, PrintTheFiguresAndADiffersLinePerDifferingQuery) {
  const std::string out = query_lines(two_targets());
  EXPECT_TRUE(contains(out, "postgresql: power run, 3 of 3 queries completed in 1.110 s")) << out;
  EXPECT_TRUE(contains(out, "geometric mean 100.000 ms")) << out;
  EXPECT_TRUE(contains(out, "DIFFERS q3: postgresql 5 rows cccccccccccc, mysql 4 rows cccccccccccc")) << out;
  EXPECT_FALSE(contains(out, "DIFFERS q1")) << out;
  EXPECT_TRUE(contains(out, "answers: 1 of 3 queries DIFFER across 2 target(s)")) << out;
}

TEST(QueryLines, SayAllAgreeAndNameTheStreamsOfAThroughputRun) {
  std::vector<SummaryRow> rows = {
      query_row(kPg, "stream0", "q1", 100, "ok", 2, "x"), all_row(kPg, "stream0", 2.0, 1, 0),
      query_row(kPg, "stream1", "q1", 300, "ok", 2, "x"), all_row(kPg, "stream1", 3.0, 1, 0)};
  const std::string out = query_lines(rows);
  EXPECT_TRUE(contains(out, "throughput run, 2 streams, 2 of 2 queries completed in 3.000 s")) << out;
  EXPECT_TRUE(contains(out, "(stream 0 2.000 s, stream 1 3.000 s)")) << out;
  EXPECT_TRUE(contains(out, "answers: all 1 queries agree across 1 target(s) and 2 streams")) << out;
  EXPECT_FALSE(contains(out, "geometric mean")) << out;
}

TEST(QueryTable, OneColumnPerTargetAndTheAnswerColumn) {
  auto rows = two_targets();
  rows.push_back(query_row(kPg, "stream0", "q4", 30000, "timeout"));
  const std::string out = query_table(rows);
  EXPECT_TRUE(contains(out, "query")) << out;
  EXPECT_TRUE(contains(out, "postgresql ms")) << out;
  EXPECT_TRUE(contains(out, "mysql ms")) << out;
  EXPECT_TRUE(contains(out, "1000.000")) << out;
  EXPECT_TRUE(contains(out, "DIFFERS")) << out;
  EXPECT_TRUE(contains(out, "5/4")) << out;  // rows per target when they differ
  EXPECT_TRUE(contains(out, "timeout")) << out;
  EXPECT_TRUE(contains(out, "mysql = " + kMy)) << out;
  EXPECT_FALSE(contains(out, "ALL")) << out;
}

TEST(CompareAnswers, NameTheQueriesWhoseChecksumsChanged) {
  auto base = two_targets();
  auto cur = two_targets();
  cur[0].checksum = std::string(64, 'z');
  const std::string out = compare_answers(base, cur);
  EXPECT_TRUE(contains(out, "DIFFERS " + kPg + " stream0/q1")) << out;
  EXPECT_TRUE(contains(out, "answers: 1 of 6 checksummed queries differ")) << out;
  EXPECT_EQ(compare_answers(base, base), "answers: all 6 checksummed queries agree\n");
  EXPECT_EQ(compare_answers({all_row(kPg, "default", 1, 1, 0)}, {all_row(kPg, "default", 1, 1, 0)}), "");
}

}  // namespace
}  // namespace oltap::results
