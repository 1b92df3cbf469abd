// The open loop (run/schedule.h, worker.cc's phases, pipeline.cc) on a
// scripted server: the rate asked for is the rate sent, whatever the
// server's pace; a stall shows in the latency from each transaction's
// intended start and in the lag, and not in the service time; late and
// skipped as pgbench -L counts them; stages each with their totals, the
// intervals cut at their ends and adding up to them; pipelined clients
// multiplexed on one thread keep the rate too; a closed loop's service time
// is its latency and its lag 0; stages without a rate ramp the clients.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <thread>

#include "fake_connection.h"

namespace oltap::run {
namespace {

using testing::Call;
using testing::fake_options;
using testing::FakeServer;
using testing::Recording;
using testing::Reply;
using testing::run_on;
using testing::spec_of;
using testing::totals_of;

const char* const kOne = R"(name: w
transactions:
  - name: t
    steps:
      - sql: SELECT 1
)";

const char* const kGet = R"(name: kv
transactions:
  - name: get
    steps:
      - redis: [GET, k]
)";

constexpr double kMs = 1e6;

// The scripted server as a Redis that pipelines.
void as_redis(FakeServer& server) {
  server.keep_log = false;
  server.dialect = "redis";
  server.kind = engine::Kind::kKeyValue;
  server.pipelines = true;
}

// One client at 500/s for 1.5 s on a server whose 250th call stalls 300 ms.
Options stalled_run(FakeServer& server) {
  server.keep_log = false;
  auto n = std::make_shared<std::atomic<int>>(0);
  server.script = [n](const Call&) {
    if (++*n == 250) std::this_thread::sleep_for(std::chrono::milliseconds(300));
    return Reply{};
  };
  Options o = fake_options(server, 1);
  o.rate = 500;
  o.arrival = Arrival::kUniform;
  o.duration_s = 1.5;
  return o;
}

// Evenly spaced arrivals make the count exact but for the run's two ends.
TEST(OpenLoop, SendsAtTheRateAskedForWhateverTheServersPace) {
  FakeServer server;
  server.keep_log = false;
  Options o = fake_options(server, 2);
  o.rate = 1000;
  o.arrival = Arrival::kUniform;
  o.duration_s = 1.5;
  RunResult r = run_on(spec_of(kOne), o);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_NEAR(static_cast<double>(t.committed), 1500, 1500 * 0.01);
  EXPECT_DOUBLE_EQ(t.offered_tps, 1000);
  EXPECT_EQ(t.service.count(), t.committed);
  EXPECT_EQ(t.lag.count(), t.committed);
}

TEST(OpenLoop, PoissonArrivalsAverageTheRate) {
  FakeServer server;
  server.keep_log = false;
  Options o = fake_options(server, 4);
  o.rate = 4000;
  o.duration_s = 1.5;
  RunResult r = run_on(spec_of(kOne), o);
  // 6000 expected; a Poisson count's standard deviation is its root, about 77.
  EXPECT_NEAR(static_cast<double>(totals_of(r, "ALL").committed), 6000, 5 * 77);
}

// One stall of 300 ms in the middle of a run at 500/s on one client: the
// transactions due meanwhile wait, so their latency from the intended
// start is long, and the lag shows it; their service time does not, since
// the server answered each of them at once once it was back.
TEST(OpenLoop, AStallShowsInTheLatencyAndTheLagNotInTheServiceTime) {
  FakeServer server;
  Options o = stalled_run(server);
  RunResult r = run_on(spec_of(kOne), o);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_NEAR(static_cast<double>(t.committed), 750, 10) << "nothing is dropped: the backlog is sent";
  EXPECT_GE(t.latency.max(), 290 * kMs);
  EXPECT_GE(t.latency.value_at_quantile(0.99), 100 * kMs) << "about 150 transactions were due in the stall";
  EXPECT_GE(t.lag.max(), 250 * kMs);
  EXPECT_LT(t.service.value_at_quantile(0.99), 20 * kMs) << "only one transaction was served slowly";
  EXPECT_GE(t.service.max(), 290 * kMs) << "the one that was";
}

