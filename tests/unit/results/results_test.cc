// Pins down the result files other tools rely on: summary.csv starts with
// DESIGN.md's contract columns in order and reads back to the same rows,
// fields are CSV-escaped, a broken summary is refused with file and line,
// no temporary file outlives write_run; and the verdicts drawn from files:
// gate (tps drop or p99 rise beyond the threshold, a missing row),
// compare_table's % changes, and how match_rows pairs rows; and which result
// folders a run may write into (check_out_dir).
#include "results/results.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

// summary.csv's contract columns, copied from DESIGN.md.
const std::vector<std::string> kDesignColumns = {
    "run_id",     "workload",   "target",     "engine",      "group",     "txn",         "clients",
    "duration_s", "committed",  "aborted",    "errors",      "tps",       "lat_mean_ms", "lat_p50_ms",
    "lat_p90_ms", "lat_p95_ms", "lat_p99_ms", "lat_p999_ms", "lat_max_ms"};

// A fresh directory per test, removed afterwards.
class ResultFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        fs::temp_directory_path() / ("oltap-results-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  fs::path dir_;
};

SummaryRow sample_row(const std::string& txn) {
  SummaryRow r;
  r.run_id = "20240611-101500";
  r.workload = "pgbench-tpcb";
  r.target = "postgresql://oltap@127.0.0.1:5432/oltap";
  r.engine = "postgres";
  r.group = "default";
  r.txn = txn;
  r.clients = 8;
  r.duration_s = 30.5;
  r.committed = 123456;
  r.aborted = 7;
  r.errors = 2;
  r.tps = 4047.75;
  r.lat_mean_ms = 1.875;
  r.lat_p50_ms = 1.5;
  r.lat_p90_ms = 2.25;
  r.lat_p95_ms = 3.125;
  r.lat_p99_ms = 5.5;
  r.lat_p999_ms = 12.75;
  r.lat_max_ms = 99.125;
  r.retries = 11;
  r.incomplete = true;
  return r;
}

Meta sample_meta() {
  Meta m;
  m.run_id = "20240611-101500";
  m.workload = "pgbench-tpcb";
  m.workload_file = "workloads/pgbench-tpcb.yaml";
  return m;
}

std::string header_of(const std::string& csv) { return csv.substr(0, csv.find('\n')); }

// The error read_summary throws for path; fails the test when it reads.
Error read_error(const std::string& path) {
  try {
    read_summary(path);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << path << " read without error";
  return Error(ErrorClass::kFatal, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

const std::string kTarget = "postgresql://oltap@127.0.0.1:5432/oltap";

// svc_p50_ms ... stage: the columns a transactional summary.csv has after tpm.
constexpr int kOpenLoopColumns = 9;
// The error classes and unknown, after the open loop's.
constexpr int kErrorColumns = 7;

// sample_row with every open-loop figure set, to digits the file keeps.
SummaryRow open_loop_row(const std::string& txn, const std::string& stage) {
  SummaryRow r = sample_row(txn);
  r.svc_p50_ms = 0.875;
  r.svc_p99_ms = 4.25;
  r.svc_max_ms = 50.5;
  r.lag_mean_ms = 0.625;
  r.lag_max_ms = 48.125;
  r.late = 17;
  r.skipped = 3;
  r.offered_tps = 4000.25;
  r.stage = stage;
  return r;
}

// ---------------------------------------------------------------- write_run / read_summary

TEST(SummaryColumns, AreTheContractColumnsOfDesignMd) { EXPECT_EQ(kSummaryColumns, kDesignColumns); }

TEST_F(ResultFiles, SummaryHeaderStartsWithTheContractColumnsInOrder) {
  write_run(dir_.string(), {sample_row("tpcb")}, {}, sample_meta());
  std::string header = header_of(read("summary.csv"));
  std::string expected;
  for (size_t i = 0; i < kDesignColumns.size(); ++i) expected += (i ? "," : "") + kDesignColumns[i];
  EXPECT_EQ(header.substr(0, expected.size()), expected);
  // Anything more follows after a comma.
  if (header.size() > expected.size()) {
    EXPECT_EQ(header[expected.size()], ',');
  }
}

TEST_F(ResultFiles, SummaryRowsRoundTrip) {
  SummaryRow a = sample_row("tpcb");
  SummaryRow all = sample_row("ALL");
  all.incomplete = false;
  all.retries = 0;
  all.tps = 0.25;
  write_run(dir_.string(), {a, all}, {}, sample_meta());

  std::vector<SummaryRow> rows = read_summary(path("summary.csv"));
  ASSERT_EQ(rows.size(), 2u);
  const SummaryRow& r = rows[0];
  EXPECT_EQ(r.run_id, a.run_id);
  EXPECT_EQ(r.workload, a.workload);
  EXPECT_EQ(r.target, a.target);
  EXPECT_EQ(r.engine, a.engine);
  EXPECT_EQ(r.group, a.group);
  EXPECT_EQ(r.txn, "tpcb");
  EXPECT_EQ(r.clients, a.clients);
  EXPECT_DOUBLE_EQ(r.duration_s, a.duration_s);
  EXPECT_EQ(r.committed, a.committed);
  EXPECT_EQ(r.aborted, a.aborted);
  EXPECT_EQ(r.errors, a.errors);
  EXPECT_DOUBLE_EQ(r.tps, a.tps);
  EXPECT_DOUBLE_EQ(r.lat_mean_ms, a.lat_mean_ms);
  EXPECT_DOUBLE_EQ(r.lat_p50_ms, a.lat_p50_ms);
  EXPECT_DOUBLE_EQ(r.lat_p90_ms, a.lat_p90_ms);
  EXPECT_DOUBLE_EQ(r.lat_p95_ms, a.lat_p95_ms);
  EXPECT_DOUBLE_EQ(r.lat_p99_ms, a.lat_p99_ms);
  EXPECT_DOUBLE_EQ(r.lat_p999_ms, a.lat_p999_ms);
  EXPECT_DOUBLE_EQ(r.lat_max_ms, a.lat_max_ms);
  EXPECT_EQ(r.retries, 11);
  EXPECT_TRUE(r.incomplete);

  EXPECT_EQ(rows[1].txn, "ALL");
  EXPECT_DOUBLE_EQ(rows[1].tps, 0.25);
  EXPECT_EQ(rows[1].retries, 0);
  EXPECT_FALSE(rows[1].incomplete);
}

TEST_F(ResultFiles, ReadSummaryAcceptsTheResultFolder) {
  write_run(dir_.string(), {sample_row("tpcb")}, {}, sample_meta());
  std::vector<SummaryRow> rows = read_summary(dir_.string());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].txn, "tpcb");
}

TEST_F(ResultFiles, WriteRunCreatesTheFolderAndAllThreeFiles) {
  fs::path nested = dir_ / "a" / "b";
  TimeseriesRow ts;
  ts.target = "t";
  ts.group = "default";
  ts.txn = "ALL";
  ts.t_s = 1;
  write_run(nested.string(), {sample_row("tpcb")}, {ts}, sample_meta());
  EXPECT_TRUE(fs::exists(nested / "summary.csv"));
  EXPECT_TRUE(fs::exists(nested / "timeseries.csv"));
  EXPECT_TRUE(fs::exists(nested / "meta.json"));
  std::ifstream in(nested / "timeseries.csv");
  std::string header, line;
  std::getline(in, header);
  std::getline(in, line);
  // The closed loop's columns in their places, the open loop's after them.
  EXPECT_EQ(header,
            "target,group,txn,t_s,committed,errors,tps,lat_p50_ms,lat_p95_ms,lat_p99_ms,aborted,"
            "svc_p50_ms,svc_p99_ms,lag_mean_ms,lag_max_ms,late,skipped,offered_tps,stage,err_connection,"
            "err_serialization,err_deadlock,err_constraint,err_timeout,err_other,unknown,connected");
  EXPECT_EQ(line.rfind("t,default,ALL,1.000,", 0), 0u) << line;
}

TEST_F(ResultFiles, WriteRunLeavesNoTemporaryFiles) {
  write_run(dir_.string(), {sample_row("tpcb")}, {}, sample_meta());
  write_run(dir_.string(), {sample_row("tpcb")}, {}, sample_meta());  // over an earlier run too
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    ++files;
    EXPECT_NE(entry.path().extension(), ".tmp") << entry.path();
  }
  EXPECT_EQ(files, 3);
}

