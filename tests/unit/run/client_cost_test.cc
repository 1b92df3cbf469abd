// The client measuring itself (run/client_cost.h): the cost between two
// readings, each rule that says oltap was the bottleneck (on made-up
// readings, at and around its bounds), and read_cpu on real threads.
#include "run/client_cost.h"

#include <gtest/gtest.h>
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace oltap::run {
namespace {

constexpr int64_t kNsPerS = 1'000'000'000;

// Two readings wall_s apart: the process used user_s + system_s between
// them, thread i used used_s[i] (each from a start of 1 s).
struct Readings {
  CpuReading before, after;
};
Readings readings(double wall_s, double user_s, double system_s, const std::vector<double>& used_s) {
  Readings r;
  r.before.wall_ns = 5 * kNsPerS;
  r.after.wall_ns = r.before.wall_ns + static_cast<int64_t>(wall_s * kNsPerS);
  r.before.user_s = 10;
  r.before.system_s = 2;
  r.after.user_s = r.before.user_s + user_s;
  r.after.system_s = r.before.system_s + system_s;
  for (double u : used_s) {
    r.before.thread_s.push_back(1);
    r.after.thread_s.push_back(1 + u);
  }
  return r;
}

// A closed-loop run on 4 cores that left the client plenty of room.
CostInputs closed_loop(int64_t completed) {
  CostInputs in;
  in.completed = completed;
  in.cores = 4;
  return in;
}

// An open loop on 4 cores at 10,000/s of which 8,123/s were reached, the
// lag growing from 5 to 120 ms, the service time flat at 2 ms: rule 3's case.
CostInputs fell_behind() {
  CostInputs in = closed_loop(81'230);
  in.offered_tps = 10'000;
  in.achieved_tps = 8'123;
  in.lag_max_first_ms = 5;
  in.lag_max_last_ms = 120;
  in.svc_p50_first_ms = 2;
  in.svc_p50_last_ms = 2.2;
  return in;
}

// A light open-loop run's readings: 10 s, 1.5 s of CPU, no thread busy.
Readings light() { return readings(10, 1.2, 0.3, {0.4, 0.5, 0.6}); }

TEST(ClientCost, FiguresAreTheDifferencesBetweenTheReadings) {
  Readings r = readings(10, 3, 1, {2, 4.5, 1});
  ClientCost c = judge_client_cost(r.before, r.after, closed_loop(40'000));
  EXPECT_DOUBLE_EQ(c.user_s, 3);
  EXPECT_DOUBLE_EQ(c.system_s, 1);
  EXPECT_NEAR(c.cpu_per_txn_us, 4e6 / 40'000, 1e-9);  // (3 + 1) s over 40,000 transactions
  EXPECT_NEAR(c.busiest_thread_share, 0.45, 1e-9);    // thread 1: 4.5 s of 10
  EXPECT_EQ(c.cores, 4);
  EXPECT_FALSE(c.client_bound);
  EXPECT_EQ(c.why, "");
}

TEST(ClientCost, NoTransactionsNoTimeNoDivisionByZero) {
  Readings r = readings(0, 1, 1, {1});
  ClientCost c = judge_client_cost(r.before, r.after, closed_loop(0));
  EXPECT_EQ(c.cpu_per_txn_us, 0);
  EXPECT_EQ(c.busiest_thread_share, 0);
  EXPECT_FALSE(c.client_bound);
}

TEST(ClientCost, CoresDefaultToTheOnlineCpus) {
  Readings r = light();
  CostInputs in = closed_loop(1);
  in.cores = 0;
  EXPECT_EQ(judge_client_cost(r.before, r.after, in).cores, static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)));
}

TEST(ClientCost, AThreadThatEndedCountsAsNothing) {
  Readings r = readings(10, 3, 1, {2, 1});
  r.after.thread_s[0] = 0;  // read_cpu's reading of a thread that has ended
  ClientCost c = judge_client_cost(r.before, r.after, closed_loop(1));
  EXPECT_NEAR(c.busiest_thread_share, 0.1, 1e-9);
}

TEST(ClientCost, Rule1ASaturatedClientThread) {
  Readings r = readings(10, 10.5, 0.5, {1, 2, 1, 9.7});
  ClientCost c = judge_client_cost(r.before, r.after, closed_loop(100'000));
  EXPECT_TRUE(c.client_bound);
  EXPECT_NEAR(c.busiest_thread_share, 0.97, 1e-9);
  EXPECT_EQ(c.why,
            "client thread 3 used 97% of a core: the figures measure oltap rather than the server; "
            "spread the clients over more threads (--threads) or load hosts");
}

TEST(ClientCost, Rule1HoldsFromTheSaturatedShareOn) {
  const double wall_s = 10;
  Readings at = readings(wall_s, 5, 0, {kSaturatedShare * wall_s});
  EXPECT_TRUE(judge_client_cost(at.before, at.after, closed_loop(1)).client_bound);
  Readings below = readings(wall_s, 5, 0, {(kSaturatedShare - 0.01) * wall_s});
  EXPECT_FALSE(judge_client_cost(below.before, below.after, closed_loop(1)).client_bound);
}

TEST(ClientCost, Rule2TheProcessUsedEveryCore) {
  // 8 threads at half a core each (none saturated) and 3.8 of 4 cores in all.
  Readings r = readings(10, 30, 8, std::vector<double>(8, 5));
  ClientCost c = judge_client_cost(r.before, r.after, closed_loop(1));
  EXPECT_TRUE(c.client_bound);
  EXPECT_EQ(c.why,
            "oltap used 3.8 of the host's 4 cores: the figures measure oltap rather than the server; "
            "give it a host of its own or more load hosts");
  Readings below = readings(10, 30, 5.9, std::vector<double>(8, 5));  // 3.59 cores: just under 0.9 x 4
  EXPECT_FALSE(judge_client_cost(below.before, below.after, closed_loop(1)).client_bound);
}

TEST(ClientCost, Rule3TheClientFellBehindASteadyServer) {
  Readings r = light();
  ClientCost c = judge_client_cost(r.before, r.after, fell_behind());
  EXPECT_TRUE(c.client_bound);
  EXPECT_EQ(
      c.why,
      "the schedule lag grew to 120 ms while the service time stayed flat and 8,123 of 10,000 tx/s were "
      "reached: the client, not the server, fell behind; run more clients (or --pipeline)");
}

TEST(ClientCost, Rule3NotWhenTheRateWasReached) {
  Readings r = light();
  CostInputs in = fell_behind();
  in.achieved_tps = kRateReached * in.offered_tps;
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
}

TEST(ClientCost, Rule3NotWhenTheLagDidNotGrowEnough) {
  Readings r = light();
  CostInputs in = fell_behind();
  in.lag_max_first_ms = in.lag_max_last_ms / kLagGrowth;  // exactly kLagGrowth times: not above it
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
}

TEST(ClientCost, Rule3NotWhenTheLagStayedSmall) {
  Readings r = light();
  CostInputs in = fell_behind();
  in.lag_max_first_ms = 0.5;
  in.lag_max_last_ms = kLagGrewMs;  // 20x, but only 10 ms
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
  in.lag_max_last_ms = kLagGrewMs + 1;
  EXPECT_TRUE(judge_client_cost(r.before, r.after, in).client_bound);
}

TEST(ClientCost, Rule3NotWhenTheServiceTimeGrew) {
  // The server slowed down: it, not the client, is why the rate was missed.
  Readings r = light();
  CostInputs in = fell_behind();
  in.svc_p50_last_ms = kServiceFlat * in.svc_p50_first_ms * 1.01;
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
  in.svc_p50_last_ms = kServiceFlat * in.svc_p50_first_ms;
  EXPECT_TRUE(judge_client_cost(r.before, r.after, in).client_bound);
}

TEST(ClientCost, Rule3TakesATinyServiceTimesJitterAsFlat) {
  // Redis GETs: a median of 0.02 ms, then 0.07 ms (3.5 times, 0.05 ms more).
  Readings r = light();
  CostInputs in = fell_behind();
  in.svc_p50_first_ms = 0.02;
  in.svc_p50_last_ms = 0.07;
  EXPECT_TRUE(judge_client_cost(r.before, r.after, in).client_bound);
  in.svc_p50_last_ms = 0.02 + kServiceFlatMs + 0.01;  // grew by more than the jitter allowed
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
}

TEST(ClientCost, Rule3NotInAClosedLoop) {
  Readings r = light();
  CostInputs in = fell_behind();
  in.offered_tps = 0;  // no schedule: nothing to fall behind
  EXPECT_FALSE(judge_client_cost(r.before, r.after, in).client_bound);
}

// A thread that spins until its own clock says 50 ms of CPU, then waits
// (alive, so its handle reads) until told to end.
class Spinner {
 public:
  Spinner()
      : thread_([this] {
          while (thread_cpu_s() < 0.05) {
          }
          spun_.store(true);
          while (!end_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }) {}
  ~Spinner() {
    end_.store(true);
    thread_.join();
  }
  void wait_spun() {
    while (!spun_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  pthread_t handle() { return thread_.native_handle(); }

 private:
  std::atomic<bool> spun_{false}, end_{false};
  std::thread thread_;
};

TEST(ReadCpu, ReadsTheCpuAThreadUsed) {
  CpuReading before = read_cpu({});
  Spinner s;
  s.wait_spun();
  CpuReading after = read_cpu({s.handle(), pthread_self()});
  ASSERT_EQ(after.thread_s.size(), 2u);
  EXPECT_GE(after.thread_s[0], 0.03);
  // The process's CPU holds the spinner's.
  EXPECT_GE((after.user_s + after.system_s) - (before.user_s + before.system_s), 0.03);
  EXPECT_GT(after.wall_ns, before.wall_ns);
}

TEST(ReadCpu, AThreadThatEndedReadsZero) {
  // Not the caller's own time: a kernel thread clock of id 0 would be that.
  std::atomic<bool> ending{false};
  std::thread t([&ending] {
    while (thread_cpu_s() < 0.01) {
    }
    ending.store(true);
  });
  while (!ending.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  double read = -1;
  while (std::chrono::steady_clock::now() < deadline) {
    read = read_cpu({t.native_handle()}).thread_s.at(0);
    if (read == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  t.join();
  EXPECT_EQ(read, 0) << "a thread that has ended (not yet joined) reads 0";
}

}  // namespace
}  // namespace oltap::run
