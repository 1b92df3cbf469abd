// oltap merge on folders the results layer writes (RunFolder, as a run does):
// counts summed, percentiles from the union of the shards' histograms (not
// averaged), intervals aligned on the wall clock, meta.json listing the
// shards; and every refusal: different workloads, settings, targets, a shard
// not complete, the same folder or shard twice, a shard missing.
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

// As the files keep a figure (csv.h's rounded is private to results).
double rounded(double v, int decimals) {
  const double p = std::pow(10.0, decimals);
  return std::round(v * p) / p;
}

constexpr const char* kTarget = "postgresql://oltap@127.0.0.1:1/db";
constexpr int64_t kStartMs = 1'800'000'000'000;  // a shard's folder start (BaseTime)

// What a shard measured: per interval, its latencies (ns) and commits.
struct ShardSpec {
  int index = 0, count = 2;
  int64_t start_ms = kStartMs;  // when its measurement began
  std::vector<std::vector<int64_t>> intervals;
  std::string sha = "abc";
  double duration_s = 2;
  std::string target = kTarget;
  std::string status = "complete";
  bool sharded = true;
};

class MergeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("oltap-merge-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes a shard's folder as a run would: intervals of 1 s, then the whole
  // run's histogram and summary row.
  std::string write_shard(const std::string& name, const ShardSpec& s) {
    const std::string dir = (dir_ / name).string();
    RunFolder f(dir, false, true, s.start_ms - 500);  // the folder starts before the measurement
    metrics::Histogram whole;
    int64_t committed = 0;
    double t = 0;
    for (const auto& values : s.intervals) {
      metrics::Histogram h;
      for (int64_t v : values) h.record(v);
      whole.merge_from(h);
      committed += static_cast<int64_t>(values.size());
      t += 1;
      RunFolder::Interval i;
      i.row.target = s.target;
      i.row.group = "default";
      i.row.txn = "ALL";
      i.row.t_s = t;
      i.row.committed = static_cast<int64_t>(values.size());
      i.length_s = 1;
      i.latency = &h;
      f.append_intervals({i}, s.start_ms);
    }
    SummaryRow r;
    r.run_id = name;
    r.workload = "w";
    r.target = s.target;
    r.engine = "postgresql";
    r.group = "default";
    r.txn = "ALL";
    r.clients = 2;
    r.duration_s = t;
    r.committed = committed;
    fill_latency(r, whole);
    fill_service(r, whole);
    f.append_whole_run(r, whole, nullptr, s.start_ms);
    Meta m;
    m.run_id = name;
    m.workload = "w";
    m.workload_file = "w.yaml";
    m.workload_sha256 = s.sha;
    m.status = s.status;
    m.incomplete = s.status != "complete";
    m.seed = 1;
    m.duration_s = s.duration_s;
    Meta::TargetInfo ti;
    ti.target = s.target;
    ti.engine = "postgresql";
    ti.status = s.status;
    ti.start_utc = utc_iso(s.start_ms);
    ti.end_utc = utc_iso(s.start_ms + static_cast<int64_t>(t * 1000));
    ti.measured_s = t;
    m.targets.push_back(ti);
    if (s.sharded) m.shard = Meta::Shard{s.index, s.count};
    f.write_summary({as_written(r)}, m);
    return dir;
  }
  std::string out() const { return (dir_ / "merged").string(); }
  // The reason merge gives for refusing dirs.
  std::string refusal(const std::vector<std::string>& dirs) {
    try {
      merge_runs({dirs, out(), false, "oltap merge"});
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      EXPECT_FALSE(fs::exists(out())) << "a refused merge writes nothing";
      return e.what();
    }
    ADD_FAILURE() << "merged";
    return "";
  }
  fs::path dir_;
};

