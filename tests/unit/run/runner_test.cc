// A run of one target as its caller sees it (run/run.h, runner.cc and
// recorder.cc) on a scripted server (fake_connection.h): prepare_run
// failing before anything is measured; exact --transactions counts; the
// warm-up recording nothing; an interval series that adds up to the totals
// (commits, intended rollbacks and errors apart, ALL rows, the last partial
// interval, intervals aligned on the end of the warm-up); and what a run
// says when its target goes away (the failure rule in run.h).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "fake_connection.h"

namespace oltap::run {
namespace {

using engine::Status;
using testing::Call;
using testing::fake_options;
using testing::fake_target;
using testing::FakeServer;
using testing::Recording;
using testing::Reply;
using testing::run_on;
using testing::spec_of;
using testing::totals_of;

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const char* const kOne = R"(name: w
transactions:
  - name: t
    steps:
      - sql: SELECT 1
)";

// Two groups; `order` rolls back on purpose when its lookup finds nothing.
const char* const kMixed = R"(name: w
transactions:
  - name: order
    weight: 3
    steps:
      - sql: SELECT price FROM item
        into: [price]
        rollback_if: not price
      - sql: INSERT INTO lines VALUES (:price)
  - name: peek
    steps:
      - sql: SELECT 1
groups:
  - name: buyers
    clients: 2
    mix: {order: 3, peek: 1}
  - name: readers
    clients: 1
    mix: [peek]
)";

// Some lookups find no item, some inserts and peeks fail: every kind of
// outcome happens in every interval. A short pause keeps the counts sane.
void script_mixed(FakeServer& server) {
  server.keep_log = false;
  auto n = std::make_shared<std::atomic<int64_t>>(0);
  server.script = [n](const Call& c) {
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    const int64_t i = ++*n;
    Reply r;
    if (starts_with(c.text, "SELECT price")) r.rows = {{i % 7 == 0 ? Value() : Value::of_int(5)}};
    if ((starts_with(c.text, "INSERT") || c.text == "SELECT 1") && i % 11 == 0) {
      r.status = Status::kFatal;
      r.error = "scripted";
    }
    return r;
  };
}

TEST(PrepareRun, ConnectsEveryClientAndPreparesEveryStatementBeforeMeasuring) {
  FakeServer server;
  auto prepared = prepare_run(spec_of(kMixed), fake_target(), fake_options(server, 0));
  EXPECT_EQ(server.connects(), 3) << "2 buyers, 1 reader";
  EXPECT_TRUE(server.log().empty()) << "nothing ran yet";
  EXPECT_EQ(prepared->target(), "fake://server/");
  EXPECT_EQ(prepared->dialect(), "postgres");
  EXPECT_EQ(prepared->server_version(), "Fake 1.0");
}

TEST(PrepareRun, AStatementTheServerRefusesFailsNamingTheTransactionAndStep) {
  FakeServer server;
  server.reject = "INSERT";
  try {
    prepare_run(spec_of(kMixed), fake_target(), fake_options(server, 0));
    FAIL() << "prepared a refused statement";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_EQ(std::string(e.what()), "order, step at w.yaml:9: fake: cannot prepare: syntax error");
  }
}

TEST(PrepareRun, AnUnreachableTargetFailsAsUnreachable) {
  FakeServer server;
  server.set_down(true);
  try {
    prepare_run(spec_of(kOne), fake_target(), fake_options(server, 2));
    FAIL() << "prepared an unreachable target";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kUnreachable);
  }
}

TEST(PrepareRun, PipeliningATargetThatCannotIsBadInput) {
  FakeServer server;
  Options o = fake_options(server, 1);
  o.pipeline = 4;
  try {
    prepare_run(spec_of(kOne), fake_target(), o);
    FAIL() << "pipelined on a target that does not";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_NE(std::string(e.what()).find("--pipeline"), std::string::npos) << e.what();
  }
}

TEST(PrepareRun, ASpecNeedNotOutliveThePreparedRun) {
  FakeServer server;
  Options o = fake_options(server, 0);
  o.transactions = 5;
  std::unique_ptr<PreparedRun> prepared;
  {
    workload::Spec spec = spec_of(kMixed);
    prepared = prepare_run(spec, fake_target(), o);
  }
  Recording rec;
  RunResult r = measure(*prepared, rec);
  EXPECT_EQ(totals_of(r, "ALL", "buyers").committed + totals_of(r, "ALL", "buyers").aborted, 2 * 5);
  EXPECT_EQ(totals_of(r, "peek", "readers").committed, 5);
}

TEST(Measure, APreparedRunIsMeasuredOnce) {
  FakeServer server;
  Options o = fake_options(server, 1);
  o.transactions = 1;
  auto prepared = prepare_run(spec_of(kOne), fake_target(), o);
  Recording rec;
  measure(*prepared, rec);
  EXPECT_THROW(measure(*prepared, rec), Error);
}