TEST_F(ResultFiles, WriteFileAtomicReplacesTheOldContent) {
  write_file_atomic(path("x.txt"), "first version, longer");
  write_file_atomic(path("x.txt"), "second");
  EXPECT_EQ(read("x.txt"), "second");
  EXPECT_FALSE(fs::exists(path("x.txt.tmp")));
}

TEST_F(ResultFiles, FieldsWithCommasAndQuotesAreEscapedAndReadBack) {
  SummaryRow r = sample_row("pay,ment");
  r.target = "db,1 \"primary\"";
  r.group = "line\nbreak";
  write_run(dir_.string(), {r}, {}, sample_meta());
  EXPECT_TRUE(contains(read("summary.csv"), ",\"db,1 \"\"primary\"\"\",")) << read("summary.csv");
  std::vector<SummaryRow> rows = read_summary(path("summary.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].target, "db,1 \"primary\"");
  EXPECT_EQ(rows[0].txn, "pay,ment");
  EXPECT_EQ(rows[0].group, "line\nbreak");
  EXPECT_EQ(rows[0].committed, r.committed);  // the columns after them are still in place
}

TEST_F(ResultFiles, ReadSummaryOfAMissingFileNamesIt) {
  Error e = read_error(path("nope.csv"));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), path("nope.csv"))) << e.what();
}

TEST_F(ResultFiles, ReadSummaryOfAnEmptyFile) {
  write("summary.csv", "");
  Error e = read_error(path("summary.csv"));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), path("summary.csv") + ": empty file")) << e.what();
}

TEST_F(ResultFiles, ReadSummaryMissingAColumnNamesFileLineAndColumn) {
  std::string header;
  for (const auto& c : kDesignColumns)
    if (c != "lat_p99_ms") header += (header.empty() ? "" : ",") + c;
  write("summary.csv", header + "\n");
  Error e = read_error(path("summary.csv"));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), path("summary.csv") + ":1: missing column 'lat_p99_ms'")) << e.what();
}

TEST_F(ResultFiles, ReadSummaryNonNumberNamesFileLineAndColumn) {
  write_run(dir_.string(), {sample_row("a"), sample_row("b")}, {}, sample_meta());
  std::string text = read("summary.csv");
  size_t p = text.find("4047.75", text.find(",b,"));  // the tps of the row on line 3
  ASSERT_NE(p, std::string::npos);
  text.replace(p, 7, "fast");
  write("summary.csv", text);
  Error e = read_error(path("summary.csv"));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), path("summary.csv") + ":3: column tps holds 'fast', not a number"))
      << e.what();
}