TEST_F(MergeTest, CountsAddUpAndPercentilesComeFromTheUnionOfTheHistograms) {
  // Shard 0 fast, shard 1 slow: an average of their p99s would be neither's.
  ShardSpec a, b;
  a.index = 0;
  b.index = 1;
  for (int i = 0; i < 2; ++i) {
    a.intervals.emplace_back();
    b.intervals.emplace_back();
    for (int k = 0; k < 100; ++k) a.intervals.back().push_back(1'000'000 + k * 1000);     // ~1 ms
    for (int k = 0; k < 10; ++k) b.intervals.back().push_back(50'000'000 + k * 100'000);  // ~50 ms
  }
  b.start_ms = kStartMs + 200;  // started 0.2 s later: its intervals go with shard 0's
  const std::string da = write_shard("a", a), db = write_shard("b", b);
  const MergeOutcome m = merge_runs({{db, da}, out(), false, "oltap merge b a"});

  metrics::Histogram all;
  for (const auto* s : {&a, &b})
    for (const auto& iv : s->intervals)
      for (int64_t v : iv) all.record(v);
  const auto rows = read_summary(out());
  ASSERT_EQ(rows.size(), 1u);
  const SummaryRow& r = rows[0];
  EXPECT_EQ(r.committed, 220);
  EXPECT_EQ(r.clients, 4);
  EXPECT_EQ(r.run_id, "merged");
  SummaryRow expect = r;
  fill_latency(expect, all);
  expect = as_written(expect);
  EXPECT_DOUBLE_EQ(r.lat_p50_ms, expect.lat_p50_ms);
  EXPECT_DOUBLE_EQ(r.lat_p99_ms, expect.lat_p99_ms);
  EXPECT_DOUBLE_EQ(r.lat_max_ms, expect.lat_max_ms);
  EXPECT_GT(r.lat_p99_ms, 45);  // the slow shard's: 2.2 % of the values are above 50 ms
  // From the earliest start to the latest end: 2.2 s; tps from it.
  EXPECT_DOUBLE_EQ(r.duration_s, 2.2);
  EXPECT_DOUBLE_EQ(r.tps, rounded(220 / 2.2, 2));
  // The whole-run histogram of the merge is the union too.
  const auto whole = read_whole_run_histograms(out());
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole.begin()->second.count(), 220);
  EXPECT_EQ(whole.begin()->second.max(), all.max());

  // Two intervals, each with both shards' commits and the union's p99.
  const auto series = read_timeseries(out());
  ASSERT_EQ(series.size(), 2u);
  EXPECT_EQ(m.intervals, 2);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(series[i].committed, 110);
    EXPECT_DOUBLE_EQ(series[i].t_s, static_cast<double>(i + 1));
    metrics::Histogram h;
    for (const auto* s : {&a, &b})
      for (int64_t v : s->intervals[i]) h.record(v);
    EXPECT_DOUBLE_EQ(series[i].lat_p99_ms, rounded(h.value_at_quantile(0.99) / 1e6, 3));
  }
  int64_t hlog_intervals = 0;
  for (const auto& e : read_hlog(out()))
    if (!e.tag.starts_with(kHlogWholeRunPrefix)) hlog_intervals += e.histogram.count();
  EXPECT_EQ(hlog_intervals, 220);

  // meta.json: the merge's status and the shards, in the order of their index.
  std::ifstream in(fs::path(out()) / "meta.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["status"], "complete");
  ASSERT_EQ(j["merged_from"].size(), 2u);
  EXPECT_EQ(j["merged_from"][0]["folder"], da);
  EXPECT_EQ(j["merged_from"][1]["shard"]["index"], 1);
  EXPECT_EQ(j["merged_from"][1]["start_utc"], utc_iso(b.start_ms));
  EXPECT_FALSE(j.contains("shard"));
  EXPECT_TRUE(run_complete(out()));
  // A merged folder is a side like any other.
  const Side side = read_side({out()});
  ASSERT_EQ(side.samples.size(), 1u);
  EXPECT_EQ(side.samples[0].row.committed, 220);
}

TEST_F(MergeTest, AShardHalfAnIntervalLateGoesToTheNextInterval) {
  ShardSpec a, b;
  b.index = 1;
  a.intervals = {{1'000'000}, {1'000'000}};
  b.intervals = {{2'000'000}, {2'000'000}};
  b.start_ms = kStartMs + 600;
  const MergeOutcome m = merge_runs({{write_shard("a", a), write_shard("b", b)}, out(), false, ""});
  const auto series = read_timeseries(out());
  ASSERT_EQ(series.size(), 3u);  // [0,1] a; [1,2] a and b; [2,3] b
  EXPECT_EQ(series[0].committed, 1);
  EXPECT_EQ(series[1].committed, 2);
  EXPECT_EQ(series[2].committed, 1);
  EXPECT_EQ(read_summary(out())[0].committed, 4);
}

TEST_F(MergeTest, RefusesFoldersThatAreNotTheShardsOfOneRun) {
  ShardSpec a, b;
  b.index = 1;
  a.intervals = b.intervals = {{1'000'000}};
  const std::string da = write_shard("a", a), db = write_shard("b", b);

  ShardSpec other_workload = b;
  other_workload.sha = "def";
  EXPECT_NE(refusal({da, write_shard("w", other_workload)}).find("sha256"), std::string::npos);

  ShardSpec other_settings = b;
  other_settings.duration_s = 5;
  const std::string why = refusal({da, write_shard("s", other_settings)});
  EXPECT_NE(why.find("settings differ: duration_s 2"), std::string::npos) << why;

  ShardSpec other_target = b;
  other_target.target = "postgresql://oltap@127.0.0.1:2/db";
  EXPECT_NE(refusal({da, write_shard("t", other_target)}).find("targets differ"), std::string::npos);

  ShardSpec interrupted = b;
  interrupted.status = "interrupted";
  EXPECT_NE(refusal({da, write_shard("i", interrupted)}).find("not complete"), std::string::npos);

  EXPECT_NE(refusal({da, da}).find("the same folder"), std::string::npos);
  EXPECT_NE(refusal({da, write_shard("a2", a)}).find("both shard 0/2"), std::string::npos);
  EXPECT_NE(refusal({da}).find("1/2 missing"), std::string::npos);
  ShardSpec of_three = b;
  of_three.count = 3;
  EXPECT_NE(refusal({da, write_shard("3", of_three)}).find("one of 2 shards"), std::string::npos);
  ShardSpec unsharded = b;
  unsharded.sharded = false;
  EXPECT_NE(refusal({da, write_shard("u", unsharded)}).find("not a shard"), std::string::npos);
  EXPECT_NE(refusal({da, (dir_ / "nowhere").string()}).find("not a result folder"), std::string::npos);

  // And the two that are merge.
  EXPECT_NO_THROW(merge_runs({{da, db}, out(), false, ""}));
  // Into a folder that holds a run only with force.
  EXPECT_THROW(merge_runs({{da, db}, out(), false, ""}), Error);
  EXPECT_NO_THROW(merge_runs({{da, db}, out(), true, ""}));
}

}  // namespace
}  // namespace oltap::results
