// A result folder written while its run goes (RunFolder): a folder that
// holds files is refused unless forced, the series is on disk after each
// append (nothing waits for the end), summary and meta are rewritten whole,
// --force leaves nothing of the earlier run, and as_written rounds as the
// file does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

size_t lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

class RunFolderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("oltap-run-folder-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static SummaryRow row(const std::string& txn, int64_t committed) {
    SummaryRow r;
    r.run_id = "r";
    r.workload = "w";
    r.target = "redis://127.0.0.1:1/0";
    r.engine = "redis";
    r.group = "default";
    r.txn = txn;
    r.clients = 1;
    r.duration_s = 1;
    r.committed = committed;
    return r;
  }
  static Meta meta() {
    Meta m;
    m.run_id = "r";
    m.workload = "w";
    return m;
  }
  fs::path dir_;
};

TEST_F(RunFolderTest, AFolderThatHoldsFilesIsRefusedUnlessForced) {
  EXPECT_NO_THROW(check_out_dir(dir_.string(), false));  // not there yet
  fs::create_directories(dir_);
  EXPECT_NO_THROW(check_out_dir(dir_.string(), false));  // empty
  std::ofstream(dir_ / "summary.csv") << "baseline\n";
  EXPECT_THROW(check_out_dir(dir_.string(), false), Error);
  EXPECT_NO_THROW(check_out_dir(dir_.string(), true));
  EXPECT_THROW(RunFolder(dir_.string(), false, true, 0), Error);
  EXPECT_EQ(slurp(dir_ / "summary.csv"), "baseline\n");  // untouched
}

TEST_F(RunFolderTest, IntervalsAreOnDiskAfterEachAppend) {
  RunFolder f(dir_.string(), false, true, 0);
  metrics::Histogram h;
  h.record(1'000'000);
  TimeseriesRow t;
  t.target = "redis://127.0.0.1:1/0";
  t.group = "default";
  t.txn = "get";
  t.committed = 1;
  t.aborted = 2;
  for (int i = 1; i <= 3; ++i) {
    t.t_s = i;
    f.append_intervals({{t, 1.0, &h}}, 0);
    // Read while the folder is still open: a kill now keeps every interval so far.
    EXPECT_EQ(lines(slurp(dir_ / "timeseries.csv")), 1u + i);
  }
  const std::string text = slurp(dir_ / "timeseries.csv");
  EXPECT_EQ(text.substr(0, text.find('\n')),
            "target,group,txn,t_s,committed,errors,tps,lat_p50_ms,lat_p95_ms,lat_p99_ms,aborted,"
            "svc_p50_ms,svc_p99_ms,lag_mean_ms,lag_max_ms,late,skipped,offered_tps,stage,err_connection,"
            "err_serialization,err_deadlock,err_constraint,err_timeout,err_other,unknown,connected");
  EXPECT_NE(text.find("redis://127.0.0.1:1/0,default,get,3.000,1,0,"), std::string::npos) << text;
}

TEST_F(RunFolderTest, SummaryAndMetaAreRewrittenWhole) {
  RunFolder f(dir_.string(), false, true, 0);
  f.write_summary({row("get", 5)}, meta());
  EXPECT_EQ(read_summary(dir_.string()).size(), 1u);
  f.write_summary({row("get", 5), row("ALL", 5)}, meta());
  auto rows = read_summary(dir_.string());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].txn, "ALL");
  for (const auto& e : fs::directory_iterator(dir_))
    EXPECT_NE(e.path().extension(), ".tmp") << "a temporary file outlived the write: " << e.path();
}