TEST_F(ResultFiles, ReadSummaryShortRowNamesFileAndLine) {
  write_run(dir_.string(), {sample_row("a")}, {}, sample_meta());
  write("summary.csv", header_of(read("summary.csv")) + "\nrun,w,t\n");
  Error e = read_error(path("summary.csv"));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), path("summary.csv") + ":2: 3 fields")) << e.what();
}

TEST_F(ResultFiles, ReadSummaryFindsColumnsByNameNotPosition) {
  // The contract fixes the order for writers; a reader still goes by name.
  std::vector<std::string> cols = kDesignColumns;
  std::swap(cols[0], cols[11]);  // run_id <-> tps
  std::string header, row;
  for (size_t i = 0; i < cols.size(); ++i) {
    header += (i ? "," : "") + cols[i];
    row += i ? "," : "";
    row += cols[i] == "tps" ? "12.5" : cols[i] == "run_id" ? "r1" : cols[i] == "target" ? "t" : "1";
  }
  write("summary.csv", header + "\n" + row + "\n");
  std::vector<SummaryRow> rows = read_summary(path("summary.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].run_id, "r1");
  EXPECT_DOUBLE_EQ(rows[0].tps, 12.5);
  EXPECT_EQ(rows[0].retries, 0);  // absent extra columns keep their defaults
}

// ---------------------------------------------------------------- tpm and the headline

TEST_F(ResultFiles, TpmFollowsTheExtraColumnsAndTheOpenLoopsFollowIt) {
  write_run(dir_.string(), {sample_row("tpcb")}, {}, sample_meta());
  std::string header = header_of(read("summary.csv"));
  const std::string tail =
      ",lat_max_ms,retries,incomplete,tpm,svc_p50_ms,svc_p99_ms,svc_max_ms,lag_mean_ms,lag_max_ms,late,"
      "skipped,"
      "offered_tps,stage,err_connection,err_serialization,err_deadlock,err_constraint,err_timeout,err_other,"
      "unknown";
  ASSERT_GE(header.size(), tail.size());
  EXPECT_EQ(header.substr(header.size() - tail.size()), tail) << header;
}

TEST(FillLatency, TpmIsCommittedPerMinuteOfTheMeasuredTime) {
  SummaryRow r;
  r.committed = 1234;
  r.duration_s = 30.5;
  fill_latency(r, metrics::Histogram());
  EXPECT_DOUBLE_EQ(r.tpm, 1234 * 60.0 / 30.5);
  EXPECT_DOUBLE_EQ(r.tps, 1234 / 30.5);
  SummaryRow none;
  fill_latency(none, metrics::Histogram());
  EXPECT_EQ(none.tpm, 0);  // no measured time: no division by zero
}

TEST_F(ResultFiles, TpmIsReadBackAndComputedForOlderFilesWithoutIt) {
  SummaryRow a = sample_row("tpcb");
  a.tpm = 242867.21;
  write_run(dir_.string(), {a}, {}, sample_meta());
  ASSERT_EQ(read_summary(dir_.string()).size(), 1u);
  EXPECT_DOUBLE_EQ(read_summary(dir_.string())[0].tpm, 242867.21);
  // A summary written before the column existed (and the open loop's after
  // it): committed * 60 / duration_s.
  std::string text = read("summary.csv");
  std::string old;
  for (std::string line : {header_of(text), text.substr(text.find('\n') + 1)}) {
    for (int i = 0; i < kErrorColumns + kOpenLoopColumns + 1; ++i) line = line.substr(0, line.rfind(','));
    old += line + "\n";
  }
  write("summary.csv", old);
  auto rows = read_summary(path("summary.csv"));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_NEAR(rows[0].tpm, 123456 * 60.0 / 30.5, 1e-6);
}

// The rows of one (target, group): new_order, payment and ALL over 60 s.
std::vector<SummaryRow> tpcc_rows(const std::string& target, const std::string& group, int64_t new_orders) {
  std::vector<SummaryRow> rows;
  for (auto [txn, committed] : {std::pair<std::string, int64_t>{"new_order", new_orders},
                                {"payment", new_orders + 100},
                                {"ALL", 2 * new_orders + 100}}) {
    SummaryRow r;
    r.target = target;
    r.group = group;
    r.txn = txn;
    r.committed = committed;
    r.duration_s = 60;
    fill_latency(r, metrics::Histogram());
    rows.push_back(r);
  }
  return rows;
}

TEST(Headlines, AreTheTransactionsTpmBesideTheTotalWithEfficiency) {
  auto rows = tpcc_rows(kTarget, "default", 1286);
  auto h = headlines(rows, HeadlineSpec{"tpmC", "new_order", 12.86}, 10);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].name, "tpmC");
  EXPECT_EQ(h[0].txn, "new_order");
  EXPECT_EQ(h[0].target, kTarget);
  EXPECT_EQ(h[0].group, "default");
  EXPECT_DOUBLE_EQ(h[0].value, 1286);      // committed in 60 s: per minute
  EXPECT_DOUBLE_EQ(h[0].tpm_total, 2672);  // every transaction of the group
  EXPECT_DOUBLE_EQ(h[0].scale, 10);
  ASSERT_TRUE(h[0].efficiency_pct.has_value());
  EXPECT_DOUBLE_EQ(*h[0].efficiency_pct, 1000);  // 1286 / (12.86 * 10) * 100
}