TEST(Measure, TransactionsRunsExactlyThatManyPerClient) {
  FakeServer server;
  script_mixed(server);
  server.keep_log = true;
  Options o = fake_options(server, 0);
  o.transactions = 40;
  Recording rec;
  RunResult r = run_on(spec_of(kMixed), o, &rec);
  const TxnTotals& buyers = totals_of(r, "ALL", "buyers");
  const TxnTotals& readers = totals_of(r, "ALL", "readers");
  EXPECT_EQ(buyers.committed + buyers.aborted + buyers.errors, 2 * 40);
  EXPECT_EQ(readers.committed + readers.aborted + readers.errors, 40);
  EXPECT_GT(buyers.aborted, 0);
  EXPECT_GT(buyers.errors + readers.errors, 0);
  // Each transaction started with a SELECT: the server saw exactly 120.
  int selects = 0;
  for (const Call& c : server.log()) selects += starts_with(c.text, "SELECT");
  EXPECT_EQ(selects, 3 * 40);
  EXPECT_FALSE(rec.intervals.empty()) << "a short run still has its one (partial) interval";
}

// The most clients a test here runs (kMixed: 2 buyers, 1 reader).
constexpr int64_t kMaxClients = 3;

// Sums every interval's rows per (group, txn) and checks each interval's
// ALL rows against its transactions' rows.
struct Sums {
  int64_t committed = 0, aborted = 0, errors = 0, latency = 0;
};
std::map<std::string, Sums> sum_series(const Recording& rec) {
  std::map<std::string, Sums> out;
  for (const auto& rows : rec.intervals) {
    std::map<std::string, Sums> groups;
    for (const auto& row : rows) {
      Sums& s = out[row.group + "/" + row.txn];
      s.committed += row.committed;
      s.aborted += row.aborted;
      s.errors += row.errors;
      s.latency += row.latency.count();
      // A client's latency and its counter are two writes, and the recorder
      // reads them one after the other: what clients complete between its two
      // reads is in this interval's histogram and the next interval's counter
      // (or the other way round). That is a transaction per client when the
      // reads follow each other at once, more when the recorder is descheduled
      // between them (seen under ASan on a loaded machine: 12 with 3
      // clients), so within an interval they agree to a transaction per client
      // or 1%; the sums over the run are exact (expect_series_adds_up).
      const int64_t done = row.committed + row.aborted;
      EXPECT_LE(std::abs(row.latency.count() - done), std::max<int64_t>(kMaxClients, done / 100))
          << row.group << "/" << row.txn;
      if (row.txn == "ALL") {
        const Sums& g = groups[row.group];
        EXPECT_EQ(row.committed, g.committed) << row.group << " at " << row.t_s;
        EXPECT_EQ(row.aborted, g.aborted) << row.group << " at " << row.t_s;
        EXPECT_EQ(row.errors, g.errors) << row.group << " at " << row.t_s;
        EXPECT_EQ(row.latency.count(), g.latency) << row.group << " at " << row.t_s;
      } else {
        Sums& g = groups[row.group];
        g.committed += row.committed;
        g.aborted += row.aborted;
        g.errors += row.errors;
        g.latency += row.latency.count();
      }
    }
  }
  return out;
}

void expect_series_adds_up(const RunResult& r, const Recording& rec) {
  auto sums = sum_series(rec);
  ASSERT_EQ(sums.size(), r.totals.size()) << "a series row for every totals row, ALL included";
  for (const TxnTotals& t : r.totals) {
    SCOPED_TRACE(t.group + "/" + t.txn);
    const Sums& s = sums[t.group + "/" + t.txn];
    EXPECT_EQ(s.committed, t.committed);
    EXPECT_EQ(s.aborted, t.aborted);
    EXPECT_EQ(s.errors, t.errors);
    EXPECT_EQ(s.latency, t.latency.count());
  }
}

TEST(Measure, TheIntervalsAddUpToTheTotalsIncludingTheLastPartialOne) {
  FakeServer server;
  script_mixed(server);
  Options o = fake_options(server, 0);
  o.duration_s = 2.4;
  Recording rec;
  RunResult r = run_on(spec_of(kMixed), o, &rec);
  EXPECT_GT(totals_of(r, "order", "buyers").aborted, 0);
  EXPECT_GT(totals_of(r, "ALL", "readers").errors, 0);
  expect_series_adds_up(r, rec);
  // Two whole seconds, then the last 0.4 s with what clients finished after the end.
  ASSERT_EQ(rec.intervals.size(), 3u);
  EXPECT_NEAR(rec.intervals[0][0].t_s, 1.0, 0.15);
  EXPECT_NEAR(rec.intervals[0][0].length_s, 1.0, 0.15);
  EXPECT_NEAR(rec.intervals[2][0].length_s, 0.4, 0.15);
  EXPECT_NEAR(rec.intervals[2][0].t_s, r.measured_s, 1e-9);
  for (const auto& rows : rec.intervals) {
    ASSERT_EQ(rows.size(), 5u) << "order, peek, ALL of buyers; peek, ALL of readers";
    EXPECT_EQ(rows[2].txn, "ALL");
    EXPECT_EQ(rows[4].txn, "ALL");
    EXPECT_EQ(rows[4].group, "readers");
  }
}

