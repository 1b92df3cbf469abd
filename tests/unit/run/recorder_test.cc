// The recorder (run/recorder.h) on clients' counters written by hand: each
// interval is what happened since the last read, split into commits,
// intended rollbacks and errors, with an ALL row per group; and reading an
// interval allocates nothing, which is what keeps a run's memory flat
// however long it is (issue 9, point 8).
#include "run/recorder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>

#include "count_allocations.h"
#include "workload/workload.h"

namespace oltap::run {
namespace {

const char* const kTwoGroups = R"(name: w
transactions:
  - name: a
    steps:
      - sql: SELECT 1
  - name: b
    steps:
      - sql: SELECT 2
groups:
  - name: g1
    clients: 2
    mix: [a, b]
  - name: g2
    clients: 1
    mix: [b]
)";

struct Fixture {
  Plan plan;
  std::vector<std::unique_ptr<Worker>> workers;
  explicit Fixture(const Options& o = {})
      : plan(compile_plan(workload::parse_spec(kTwoGroups, "w.yaml"), "postgres", engine::Kind::kSql, o)) {
    plan_stages(plan, o);
    for (const GroupPlan& g : plan.groups)
      for (int c = 0; c < g.clients; ++c) {
        auto w = std::make_unique<Worker>();
        w->plan = &plan;
        w->group = &g;
        for (size_t b = 0; b < std::min(kStatBlocks, plan.stages.size()); ++b)
          w->blocks.push_back(std::make_unique<TxnStats[]>(g.txns.size()));
        workers.push_back(std::move(w));
      }
  }
  std::vector<std::vector<double>> offered() const {
    std::vector<std::vector<double>> out;
    for (const StagePlan& sp : plan.stages) out.push_back(sp.offered);
    return out;
  }
  // One client's transaction k: n commits of `ns`, then aborted and errors,
  // counted in the stats of stage `stage`.
  void add(size_t worker, size_t k, int n, int64_t ns, int aborted = 0, int errors = 0, size_t stage = 0) {
    auto& blocks = workers[worker]->blocks;
    TxnStats& st = blocks[stage % blocks.size()][k];
    for (int i = 0; i < n + aborted; ++i) st.latency.record(ns);
    st.committed.store(st.committed.load() + n);
    st.aborted.store(st.aborted.load() + aborted);
    st.errors.store(st.errors.load() + errors);
  }
};

const IntervalRow& row(const Recorder& r, const std::string& group, const std::string& txn) {
  for (const auto& x : r.rows())
    if (x.group == group && x.txn == txn) return x;
  throw std::runtime_error("no row " + group + "/" + txn);
}

TEST(Recorder, EachIntervalIsWhatHappenedSinceTheLastReadWithAnAllRowPerGroup) {
  Fixture f;
  Recorder rec(f.plan, f.workers, false, f.offered(), false);
  ASSERT_EQ(rec.rows().size(), 5u) << "g1: a, b, ALL; g2: b, ALL";
  EXPECT_EQ(rec.rows()[2].txn, "ALL");
  EXPECT_EQ(rec.rows()[4].group, "g2");

  f.add(0, 0, 3, 1'000'000, 1);     // g1 client 0, a: 3 commits, 1 intended rollback
  f.add(1, 0, 2, 2'000'000, 0, 1);  // g1 client 1, a: 2 commits, 1 error
  f.add(1, 1, 4, 3'000'000);        // g1 client 1, b
  f.add(2, 0, 5, 4'000'000, 0, 2);  // g2, b
  rec.collect(1.0, 1.0, 0);
  EXPECT_EQ(row(rec, "g1", "a").committed, 5);
  EXPECT_EQ(row(rec, "g1", "a").aborted, 1);
  EXPECT_EQ(row(rec, "g1", "a").errors, 1);
  EXPECT_EQ(row(rec, "g1", "a").latency.count(), 6) << "commits and intended rollbacks";
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 9);
  EXPECT_EQ(row(rec, "g1", "ALL").latency.count(), 10);
  EXPECT_EQ(row(rec, "g2", "b").committed, 5);
  EXPECT_EQ(row(rec, "g2", "ALL").errors, 2);
  EXPECT_NEAR(row(rec, "g2", "b").latency.value_at_quantile(0.5), 4e6, 0.01 * 4e6);
  Progress p = rec.progress(3.0);
  EXPECT_EQ(p.tps, 14);
  EXPECT_EQ(p.errors, 3);