TEST(Headlines, CountIntendedRollbacksWhenAsked) {
  auto rows = tpcc_rows(kTarget, "default", 1286);
  rows[0].aborted = 14;  // New-Orders rolled back on purpose in the 60 s
  auto without = headlines(rows, HeadlineSpec{"tpmC", "new_order", 0, false}, 1);
  auto with = headlines(rows, HeadlineSpec{"tpmC", "new_order", 0, true}, 1);
  ASSERT_EQ(with.size(), 1u);
  EXPECT_DOUBLE_EQ(without[0].value, 1286);
  EXPECT_DOUBLE_EQ(with[0].value, 1300);  // TPC-C clause 5.4.2
  EXPECT_TRUE(with[0].include_aborted);
}

TEST(Headlines, AreRoundedAsSummaryCsvKeepsTpm) {
  auto rows = tpcc_rows(kTarget, "default", 1000);
  rows[0].tpm = 1234.5678;
  auto h = headlines(rows, HeadlineSpec{"tpmC", "new_order", 0}, 1);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_DOUBLE_EQ(h[0].value, 1234.57);
  EXPECT_FALSE(h[0].efficiency_pct.has_value());  // no per_scale_max, no efficiency
}

TEST(Headlines, OnePerTargetAndGroupThatRunsTheTransaction) {
  auto rows = tpcc_rows(kTarget, "a", 100);
  for (auto& r : tpcc_rows("mysql://db", "a", 200)) rows.push_back(r);
  SummaryRow other;  // a group without new_order gets no headline
  other.target = kTarget;
  other.group = "reporting";
  other.txn = "ALL";
  rows.push_back(other);
  auto h = headlines(rows, HeadlineSpec{"tpmC", "new_order", 0}, 1);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].target, kTarget);
  EXPECT_DOUBLE_EQ(h[0].value, 100);
  EXPECT_EQ(h[1].target, "mysql://db");
  EXPECT_DOUBLE_EQ(h[1].value, 200);
  EXPECT_DOUBLE_EQ(h[1].tpm_total, 500);
  EXPECT_TRUE(headlines(rows, HeadlineSpec{}, 1).empty());  // no headline in the workload
}

TEST_F(ResultFiles, MetaJsonRecordsTheHeadlineAsSummaryCsvHoldsIt) {
  auto rows = tpcc_rows(kTarget, "default", 0);
  rows[0].committed = 777;
  rows[0].duration_s = 7.123;
  fill_latency(rows[0], metrics::Histogram());
  Meta m = sample_meta();
  m.scale = 2;
  m.headline = {"tpmC", "new_order", 12.86};
  m.targets.push_back({});
  m.targets.back().target = kTarget;
  write_run(dir_.string(), rows, {}, m);
  auto h = read_headlines(dir_.string());
  ASSERT_EQ(h.size(), 1u);
  auto back = read_summary(dir_.string());
  EXPECT_EQ(h[0].value, back[0].tpm);  // the same figure, to the last digit
  EXPECT_EQ(h[0].tpm_total, back[2].tpm);
  EXPECT_DOUBLE_EQ(h[0].scale, 2);
  ASSERT_TRUE(h[0].efficiency_pct.has_value());
  EXPECT_NEAR(*h[0].efficiency_pct, back[0].tpm / (12.86 * 2) * 100, 0.005);
  EXPECT_TRUE(contains(read("meta.json"), "\"headlines\"")) << read("meta.json");
}

TEST_F(ResultFiles, NoHeadlineWithoutOneInTheWorkloadOrWithoutMetaJson) {
  Meta m = sample_meta();
  m.targets.push_back({});
  m.targets.back().target = kTarget;
  write_run(dir_.string(), tpcc_rows(kTarget, "default", 10), {}, m);
  EXPECT_TRUE(read_headlines(dir_.string()).empty());
  EXPECT_FALSE(contains(read("meta.json"), "headlines"));
  fs::remove(dir_ / "meta.json");
  EXPECT_TRUE(read_headlines(path("summary.csv")).empty());
}

// What oltap used (run::ClientCost) is under its target as "client", when measured.
TEST_F(ResultFiles, MetaJsonRecordsWhatTheClientUsedWhenMeasured) {
  Meta m = sample_meta();
  m.targets.resize(2);
  m.targets[0].target = kTarget;
  m.targets[0].client = Meta::TargetInfo::Client{1.5, 0.25, 17.5, 0.97, 4, true, "client thread 3 used 97%"};
  m.targets[1].target = "redis://127.0.0.1:6379";
  write_run(dir_.string(), tpcc_rows(kTarget, "default", 10), {}, m);
  std::string meta = read("meta.json");
  std::string first = meta.substr(0, meta.find("redis://"));
  for (const char* field : {"\"client\": {", "\"cpu_user_s\": 1.5", "\"cpu_system_s\": 0.25",
                            "\"cpu_per_txn_us\": 17.5", "\"busiest_thread_core_share\": 0.97", "\"cores\": 4",
                            "\"client_bound\": true", "\"why\": \"client thread 3 used 97%\""})
    EXPECT_TRUE(contains(first, field)) << field << " in " << meta;
  EXPECT_FALSE(contains(meta.substr(first.size()), "\"client\"")) << "unset for the second target: " << meta;
}