// pgbench -R -L: a transaction already later than the limit when due is
// skipped (not sent), one that completes later than it is late.
TEST(OpenLoop, ALatencyLimitSkipsWhatIsAlreadyLateAndCountsWhatEndsLate) {
  FakeServer server;
  Options o = stalled_run(server);
  o.latency_limit_s = 0.05;
  RunResult r = run_on(spec_of(kOne), o);
  const TxnTotals& t = totals_of(r, "ALL");
  // Due in the stall: 150, 2 ms apart; those more than 50 ms behind when it ends (about 125) are skipped.
  EXPECT_GE(t.skipped, 110);
  EXPECT_LE(t.skipped, 140);
  EXPECT_GE(t.late, 1) << "the stalled one itself";
  EXPECT_LE(t.late, 30);
  EXPECT_NEAR(static_cast<double>(t.committed + t.skipped), 750, 10)
      << "every due transaction is one or the other";
  EXPECT_LE(t.latency.value_at_quantile(0.99), 60 * kMs) << "the skipped ones are in no latency";
}

TEST(OpenLoop, AClosedLoopCountsLateAgainstTheLimitToo) {
  FakeServer server;
  server.keep_log = false;
  std::atomic<int> n{0};
  server.script = [&](const Call&) {
    if (++n % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(3));
    return Reply{};
  };
  Options o = fake_options(server, 1);
  o.transactions = 100;
  o.latency_limit_s = 0.002;
  RunResult r = run_on(spec_of(kOne), o);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_EQ(t.late, 10);
  EXPECT_EQ(t.skipped, 0);
  // A closed loop's service time is its latency, its lag none.
  EXPECT_EQ(t.service.count(), t.latency.count());
  EXPECT_EQ(t.service.max(), t.latency.max());
  EXPECT_EQ(t.lag.count(), t.latency.count());
  EXPECT_EQ(t.lag.max(), 0);
}

TEST(OpenLoop, StagesHaveTheirOwnTotalsAndTheIntervalsAreCutAtTheirEnds) {
  FakeServer server;
  server.keep_log = false;
  Options o = fake_options(server, 2);
  o.arrival = Arrival::kUniform;
  o.stages = {{0.6, 500, 0}, {0.6, 1500, 1}};
  o.duration_s = 1.2;
  Recording rec;
  RunResult r = run_on(spec_of(kOne), o, &rec);
  ASSERT_EQ(r.stages.size(), 2u);
  const TxnTotals& a = r.stages[0].totals.back();
  const TxnTotals& b = r.stages[1].totals.back();
  EXPECT_EQ(a.txn, "ALL");
  EXPECT_NEAR(static_cast<double>(a.committed), 300, 10);
  EXPECT_NEAR(static_cast<double>(b.committed), 900, 15);
  EXPECT_EQ(a.clients, 2);
  EXPECT_EQ(b.clients, 1) << "the second stage runs one client";
  EXPECT_DOUBLE_EQ(a.offered_tps, 500);
  EXPECT_DOUBLE_EQ(b.offered_tps, 1500);
  EXPECT_NEAR(r.stages[0].length_s, 0.6, 0.05);
  EXPECT_EQ(a.committed + b.committed, totals_of(r, "ALL").committed);
  // The series: [0, 0.6] in stage 1, then [0.6, 1.2] (and what ended after) in stage 2.
  int64_t by_stage[3] = {0, 0, 0};
  for (const auto& rows : rec.intervals) {
    ASSERT_GE(rows.back().stage, 1);
    by_stage[rows.back().stage] += rows.back().committed;
  }
  EXPECT_EQ(by_stage[1], a.committed);
  EXPECT_EQ(by_stage[2], b.committed);
  EXPECT_NEAR(rec.intervals.front().back().t_s, 0.6, 0.05) << "the first interval ends with the first stage";
}

// Stages without a rate are a closed loop whose clients ramp: the clients
// a stage does not use stay idle in it.
TEST(OpenLoop, ClosedLoopStagesRampTheClients) {
  FakeServer server;
  server.keep_log = false;
  // Calls per connection in each stage (the script runs under the server's
  // lock). Connection 1 is client 0's; the first 50 ms of each stage are left
  // out, for the clients to see the stage begin.
  std::map<int, int64_t> first, second;
  int64_t begin = 0;
  server.script = [&](const Call& c) {
    const int64_t now = metrics::now_ns();
    if (begin == 0) begin = now;
    const int64_t t = now - begin;
    if (t > 50'000'000 && t < 380'000'000) ++first[c.connection];
    if (t > 450'000'000) ++second[c.connection];
    return Reply{};
  };
  Options o = fake_options(server, 0);
  o.stages = {{0.4, 0, 1}, {0.4, 0, 3}};
  o.duration_s = 0.8;
  RunResult r = run_on(spec_of(kOne), o);
  ASSERT_EQ(r.stages.size(), 2u);
  const TxnTotals& a = r.stages[0].totals.back();
  const TxnTotals& b = r.stages[1].totals.back();
  EXPECT_EQ(a.clients, 1);
  EXPECT_EQ(b.clients, 3);
  EXPECT_EQ(a.offered_tps, 0) << "a closed loop";
  EXPECT_GT(a.committed, 0);
  EXPECT_GT(b.committed, 0);
  EXPECT_EQ(first.size(), 1u) << "one client runs in the first stage";
  EXPECT_EQ(second.size(), 3u) << "every client runs in the second";
  EXPECT_EQ(totals_of(r, "ALL").clients, 3) << "the whole run counts the most clients a stage ran";
}