TEST_F(RunFolderTest, ForceLeavesNothingOfTheEarlierRun) {
  {
    RunFolder f(dir_.string(), false, true, 0);
    f.write_summary({row("get", 5), row("ALL", 5)}, meta());
  }
  RunFolder g(dir_.string(), true, false, 0);  // a run without a series this time
  EXPECT_FALSE(fs::exists(dir_ / "summary.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "timeseries.csv"));
  g.write_summary({row("q1", 1)}, meta());
  EXPECT_EQ(read_summary(dir_.string()).size(), 1u);
}

TEST(AsWritten, RoundsAsSummaryCsvKeepsEachColumn) {
  SummaryRow r;
  r.duration_s = 1.23456;
  r.tps = 10.005001;
  r.lat_p99_ms = 0.12345;
  r.tpm = 600.3049;
  SummaryRow w = as_written(r);
  EXPECT_DOUBLE_EQ(w.duration_s, 1.235);
  EXPECT_DOUBLE_EQ(w.tps, 10.01);
  EXPECT_DOUBLE_EQ(w.lat_p99_ms, 0.123);
  EXPECT_DOUBLE_EQ(w.tpm, 600.30);
}

TEST_F(RunFolderTest, ServiceTimesGetTheirOwnLinesBesideTheLatencies) {
  metrics::Histogram latency, service;
  latency.record(5'000'000);
  service.record(1'000'000);
  service.record(2'000'000);
  {
    RunFolder f(dir_.string(), false, true, 0);
    TimeseriesRow t;
    t.target = "redis://127.0.0.1:1/0";
    t.group = "default";
    t.txn = "get";
    t.t_s = 1;
    t.stage = "2";
    RunFolder::Interval closed{t, 1.0, &latency};  // a closed loop's: no service line
    closed.row.stage = "";
    RunFolder::Interval open{t, 1.0, &latency, &service};
    f.append_intervals({closed, open}, 0);
    SummaryRow whole = row("get", 3);
    f.append_whole_run(whole, latency, nullptr, 0);
    whole.stage = "2";
    f.append_whole_run(whole, latency, &service, 0);
  }
  const auto entries = read_hlog(dir_.string());
  std::vector<std::string> tags;
  for (const auto& e : entries) tags.push_back(e.tag);
  const std::string t = "redis://127.0.0.1:1/0/default/get";
  EXPECT_EQ(tags, (std::vector<std::string>{t, "stage=2:" + t, "svc:stage=2:" + t, "whole:" + t,
                                            "whole:stage=2:" + t, "whole:svc:stage=2:" + t}));
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[2].histogram.count(), 2);
  EXPECT_EQ(entries[5].histogram.count(), 2);
  EXPECT_EQ(entries[4].histogram.count(), 1);
}

// What a SIGKILL leaves: meta.json saying running from the start, no
// summary.csv until a target has rows, whole interval lines, and readers
// that leave out a line the kill cut in the middle.
TEST_F(RunFolderTest, AKilledRunLeavesMetaRunningAndWholeIntervals) {
  Meta m = meta();
  m.status = "running";
  m.incomplete = true;
  Meta::TargetInfo ti;
  ti.target = "redis://127.0.0.1:1/0";
  ti.label = "cache";
  ti.status = "running";
  m.targets.push_back(ti);
  RunFolder f(dir_.string(), false, true, 0);
  f.write_summary({}, m);
  EXPECT_TRUE(fs::exists(dir_ / "meta.json"));
  EXPECT_FALSE(fs::exists(dir_ / "summary.csv"));
  metrics::Histogram h;
  h.record(2'000'000);
  TimeseriesRow t;
  t.target = "cache";
  t.group = "default";
  t.committed = 3;
  for (int i = 1; i <= 4; ++i) {
    t.t_s = i;
    t.txn = "get";
    RunFolder::Interval get{t, 1.0, &h};
    t.txn = "ALL";
    f.append_intervals({get, {t, 1.0, &h}}, 0);
  }
  RunState st = read_run_state(dir_.string());
  EXPECT_TRUE(st.cut_short());
  EXPECT_FALSE(st.has_summary);
  EXPECT_EQ(st.run_id, "r");
  EXPECT_EQ(st.running_target, "cache");
  EXPECT_EQ(st.kept_intervals, 4);
  EXPECT_EQ(st.kept_committed, 12);
  EXPECT_DOUBLE_EQ(st.kept_s, 4.0);
  EXPECT_EQ(cut_short_text(st),
            "the run was cut short at 4.000 s of target cache (4 interval(s) kept, 12 committed): meta.json "
            "still says running, so oltap was killed (or is still running) and never wrote its end; there is "
            "no summary.csv");

  // A kill in the middle of a write: the torn line is left out, the rest read.
  std::ofstream(dir_ / "timeseries.csv", std::ios::app) << "cache,default,get,5.000,3,0,3.00,2.0";
  std::ofstream(dir_ / "latency.hlog", std::ios::app) << "Tag=cache/default/get,4.000,1.000,2.0,HIST";
  EXPECT_EQ(read_timeseries(dir_.string()).size(), 8u);
  EXPECT_EQ(read_hlog(dir_.string()).size(), 8u);
  EXPECT_EQ(read_run_state(dir_.string()).kept_intervals, 4);

  // Once the run has ended, summary.csv is written, rows or none.
  m.status = "interrupted";
  f.write_summary({}, m);
  EXPECT_TRUE(fs::exists(dir_ / "summary.csv"));
  EXPECT_FALSE(read_run_state(dir_.string()).cut_short());
}

// A meta.json from before the top-level status: its targets say it.
TEST_F(RunFolderTest, AnOlderMetaJsonIsReadByItsTargetsStatuses) {
  fs::create_directories(dir_);
  auto state_of = [&](const std::string& json) {
    std::ofstream(dir_ / "meta.json", std::ios::trunc) << json;
    return read_run_state(dir_.string()).status;
  };
  EXPECT_EQ(state_of(R"({"incomplete": true, "targets": [{"target": "t", "status": "running"}]})"),
            "running");
  EXPECT_EQ(state_of(R"({"incomplete": true, "targets": [{"target": "t", "status": "failed"}]})"), "failed");
  EXPECT_EQ(state_of(R"({"incomplete": true, "targets": [{"target": "t", "status": "interrupted"}]})"),
            "interrupted");
  EXPECT_EQ(state_of(R"({"incomplete": false, "targets": [{"target": "t", "status": "complete"}]})"),
            "complete");
  EXPECT_EQ(state_of(R"({"status": "complete", "incomplete": false, "targets": []})"), "complete");
  std::ofstream(dir_ / "meta.json", std::ios::trunc) << "{\"status\": ";
  EXPECT_THROW(read_run_state(dir_.string()), Error);
  fs::remove(dir_ / "meta.json");
  EXPECT_FALSE(read_run_state(dir_.string()).has_meta);
}

TEST(AsWritten, RoundsTheOpenLoopColumnsToo) {
  SummaryRow r;
  r.svc_p50_ms = 0.12345;
  r.svc_p99_ms = 1.23456;
  r.svc_max_ms = 9.87654;
  r.lag_mean_ms = 0.00051;
  r.lag_max_ms = 3.33333;
  r.offered_tps = 999.999;
  SummaryRow w = as_written(r);
  EXPECT_DOUBLE_EQ(w.svc_p50_ms, 0.123);
  EXPECT_DOUBLE_EQ(w.svc_p99_ms, 1.235);
  EXPECT_DOUBLE_EQ(w.svc_max_ms, 9.877);
  EXPECT_DOUBLE_EQ(w.lag_mean_ms, 0.001);
  EXPECT_DOUBLE_EQ(w.lag_max_ms, 3.333);
  EXPECT_DOUBLE_EQ(w.offered_tps, 1000.00);
}

}  // namespace
}  // namespace oltap::results