TEST(Measure, AWholeNumberOfSecondsHasNoSliverAfterTheEnd) {
  FakeServer server;
  script_mixed(server);
  Options o = fake_options(server, 0);
  o.duration_s = 2;
  Recording rec;
  RunResult r = run_on(spec_of(kMixed), o, &rec);
  expect_series_adds_up(r, rec);
  ASSERT_EQ(rec.intervals.size(), 2u);
  EXPECT_NEAR(rec.intervals[1][0].length_s, 1.0, 0.15) << "what finished after the end is in the last second";
}

TEST(Measure, WarmUpRecordsNothingAndIntervalsStartAtItsEnd) {
  FakeServer server;
  server.keep_log = false;
  std::atomic<int64_t> executed{0};
  server.script = [&](const Call&) {
    ++executed;
    std::this_thread::sleep_for(std::chrono::microseconds(50));
    return Reply{};
  };
  Options o = fake_options(server, 2);
  o.warmup_s = 1.5;
  o.duration_s = 1.2;
  Recording rec;
  RunResult r = run_on(spec_of(kOne), o, &rec);
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_GT(r.warmup_committed, 0);
  EXPECT_GT(t.committed, 0);
  EXPECT_EQ(r.warmup_committed + t.committed, executed.load()) << "each transaction is warm-up or measured";
  EXPECT_EQ(t.latency.count(), t.committed) << "no warm-up latency recorded";
  EXPECT_NEAR(r.measured_s, 1.2, 0.15);
  expect_series_adds_up(r, rec);
  ASSERT_EQ(rec.intervals.size(), 2u) << "[0, 1], then the last 0.2 s: no sliver at the end of the warm-up";
  EXPECT_NEAR(rec.intervals[0][0].t_s, 1.0, 0.15);
  EXPECT_NEAR(rec.intervals[0][0].length_s, 1.0, 0.15);
  // The progress line: warm-up ticks first (a second apart from the start),
  // then the measured ones; none shows the cut at the end of the warm-up.
  ASSERT_GE(rec.progress.size(), 2u);
  EXPECT_TRUE(rec.progress[0].warming_up);
  EXPECT_NEAR(rec.progress[0].elapsed_s, 1.0, 0.15);
  EXPECT_FALSE(rec.progress[1].warming_up);
  EXPECT_NEAR(rec.progress[1].elapsed_s, 2.5, 0.15);
  for (const auto& p : rec.progress) EXPECT_LT(p.tps, 1e6) << "a sliver's rate at " << p.elapsed_s;
}

TEST(Measure, AServerThatStopsMidRunFailsTheRunAndItsClientsKeepTrying) {
  FakeServer server;
  server.keep_log = false;
  Options o = fake_options(server, 2);
  o.duration_s = 1.0;
  auto prepared = prepare_run(spec_of(kOne), fake_target(), o);
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.set_down(true);
  });
  Recording rec;
  RunResult r = measure(*prepared, rec);
  stopper.join();
  const TxnTotals& t = totals_of(r, "ALL");
  EXPECT_GT(t.committed, 0);
  EXPECT_GT(t.errors, 0);
  // 0.7 s down with a reconnect every 0.1 s per client: several tries each.
  EXPECT_GE(server.refused_connects(), 2 * 4);
  EXPECT_EQ(r.failure,
            "2 of 2 client(s) lost the connection to fake://server/ and could not reconnect by the "
            "end: fake://server: connection refused");
  expect_series_adds_up(r, rec);
  bool named = false;
  for (const auto& e : r.sample_errors)
    named = named || e == "t: no connection (last connect error: "
                          "fake://server: connection refused)";
  EXPECT_TRUE(named) << "no kept error says why the client had no connection";
}

TEST(Measure, AServerThatComesBackIsNoFailure) {
  FakeServer server;
  server.keep_log = false;
  Options o = fake_options(server, 2);
  o.duration_s = 1.2;
  auto prepared = prepare_run(spec_of(kOne), fake_target(), o);
  std::thread bounce([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.set_down(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    server.set_down(false);
  });
  Recording rec;
  RunResult r = measure(*prepared, rec);
  bounce.join();
  EXPECT_TRUE(r.failure.empty()) << r.failure;
  EXPECT_GT(totals_of(r, "ALL").errors, 0);
  EXPECT_GT(server.connects(), 2) << "the clients reconnected";
  ASSERT_FALSE(rec.intervals.empty());
  EXPECT_GT(rec.intervals.back().back().committed, 0) << "commits again after the server came back";
}

TEST(Measure, AClientWithoutAServerUsesUpItsTransactionsAsErrors) {
  FakeServer server;
  Options o = fake_options(server, 1);
  o.transactions = 3;
  auto prepared = prepare_run(spec_of(kOne), fake_target(), o);
  server.set_down(true);
  Recording rec;
  RunResult r = measure(*prepared, rec);
  EXPECT_EQ(totals_of(r, "t").errors, 3);
  EXPECT_FALSE(r.failure.empty());
}

}  // namespace
}  // namespace oltap::run