TEST(HeadlineLines, NameTheFigureTheTotalAndTheEfficiency) {
  auto h = headlines(tpcc_rows(kTarget, "default", 1286), HeadlineSpec{"tpmC", "new_order", 12.86}, 10);
  std::string text = headline_lines(h);
  EXPECT_EQ(text,
            "tpmC 1286.00 (new_order commits per minute) · all transactions 2672.00 per minute · "
            "efficiency 1000.00% (of 12.86 per unit of scale, at scale 10)\n");
  auto two = headlines(tpcc_rows(kTarget, "default", 1), HeadlineSpec{"NOPM", "new_order", 0}, 1);
  for (auto& x : headlines(tpcc_rows("mysql://db", "default", 2), HeadlineSpec{"NOPM", "new_order", 0}, 1))
    two.push_back(x);
  text = headline_lines(two);
  EXPECT_TRUE(contains(text, kTarget + " default: NOPM 1.00 (new_order")) << text;
  EXPECT_TRUE(contains(text, "mysql://db default: NOPM 2.00 (")) << text;
  EXPECT_FALSE(contains(text, "efficiency")) << text;
}

// ---------------------------------------------------------------- gate

SummaryRow perf(const std::string& target, const std::string& txn, double tps, double p99) {
  SummaryRow r;
  r.target = target;
  r.group = "default";
  r.txn = txn;
  r.committed = 1000;
  r.tps = tps;
  r.lat_p99_ms = p99;
  return r;
}

const std::string kT = "postgresql://oltap@127.0.0.1:5432/oltap";

TEST(Gate, PassesWithinTheThreshold) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 960, 10.4)}, 0.05);
  EXPECT_TRUE(g.pass) << g.report;
  EXPECT_TRUE(contains(g.report, "PASS: 1 row(s) within 5.0%")) << g.report;
}

TEST(Gate, ADropOfExactlyTheThresholdPasses) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 950, 10)}, 0.05);
  EXPECT_TRUE(g.pass) << g.report;
}

TEST(Gate, FailsWhenTpsDropsMoreThanTheThreshold) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 940, 10)}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "FAIL")) << g.report;
  EXPECT_TRUE(contains(g.report, "tps -6.0%")) << g.report;
  EXPECT_TRUE(contains(g.report, "FAIL: 1 row(s) regressed by more than 5.0%")) << g.report;
}

TEST(Gate, FailsWhenP99RisesMoreThanTheThreshold) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 1000, 10.6)}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "p99 +6.0%")) << g.report;
  EXPECT_FALSE(contains(g.report, "tps -")) << g.report;
}

TEST(Gate, HalvedThroughputFailsAtFivePercent) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 500, 10)}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "tps -50.0%")) << g.report;
}

TEST(Gate, HalvedThroughputPassesAtSixtyPercent) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 500, 10)}, 0.60);
  EXPECT_TRUE(g.pass) << g.report;
}

TEST(Gate, MissingRowFails) {
  GateResult g =
      gate({perf(kT, "tpcb", 1000, 10), perf(kT, "ALL", 1000, 10)}, {perf(kT, "ALL", 1000, 10)}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "default/tpcb")) << g.report;
  EXPECT_TRUE(contains(g.report, "missing from current")) << g.report;
}

TEST(Gate, ImprovedRunPasses) {
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 2000, 5)}, 0.05);
  EXPECT_TRUE(g.pass) << g.report;
  EXPECT_TRUE(contains(g.report, "ok")) << g.report;
}

TEST(Gate, ANewRowInCurrentCannotRegress) {
  GateResult g =
      gate({perf(kT, "tpcb", 1000, 10)}, {perf(kT, "tpcb", 1000, 10), perf(kT, "new", 1, 999)}, 0.05);
  EXPECT_TRUE(g.pass) << g.report;
}

TEST(Gate, IncompleteCurrentRunFails) {
  SummaryRow cur = perf(kT, "tpcb", 1000, 10);
  cur.incomplete = true;
  GateResult g = gate({perf(kT, "tpcb", 1000, 10)}, {cur}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "current run incomplete")) << g.report;
}

TEST(Gate, OneRegressedRowFailsTheWhole) {
  GateResult g = gate({perf(kT, "a", 1000, 10), perf(kT, "b", 1000, 10)},
                      {perf(kT, "a", 1000, 10), perf(kT, "b", 800, 10)}, 0.05);
  EXPECT_FALSE(g.pass);
  EXPECT_TRUE(contains(g.report, "FAIL: 1 row(s)")) << g.report;
}

// ---------------------------------------------------------------- compare_table

TEST(CompareTable, ShowsThePercentChanges) {
  SummaryRow b = perf(kT, "tpcb", 1000, 10);
  b.lat_p50_ms = 2;
  b.lat_p95_ms = 8;
  SummaryRow c = perf(kT, "tpcb", 1100, 5);
  c.lat_p50_ms = 2.5;
  c.lat_p95_ms = 8;
  std::string t = compare_table({b}, {c});
  EXPECT_TRUE(contains(t, "default/tpcb")) << t;
  EXPECT_TRUE(contains(t, "+10.0%")) << t;  // tps
  EXPECT_TRUE(contains(t, "+25.0%")) << t;  // p50
  EXPECT_TRUE(contains(t, "+0.0%")) << t;   // p95
  EXPECT_TRUE(contains(t, "-50.0%")) << t;  // p99
  EXPECT_TRUE(contains(t, "1000.0")) << t;
  EXPECT_TRUE(contains(t, "1100.0")) << t;
}

TEST(CompareTable, MarksRowsOnOneSideOnly) {
  std::string t = compare_table({perf(kT, "old", 10, 1)}, {perf(kT, "new", 10, 1)});
  EXPECT_TRUE(contains(t, "only in baseline")) << t;
  EXPECT_TRUE(contains(t, "only in current")) << t;
}

