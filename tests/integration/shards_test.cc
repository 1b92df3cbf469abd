// Several load hosts on one machine: real runs merged with `oltap merge`.
// The merged folder's counts are the sums of the shards' and its p50, p99
// and max those of the union of the shards' histograms (computed here from
// their latency.hlog files, independently of merge); report, compare, gate
// and report --html take it like any run's folder; merge refuses what is not
// the shards of one run with exit 2.
//
// Isolation: database oltap_it_shards on the PostgreSQL server of
// OLTAP_POSTGRES, and OLTAP_REDIS's database.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness.h"
#include "results/results.h"

namespace oltap_it {
namespace {

namespace results = oltap::results;

// The whole-run latency histograms of the shards, merged per row.
std::map<results::HlogTag, oltap::metrics::Histogram> union_of(const std::vector<fs::path>& shards) {
  std::map<results::HlogTag, oltap::metrics::Histogram> out;
  for (const auto& s : shards)
    for (const auto& [tag, h] : results::read_whole_run_histograms((s / "latency.hlog").string()))
      out[tag].merge_from(h);
  return out;
}

// Every row of merged: its counts the sums of the shards' rows, its p50, p99
// and max from the union of their histograms.
void expect_merged(const fs::path& merged, const std::vector<fs::path>& shards) {
  const auto rows = results::read_summary(merged.string());
  const auto hist = union_of(shards);
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    SCOPED_TRACE(r.group + "/" + r.txn + " " + r.stage);
    int64_t committed = 0, errors = 0, aborted = 0;
    int clients = 0;
    for (const auto& s : shards)
      for (const auto& sr : results::read_summary(s.string()))
        if (sr.target == r.target && sr.group == r.group && sr.txn == r.txn && sr.stage == r.stage) {
          committed += sr.committed;
          errors += sr.errors;
          aborted += sr.aborted;
          clients += sr.clients;
        }
    EXPECT_EQ(r.committed, committed);
    EXPECT_EQ(r.errors, errors);
    EXPECT_EQ(r.aborted, aborted);
    EXPECT_EQ(r.clients, clients);
    const auto it = hist.find(results::HlogTag{r.target, r.group, r.txn, true, r.stage, false});
    ASSERT_NE(it, hist.end());
    EXPECT_EQ(it->second.count(), committed + aborted);
    results::SummaryRow expect = r;
    results::fill_latency(expect, it->second);
    expect = results::as_written(expect);
    EXPECT_DOUBLE_EQ(r.lat_p50_ms, expect.lat_p50_ms);
    EXPECT_DOUBLE_EQ(r.lat_p99_ms, expect.lat_p99_ms);
    EXPECT_DOUBLE_EQ(r.lat_max_ms, expect.lat_max_ms);
  }
  // The intervals add up to the summary, as a run's do.
  int64_t series = 0, summary = 0;
  for (const auto& t : results::read_timeseries(merged.string()))
    if (t.txn == "ALL" && t.stage.empty()) series += t.committed;
  for (const auto& r : rows)
    if (r.txn == "ALL" && r.stage.empty()) summary += r.committed;
  EXPECT_EQ(series, summary);
}

// report, compare, gate and report --html read a merged folder as any other.
void expect_readers_take(const fs::path& merged, const fs::path& other, const TempDir& dir) {
  CmdResult report = oltap({"report", merged.string()});
  EXPECT_EQ(report.exit_code, 0) << report.describe();
  EXPECT_TRUE(contains(report.out, "ALL")) << report.out;
  CmdResult compare = oltap({"compare", other.string(), merged.string()});
  EXPECT_EQ(compare.exit_code, 0) << compare.describe();
  CmdResult gate = oltap({"gate", merged.string(), "--baseline", merged.string()});
  EXPECT_EQ(gate.exit_code, 0) << gate.describe();
  const fs::path html = dir / "merged.html";
  CmdResult page = oltap({"report", merged.string(), "--html", html.string()});
  EXPECT_EQ(page.exit_code, 0) << page.describe();
  EXPECT_TRUE(fs::exists(html));
}

class Shards : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(Shards, TwoRealRunsMergeIntoAFolderEveryReaderTakes) {
  const std::string pg = make_scratch_db("oltap_it_shards");
  ASSERT_EQ(oltap({"load", workload("pgbench-tpcb.yaml"), "--target", pg}).exit_code, 0);
  std::vector<fs::path> runs = {dir_ / "a", dir_ / "b"};
  for (const auto& out : runs) {
    CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg, "--clients", "2", "--warmup",
                         "0s", "--duration", "2s", "--out", out.string()});
    ASSERT_EQ(r.exit_code, 0) << r.describe();
  }
  const fs::path merged = dir_ / "merged";
  CmdResult m = oltap({"merge", runs[0].string(), runs[1].string(), "--out", merged.string()});
  ASSERT_EQ(m.exit_code, 0) << m.describe();
  expect_merged(merged, runs);
  expect_readers_take(merged, runs[0], dir_);

  // The same folder twice, a run of another length, a folder that is not a run: exit 2 with why.
  CmdResult twice = oltap({"merge", runs[0].string(), runs[0].string(), "--out", (dir_ / "m2").string()});
  EXPECT_EQ(twice.exit_code, 2) << twice.describe();
  EXPECT_TRUE(contains(twice.err, "same folder")) << twice.err;
  const fs::path longer = dir_ / "longer";
  ASSERT_EQ(oltap({"run", workload("pgbench-tpcb.yaml"), "--target", pg, "--clients", "2", "--warmup", "0s",
                   "--duration", "1s", "--out", longer.string()})
                .exit_code,
            0);
  CmdResult differ = oltap({"merge", runs[0].string(), longer.string(), "--out", (dir_ / "m3").string()});
  EXPECT_EQ(differ.exit_code, 2) << differ.describe();
  EXPECT_TRUE(contains(differ.err, "duration_s")) << differ.err;
  CmdResult none = oltap({"merge", runs[0].string(), dir_.str(), "--out", (dir_ / "m4").string()});
  EXPECT_EQ(none.exit_code, 2) << none.describe();
  EXPECT_FALSE(fs::exists(dir_ / "m2"));
}

}  // namespace
}  // namespace oltap_it