TEST(OpenLoop, TheWarmUpRunsAtTheFirstStagesRateAndItsBacklogIsNotSentAfterIt) {
  FakeServer server;
  server.keep_log = false;
  std::atomic<int> n{0};
  server.script = [&](const Call&) {
    // The last part of the warm-up stalls: what falls due then is dropped at its end.
    if (++n == 100) std::this_thread::sleep_for(std::chrono::milliseconds(250));
    return Reply{};
  };
  Options o = fake_options(server, 1);
  o.rate = 500;
  o.arrival = Arrival::kUniform;
  o.warmup_s = 0.3;
  o.duration_s = 0.6;
  RunResult r = run_on(spec_of(kOne), o);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_NEAR(static_cast<double>(t.committed), 300, 10);
  EXPECT_LT(t.lag.value_at_quantile(0.5), 5 * kMs) << "the measurement starts on schedule";
}

TEST(OpenLoop, PipelinedClientsOnOneThreadKeepTheRate) {
  FakeServer server;
  as_redis(server);
  Options o = fake_options(server, 8);
  o.threads = 1;
  o.pipeline = 4;
  o.rate = 4000;
  o.arrival = Arrival::kUniform;
  o.duration_s = 1.0;
  RunResult r = run_on(spec_of(kGet), o);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_NEAR(static_cast<double>(t.committed), 4000, 4000 * 0.02);
  EXPECT_EQ(t.errors, 0);
  EXPECT_LT(t.lag.value_at_quantile(0.5), 2 * kMs);
}

TEST(OpenLoop, APipelinedClientOnItsOwnThreadKeepsTheRate) {
  FakeServer server;
  as_redis(server);
  Options o = fake_options(server, 2);
  o.pipeline = 8;
  o.rate = 2000;
  o.arrival = Arrival::kUniform;
  o.duration_s = 1.0;
  RunResult r = run_on(spec_of(kGet), o);
  EXPECT_NEAR(static_cast<double>(totals_of(r, "ALL").committed), 2000, 2000 * 0.02);
}

// A client idle in every stage after the first ends its schedule with its
// last batch in flight: that batch is still read and counted.
TEST(OpenLoop, PipelinedStagesWithFewerClientsLoseNothing) {
  for (int threads : {0, 1}) {
    SCOPED_TRACE(threads ? "one thread" : "a thread per client");
    FakeServer server;
    as_redis(server);
    auto calls = std::make_shared<std::atomic<int64_t>>(0);
    server.script = [calls](const Call&) {
      ++*calls;
      return Reply{};
    };
    Options o = fake_options(server, 0);
    o.threads = threads;
    o.pipeline = 4;
    o.arrival = Arrival::kUniform;
    o.stages = {{0.5, 2000, 2}, {0.5, 1000, 1}};
    o.duration_s = 1.0;
    RunResult r = run_on(spec_of(kGet), o);
    ASSERT_EQ(r.stages.size(), 2u);
    EXPECT_NEAR(static_cast<double>(r.stages[0].totals.back().committed), 1000, 30);
    EXPECT_NEAR(static_cast<double>(r.stages[1].totals.back().committed), 500, 30);
    EXPECT_EQ(totals_of(r, "ALL").errors, 0);
    EXPECT_EQ(totals_of(r, "ALL").committed, calls->load()) << "every command sent is counted";
    EXPECT_TRUE(r.failure.empty()) << r.failure;
  }
}

TEST(OpenLoop, ARateWithThinkTimesIsRefused) {
  FakeServer server;
  Options o = fake_options(server, 1);
  o.rate = 100;
  o.think_times = true;
  EXPECT_THROW(run_on(spec_of(kOne), o), Error);
}

TEST(OpenLoop, AGroupRateForAnUnknownGroupIsRefused) {
  FakeServer server;
  Options o = fake_options(server, 1);
  o.group_rate["nobody"] = 100;
  EXPECT_THROW(run_on(spec_of(kOne), o), Error);
}

}  // namespace
}  // namespace oltap::run