TEST(CompareTable, ZeroBaselineIsNotADivisionByZero) {
  std::string t = compare_table({perf(kT, "a", 0, 0)}, {perf(kT, "a", 5, 0)});
  EXPECT_TRUE(contains(t, "n/a")) << t;
  EXPECT_TRUE(contains(t, "0.0%")) << t;
  EXPECT_FALSE(contains(t, "inf")) << t;
}

// ---------------------------------------------------------------- match_rows

TEST(MatchRows, WithOneTargetPerSideMatchesByGroupAndTxn) {
  std::vector<SummaryRow> base = {perf("postgresql://old/db", "a", 1, 1),
                                  perf("postgresql://old/db", "b", 1, 1)};
  std::vector<SummaryRow> cur = {perf("postgresql://new/db", "b", 2, 2),
                                 perf("postgresql://new/db", "a", 2, 2)};
  std::vector<Comparison> m = match_rows(base, cur);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].key, "default/a");
  EXPECT_EQ(m[0].baseline, &base[0]);
  EXPECT_EQ(m[0].current, &cur[1]);
  EXPECT_EQ(m[1].key, "default/b");
  EXPECT_EQ(m[1].current, &cur[0]);
}

TEST(MatchRows, WithSeveralTargetsMatchesByTargetToo) {
  std::vector<SummaryRow> base = {perf("pg1", "a", 1, 1), perf("pg2", "a", 1, 1)};
  std::vector<SummaryRow> cur = {perf("pg2", "a", 2, 2), perf("pg1", "a", 2, 2)};
  std::vector<Comparison> m = match_rows(base, cur);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].key, "pg1 default/a");
  EXPECT_EQ(m[0].baseline, &base[0]);
  EXPECT_EQ(m[0].current, &cur[1]);
  EXPECT_EQ(m[1].key, "pg2 default/a");
  EXPECT_EQ(m[1].current, &cur[0]);
}

TEST(MatchRows, SeveralTargetsOnOneSideKeepTargetsApart) {
  std::vector<SummaryRow> base = {perf("pg1", "a", 1, 1), perf("pg2", "a", 1, 1)};
  std::vector<SummaryRow> cur = {perf("pg3", "a", 2, 2)};
  std::vector<Comparison> m = match_rows(base, cur);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].current, nullptr);
  EXPECT_EQ(m[1].current, nullptr);
  EXPECT_EQ(m[2].key, "pg3 default/a");
  EXPECT_EQ(m[2].baseline, nullptr);
  EXPECT_EQ(m[2].current, &cur[0]);
}

TEST(MatchRows, GroupIsPartOfTheKey) {
  SummaryRow b = perf(kT, "a", 1, 1);
  SummaryRow c = perf(kT, "a", 1, 1);
  c.group = "readers";
  std::vector<Comparison> m = match_rows({b}, {c});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].key, "readers/a");
}

TEST(FormatTable, AlignsColumnsAndRightAlignsNumbers) {
  std::string t = format_table({{"name", "tps"}, {"a", "5.0"}, {"long-name", "1234.5"}});
  EXPECT_EQ(t,
            "name       tps\n"
            "a             5.0\n"
            "long-name  1234.5\n");
}

// ---------------------------------------------------------------- check_out_dir

