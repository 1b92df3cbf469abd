// What a client does when the server fails (run/worker.cc, runner.cc), seen
// from a scripted server (fake_connection.h): failures counted by class, a
// COMMIT whose reply never came counted as unknown (not as an error), the
// reconnect back-off and its attempts, and the connected count and the
// outage the recorder sees.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "fake_connection.h"
#include "run/worker.h"

namespace oltap::run {
namespace {

using engine::Failure;
using engine::Status;
using testing::Call;
using testing::fake_options;
using testing::FakeServer;
using testing::Reply;
using testing::run_on;
using testing::spec_of;
using testing::totals_of;

const char* const kTwoSteps = R"(name: w
transactions:
  - name: pay
    steps:
      - sql: UPDATE a
      - sql: UPDATE b
)";

Reply failing(Status s, Failure f) {
  Reply out;
  out.status = s;
  out.failure = f;
  return out;
}

int64_t sum(const std::array<int64_t, engine::kFailureClasses>& a) {
  return std::accumulate(a.begin(), a.end(), int64_t{0});
}

size_t at(Failure f) { return static_cast<size_t>(f); }

TEST(Faults, FailuresAreCountedByTheClassTheEngineGivesAndAddUpToErrors) {
  FakeServer server;
  std::atomic<int> n{0};
  // Transactions 1..12 in turn: a constraint, a deadlock (retryable, not
  // retried here), a time-out, another failure, and a commit.
  server.script = [&](const Call& c) {
    if (c.text != "UPDATE b") return Reply{};
    switch (n++ % 5) {
      case 0:
        return failing(Status::kFatal, Failure::kConstraint);
      case 1:
        return failing(Status::kRetryable, Failure::kDeadlock);
      case 2:
        return failing(Status::kFatal, Failure::kTimeout);
      case 3:
        return failing(Status::kFatal, Failure::kOther);
      default:
        return Reply{};
    }
  };
  Options o = fake_options(server, 1);
  o.transactions = 10;
  o.max_retries = 0;
  RunResult r = run_on(spec_of(kTwoSteps), o);
  const TxnTotals& t = totals_of(r, "pay");
  EXPECT_EQ(t.committed, 2);
  EXPECT_EQ(t.errors, 8);
  EXPECT_EQ(t.failed[at(Failure::kConstraint)], 2);
  EXPECT_EQ(t.failed[at(Failure::kDeadlock)], 2);
  EXPECT_EQ(t.failed[at(Failure::kTimeout)], 2);
  EXPECT_EQ(t.failed[at(Failure::kOther)], 2);
  EXPECT_EQ(t.failed[at(Failure::kConnection)], 0);
  EXPECT_EQ(sum(t.failed), t.errors);
  EXPECT_EQ(sum(totals_of(r, "ALL").failed), totals_of(r, "ALL").errors);
  EXPECT_EQ(t.unknown, 0);
}

TEST(Faults, ALostCommitIsUnknownNotAnErrorAndALostStatementIsAConnectionError) {
  FakeServer server;
  std::atomic<int> commits{0}, updates{0};
  // The 2nd COMMIT and the 4th UPDATE a lose the connection.
  server.script = [&](const Call& c) {
    if (c.text == "COMMIT" && ++commits == 2) return failing(Status::kConnectionLost, Failure::kConnection);
    if (c.text == "UPDATE a" && ++updates == 4) return failing(Status::kConnectionLost, Failure::kOther);
    return Reply{};
  };
  Options o = fake_options(server, 1);
  o.transactions = 6;
  RunResult r = run_on(spec_of(kTwoSteps), o);
  const TxnTotals& t = totals_of(r, "pay");
  EXPECT_EQ(t.unknown, 1);
  EXPECT_EQ(t.errors, 1);
  EXPECT_EQ(t.failed[at(Failure::kConnection)], 1)
      << "a lost connection is a connection error, whatever else";
  EXPECT_EQ(t.committed, 4);
  EXPECT_EQ(t.committed + t.errors + t.unknown, 6);
  EXPECT_EQ(r.reconnects, 2);
  EXPECT_EQ(r.connection_failures, 0);
  EXPECT_TRUE(r.failure.empty()) << r.failure;
}

TEST(Faults, AClientGivesUpAfterItsAttemptsAndTheRunSaysSo) {
  FakeServer server;
  std::atomic<int> n{0};
  server.script = [&](const Call& c) {
    if (c.text == "UPDATE a" && ++n == 3) {
      server.set_down(true);
      return failing(Status::kConnectionLost, Failure::kConnection);
    }
    return Reply{};
  };
  Options o = fake_options(server, 1);
  o.duration_s = 30;  // ends long before: the client gives up
  o.reconnect = {3, 0.01, 0.02};
  const auto start = std::chrono::steady_clock::now();
  RunResult r = run_on(spec_of(kTwoSteps), o);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(server.refused_connects(), 3);
  EXPECT_EQ(r.connection_failures, 3);
  EXPECT_EQ(r.reconnects, 0);
  EXPECT_NE(r.failure.find("gave up after 3 failed reconnect(s) in a row"), std::string::npos) << r.failure;
  const TxnTotals& t = totals_of(r, "pay");
  EXPECT_EQ(t.committed, 2);
  EXPECT_EQ(t.errors, t.failed[at(Failure::kConnection)]);
  EXPECT_GE(t.errors, 1);
}

TEST(Faults, ThePauseGrowsExponentiallyWithJitterUpToTheCap) {
  Worker w;
  w.rng = workload::Rng(7);
  w.reconnect_policy = {0, 0.1, 2};
  for (int failed = 1; failed <= 8; ++failed) {
    w.failed_in_row = failed;
    const double full = std::min(2.0, 0.1 * (1 << (failed - 1)));
    for (int i = 0; i < 50; ++i) {
      const double s = reconnect_pause_ns(w) / 1e9;
      EXPECT_GE(s, full / 2 - 1e-9) << failed;
      EXPECT_LE(s, full + 1e-9) << failed;
    }
  }
}

TEST(Faults, AnOutageShowsAsIntervalsWithoutConnectedClientsAndClientsComeBack) {
  FakeServer server;
  std::atomic<bool> fired{false};
  std::thread restart;
  std::atomic<int> n{0};
  server.script = [&](const Call& c) {
    // The server goes down after a while and comes back 1.5 s later.
    if (c.text == "UPDATE a" && ++n == 200 && !fired.exchange(true)) {
      server.set_down(true);
      restart = std::thread([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));
        server.set_down(false);
      });
      return failing(Status::kConnectionLost, Failure::kConnection);
    }
    return Reply{};
  };
  server.keep_log = false;
  Options o = fake_options(server, 2);
  o.duration_s = 4;
  o.reconnect = {0, 0.05, 0.2};
  testing::Recording rec;
  RunResult r = run_on(spec_of(kTwoSteps), o, &rec);
  if (restart.joinable()) restart.join();
  ASSERT_TRUE(fired);
  EXPECT_TRUE(r.failure.empty()) << r.failure;
  EXPECT_GE(r.reconnects, 2) << "both clients came back";
  EXPECT_GE(r.connection_failures, 2);
  // Down 1.5 s; a client notices at its next statement (at once here) and
  // comes back within a pause (at most 0.2 s) of the server.
  EXPECT_GT(r.outage_s, 1.0);
  EXPECT_LT(r.outage_s, 2.5);
  int without = 0;
  int64_t errors = 0, classified = 0;
  for (const auto& interval : rec.intervals)
    for (const auto& row : interval) {
      if (row.txn != "ALL") continue;
      if (row.connected == 0) ++without;
      EXPECT_LE(row.connected, 2);
      errors += row.errors;
      classified += sum(row.failed);
    }
  EXPECT_GE(without, 1);
  EXPECT_EQ(rec.intervals.back().back().connected, 2) << "connected again at the end";
  EXPECT_EQ(errors, classified);
  EXPECT_EQ(errors, totals_of(r, "ALL").errors);
  EXPECT_GT(totals_of(r, "ALL").failed[at(Failure::kConnection)], 0);
}

}  // namespace
}  // namespace oltap::run