  f.add(2, 0, 1, 9'000'000);
  rec.collect(1.5, 0.5, 0);
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 0) << "nothing new in g1";
  EXPECT_EQ(row(rec, "g1", "ALL").latency.count(), 0);
  EXPECT_EQ(row(rec, "g2", "b").committed, 1);
  EXPECT_NEAR(row(rec, "g2", "b").latency.value_at_quantile(0.5), 9e6, 0.01 * 9e6) << "this interval's only";
  EXPECT_EQ(row(rec, "g2", "b").t_s, 1.5);
  EXPECT_EQ(row(rec, "g2", "b").length_s, 0.5);
  EXPECT_EQ(rec.progress(3.5).tps, 2) << "1 commit in half a second";

  auto totals = rec.totals();
  ASSERT_EQ(totals.size(), 5u);
  EXPECT_EQ(totals[4].txn, "ALL");
  EXPECT_EQ(totals[4].committed, 6);
  EXPECT_EQ(totals[4].errors, 2);
  EXPECT_EQ(totals[2].latency.count(), 10);
}

TEST(Recorder, ReadingAnIntervalAllocatesNothing) {
  Fixture f;
  Recorder rec(f.plan, f.workers, false, f.offered(), false);
  f.add(0, 0, 10, 1'000'000);
  rec.collect(1.0, 1.0, 0);  // first use: nothing left to grow
  testing::allocations = 0;
  testing::counting_allocations = true;
  for (int i = 0; i < 100; ++i) {
    f.add(0, 0, 1, 1'000'000 + i);
    rec.collect(2.0 + i, 1.0, 0);
    (void)rec.progress(2.0 + i);
  }
  testing::counting_allocations = false;
  EXPECT_EQ(testing::allocations.load(), 0);
}

// Each client counts a transaction in the stats of the stage it ended in,
// so a stage read late holds nothing of the next; what a client counted in
// a stage after its last read is read with the next, never lost.
TEST(Recorder, AStageHoldsWhatEndedInItAndWhatWasCountedLateIsReadWithTheNext) {
  Options o;
  o.stages = {{1, 0, 0}, {1, 0, 0}, {1, 0, 0}, {1, 0, 0}};
  Fixture f(o);
  ASSERT_EQ(f.plan.stages.size(), 4u);
  ASSERT_EQ(f.workers[0]->blocks.size(), kStatBlocks);
  Recorder rec(f.plan, f.workers, false, f.offered(), true);
  auto stage_all = [&](const StageTotals& st) { return st.totals[2].committed; };  // g1's ALL

  f.add(0, 0, 3, 1'000'000);           // stage 1
  f.add(1, 0, 4, 1'000'000, 0, 0, 1);  // stage 2, counted before the recorder read stage 1's end
  rec.collect(1.0, 1.0, 0);
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 3) << "the second stage's are not in the first";
  StageTotals s1 = rec.end_stage(0, 0, 1, {2, 1});
  rec.mark_stage_start();
  EXPECT_EQ(stage_all(s1), 3);

  f.add(0, 0, 2, 1'000'000);  // ended in stage 1, counted after its last read
  rec.collect(2.0, 1.0, 1);
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 6) << "stage 2's four and stage 1's two late ones";
  StageTotals s2 = rec.end_stage(1, 1, 1, {2, 1});
  rec.mark_stage_start();
  EXPECT_EQ(stage_all(s2), 6);

  f.add(0, 1, 5, 1'000'000, 0, 0, 2);
  f.add(0, 1, 7, 1'000'000, 0, 0, 3);  // stage 4 shares stage 1's block
  rec.collect(3.0, 1.0, 2);
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 5) << "stage 4's are not in stage 3";
  StageTotals s3 = rec.end_stage(2, 2, 1, {2, 1});
  rec.mark_stage_start();
  rec.collect(3.5, 0.5, 3, /*last=*/true);
  EXPECT_EQ(row(rec, "g1", "ALL").committed, 7);
  StageTotals s4 = rec.end_stage(3, 3, 0.5, {2, 1});
  EXPECT_EQ(stage_all(s3), 5);
  EXPECT_EQ(stage_all(s4), 7);
  EXPECT_EQ(rec.totals()[2].committed, 3 + 6 + 5 + 7) << "the stages add up to the run";
}

}  // namespace
}  // namespace oltap::run