TEST_F(ResultFiles, OutDirMayBeMissingOrEmptyButNotHoldFilesUnlessForced) {
  EXPECT_NO_THROW(check_out_dir(path("missing"), false));
  fs::create_directories(path("empty"));
  EXPECT_NO_THROW(check_out_dir(path("empty"), false));
  fs::create_directories(path("baseline"));
  write("baseline/summary.csv", "run_id\n");
  try {
    check_out_dir(path("baseline"), false);
    ADD_FAILURE() << "a folder holding files was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    const std::string msg = e.what();
    EXPECT_NE(msg.find("--out " + path("baseline") + " already holds files"), std::string::npos) << msg;
    EXPECT_NE(msg.find("--force"), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(check_out_dir(path("baseline"), true));
  // a file is never a result folder
  for (bool force : {false, true}) {
    try {
      check_out_dir(path("baseline/summary.csv"), force);
      ADD_FAILURE() << "a file was accepted as a folder";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is a file, not a folder"), std::string::npos) << e.what();
    }
  }
}

// ---------------------------------------------------------------- open loop

TEST_F(ResultFiles, OpenLoopColumnsRoundTripThroughReadSummary) {
  const SummaryRow a = open_loop_row("tpcb", "2");
  SummaryRow whole = open_loop_row("ALL", "");
  whole.offered_tps = 0;
  write_run(dir_.string(), {a, whole}, {}, sample_meta());
  const std::vector<SummaryRow> rows = read_summary(dir_.string());
  ASSERT_EQ(rows.size(), 2u);
  const SummaryRow& r = rows[0];
  EXPECT_DOUBLE_EQ(r.svc_p50_ms, a.svc_p50_ms);
  EXPECT_DOUBLE_EQ(r.svc_p99_ms, a.svc_p99_ms);
  EXPECT_DOUBLE_EQ(r.svc_max_ms, a.svc_max_ms);
  EXPECT_DOUBLE_EQ(r.lag_mean_ms, a.lag_mean_ms);
  EXPECT_DOUBLE_EQ(r.lag_max_ms, a.lag_max_ms);
  EXPECT_EQ(r.late, a.late);
  EXPECT_EQ(r.skipped, a.skipped);
  EXPECT_DOUBLE_EQ(r.offered_tps, a.offered_tps);
  EXPECT_EQ(r.stage, "2");
  EXPECT_EQ(rows[1].stage, "");
  EXPECT_EQ(rows[1].offered_tps, 0);
  // Written with summary.csv's decimals: 3 for ms, 2 for the rate.
  const std::string text = read("summary.csv");
  EXPECT_TRUE(contains(text, ",0.875,4.250,50.500,0.625,48.125,17,3,4000.25,2,0,0,0,0,0,0,0\n")) << text;
}

TEST_F(ResultFiles, OpenLoopFiguresAreRoundedAsWritten) {
  SummaryRow a = open_loop_row("tpcb", "1");
  a.svc_p99_ms = 4.12345;
  a.lag_mean_ms = 0.00049;
  a.lag_max_ms = 7.7777;
  a.offered_tps = 1000.005001;
  write_run(dir_.string(), {a}, {}, sample_meta());
  const SummaryRow back = read_summary(dir_.string()).at(0);
  const SummaryRow w = as_written(a);
  EXPECT_EQ(w.svc_p99_ms, back.svc_p99_ms);
  EXPECT_EQ(w.lag_mean_ms, back.lag_mean_ms);
  EXPECT_EQ(w.lag_max_ms, back.lag_max_ms);
  EXPECT_EQ(w.offered_tps, back.offered_tps);
  EXPECT_DOUBLE_EQ(w.svc_p99_ms, 4.123);
  EXPECT_DOUBLE_EQ(w.offered_tps, 1000.01);
}

TEST_F(ResultFiles, ASummaryWithoutTheOpenLoopColumnsReadsAsAClosedLoop) {
  write_run(dir_.string(), {open_loop_row("tpcb", "3")}, {}, sample_meta());
  std::string text = read("summary.csv");
  std::string old;
  for (std::string line : {header_of(text), text.substr(text.find('\n') + 1)}) {
    for (int i = 0; i < kErrorColumns + kOpenLoopColumns; ++i) line = line.substr(0, line.rfind(','));
    old += line + "\n";
  }
  ASSERT_TRUE(header_of(old).ends_with(",tpm")) << old;
  write("summary.csv", old);
  const SummaryRow r = read_summary(path("summary.csv")).at(0);
  EXPECT_EQ(r.svc_p50_ms, 0);
  EXPECT_EQ(r.svc_p99_ms, 0);
  EXPECT_EQ(r.svc_max_ms, 0);
  EXPECT_EQ(r.lag_mean_ms, 0);
  EXPECT_EQ(r.lag_max_ms, 0);
  EXPECT_EQ(r.late, 0);
  EXPECT_EQ(r.skipped, 0);
  EXPECT_EQ(r.offered_tps, 0);
  EXPECT_EQ(r.stage, "");
  EXPECT_DOUBLE_EQ(r.lat_p99_ms, 5.5);  // the rest as written
}

TEST_F(ResultFiles, ABadOpenLoopFigureNamesFileLineAndColumn) {
  write_run(dir_.string(), {open_loop_row("tpcb", "1")}, {}, sample_meta());
  std::string text = read("summary.csv");
  const size_t at = text.find(",17,3,");
  ASSERT_NE(at, std::string::npos) << text;
  text.replace(at, 6, ",17,x,");
  write("summary.csv", text);
  const Error e = read_error(path("summary.csv"));
  EXPECT_TRUE(contains(e.what(), "summary.csv:2: column skipped holds 'x'")) << e.what();
}

TEST_F(ResultFiles, TimeseriesWritesTheOpenLoopColumnsAfterAborted) {
  TimeseriesRow ts;
  ts.target = "t";
  ts.group = "default";
  ts.txn = "get";
  ts.t_s = 2;
  ts.aborted = 4;
  ts.svc_p50_ms = 0.5;
  ts.svc_p99_ms = 1.25;
  ts.lag_mean_ms = 0.125;
  ts.lag_max_ms = 9.5;
  ts.late = 6;
  ts.skipped = 1;
  ts.offered_tps = 250;
  ts.stage = "2";
  write_run(dir_.string(), {sample_row("get")}, {ts}, sample_meta());
  const std::string text = read("timeseries.csv");
  EXPECT_TRUE(contains(text,
                       "\nt,default,get,2.000,0,0,0.00,0.000,0.000,0.000,4,0.500,1.250,0.125,9.500,6,1,250."
                       "00,2,0,0,0,0,0,0,0,-1\n"))
      << text;
}

// ---------------------------------------------------------------- errors by class

TEST_F(ResultFiles, ErrorClassesAndUnknownRoundTripAndAddUpToErrors) {
  SummaryRow r = sample_row("tpcb");
  r.errors = 21;
  r.err = {10, 5, 3, 2, 1, 0};
  r.unknown = 4;
  r.classified = true;
  TimeseriesRow ts;
  ts.target = r.target;
  ts.group = r.group;
  ts.txn = r.txn;
  ts.t_s = 1;
  ts.errors = 3;
  ts.err = {3, 0, 0, 0, 0, 0};
  ts.unknown = 1;
  ts.connected = 2;
  write_run(dir_.string(), {r}, {ts}, sample_meta());
  const SummaryRow back = read_summary(dir_.string()).at(0);
  EXPECT_TRUE(back.classified);
  EXPECT_EQ(back.err, r.err);
  EXPECT_EQ(back.unknown, 4);
  EXPECT_EQ(back.errors, 21);
  const TimeseriesRow t = read_timeseries(dir_.string()).at(0);
  EXPECT_EQ(t.err, ts.err);
  EXPECT_EQ(t.unknown, 1);
  EXPECT_EQ(t.connected, 2);
}

TEST_F(ResultFiles, FilesWrittenBeforeTheErrorClassesStillRead) {
  SummaryRow r = sample_row("tpcb");
  r.errors = 7;
  r.err = {7, 0, 0, 0, 0, 0};
  TimeseriesRow ts;
  ts.target = r.target;
  ts.group = r.group;
  ts.txn = r.txn;
  ts.errors = 7;
  ts.connected = 1;
  write_run(dir_.string(), {r}, {ts}, sample_meta());
  // Both files as a version before the columns wrote them: the last ones cut off.
  auto cut = [&](const std::string& name, int columns) {
    std::string text = read(name), old;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      for (int i = 0; i < columns; ++i) line = line.substr(0, line.rfind(','));
      old += line + "\n";
    }
    write(name, old);
  };
  cut("summary.csv", kErrorColumns);
  cut("timeseries.csv", kErrorColumns + 1);
  const SummaryRow back = read_summary(dir_.string()).at(0);
  EXPECT_FALSE(back.classified);
  EXPECT_EQ(back.errors, 7);
  EXPECT_EQ(back.err, (std::array<int64_t, kErrorClasses>{}));
  EXPECT_EQ(back.unknown, 0);
  const TimeseriesRow t = read_timeseries(dir_.string()).at(0);
  EXPECT_EQ(t.errors, 7);
  EXPECT_EQ(t.connected, -1) << "not recorded";
  EXPECT_EQ(t.unknown, 0);
}

TEST(FillService, FillsTheServicePercentilesFromTheHistogram) {
  metrics::Histogram h;
  for (int i = 1; i <= 1000; ++i) h.record(int64_t{i} * 10'000);  // 0.01 ms ... 10 ms
  SummaryRow r;
  fill_service(r, h);
  EXPECT_DOUBLE_EQ(r.svc_p50_ms, h.value_at_quantile(0.50) / 1e6);
  EXPECT_DOUBLE_EQ(r.svc_p99_ms, h.value_at_quantile(0.99) / 1e6);
  EXPECT_DOUBLE_EQ(r.svc_max_ms, 10.0);
  EXPECT_NEAR(r.svc_p50_ms, 5.0, 0.05);
  EXPECT_NEAR(r.svc_p99_ms, 9.9, 0.1);
  EXPECT_EQ(r.lat_p99_ms, 0);  // the latency columns are fill_latency's
}

SummaryRow staged(const std::string& target, const std::string& txn, const std::string& stage, double tps,
                  double p99) {
  SummaryRow r = perf(target, txn, tps, p99);
  r.stage = stage;
  return r;
}

TEST(MatchRows, StageIsPartOfTheKey) {
  std::vector<SummaryRow> base = {staged(kT, "a", "1", 100, 1), staged(kT, "a", "2", 200, 2),
                                  staged(kT, "a", "", 150, 2)};
  std::vector<SummaryRow> cur = {staged(kT, "a", "2", 210, 2), staged(kT, "a", "1", 110, 1),
                                 staged(kT, "a", "", 160, 2)};
  std::vector<Comparison> m = match_rows(base, cur);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].key, "default/a stage 1");
  EXPECT_EQ(m[0].current, &cur[1]);
  EXPECT_EQ(m[1].key, "default/a stage 2");
  EXPECT_EQ(m[1].current, &cur[0]);
  EXPECT_EQ(m[2].key, "default/a");  // the whole run's row, keyed as always
  EXPECT_EQ(m[2].current, &cur[2]);
}

TEST(Gate, StagesAreJudgedEachAgainstItsOwnBaseline) {
  // Stage 2 regressed; were the stages one key, the later row would hide it.
  std::vector<SummaryRow> base = {staged(kT, "a", "1", 100, 1), staged(kT, "a", "2", 200, 2)};
  std::vector<SummaryRow> cur = {staged(kT, "a", "1", 100, 1), staged(kT, "a", "2", 200, 3)};
  GateResult g = gate(base, cur, 0.05);
  EXPECT_FALSE(g.pass) << g.report;
  EXPECT_TRUE(contains(g.report, "FAIL: 1 row(s)")) << g.report;
  EXPECT_TRUE(contains(g.report, "default/a stage 2")) << g.report;
  // A stage the current run lacks is missing, not matched to another stage.
  GateResult missing = gate(base, {staged(kT, "a", "1", 100, 1)}, 0.05);
  EXPECT_FALSE(missing.pass) << missing.report;
  EXPECT_TRUE(contains(missing.report, "missing from current")) << missing.report;
}

TEST(CompareTable, NamesTheStageOfEachRow) {
  const std::string t = compare_table({staged(kT, "a", "1", 100, 1), staged(kT, "a", "2", 200, 2)},
                                      {staged(kT, "a", "1", 110, 1), staged(kT, "a", "2", 220, 2)});
  EXPECT_TRUE(contains(t, "default/a stage 1")) << t;
  EXPECT_TRUE(contains(t, "default/a stage 2")) << t;
  EXPECT_TRUE(contains(t, "+10.0%")) << t;
  EXPECT_FALSE(contains(t, "only in")) << t;
}

TEST(Headlines, AreOfTheWholeRunNotOfAStage) {
  SummaryRow whole = sample_row("new_order");
  whole.tpm = 600;
  SummaryRow stage = sample_row("new_order");
  stage.tpm = 60;
  stage.stage = "1";
  const auto h = headlines({stage, whole}, HeadlineSpec{"tpmC", "new_order", 0, false}, 1);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].value, 600);
}

}  // namespace
}  // namespace oltap::results
