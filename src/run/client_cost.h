// The client measures itself (issue 10, item 5): what CPU oltap's own
// process and its client threads used over a measured run, and the judgement
// whether oltap rather than the server was the bottleneck, so that figures
// that measure the load generator are said to be so.
//
// Threading: read_cpu() may be called from any thread, about the clients'
// threads while they run; judge_client_cost() is a pure function.
// Private to the run module (run.h's ClientCost is what leaves it).
#pragma once

#include <pthread.h>

#include <cstdint>
#include <vector>

#include "run.h"

namespace oltap::run {

// A client thread using this share of a core or more over the measured time
// is saturated: it spends its time in oltap, not waiting for the server.
inline constexpr double kSaturatedShare = 0.9;
// The process using this share of every online core or more is saturated
// (its threads may each be below kSaturatedShare, taking turns on the cores).
inline constexpr double kSaturatedCores = 0.9;
// Open loop: below this share of the offered rate, the rate was not reached.
inline constexpr double kRateReached = 0.97;
// Open loop: the schedule lag grew when the last quarter's max is above this
// many times the first quarter's and above kLagGrewMs; the service time
// stayed flat when the last quarter's median is at most kServiceFlat times the
// first's. A lag that grows steadily from 0 (a rate the client never
// keeps) has its last quarter's max about 4 times its first's (the whole
// run against its first quarter); one that holds steady, about the same:
// 2 lies between. (Measured: 4 clients at 2,000,000/s on Redis reached
// 60,600/s with the lag at 0.98 s after the first quarter and 3.9 s at the end.)
inline constexpr double kLagGrowth = 2;
inline constexpr double kLagGrewMs = 10;
inline constexpr double kServiceFlat = 1.5;
// ...or when it grew by no more than this: a median of tens of microseconds
// moves by half between quarters on a shared machine (seen in CI: Redis
// GETs at 0.02 then 0.07 ms while 2 clients fell seconds behind), while a
// server that saturates queues whole requests and grows by more.
inline constexpr double kServiceFlatMs = 0.5;

// One reading of what oltap's own process and its client threads have used.
struct CpuReading {
  int64_t wall_ns = 0;              // CLOCK_MONOTONIC
  double user_s = 0, system_s = 0;  // the whole process, since it started
  std::vector<double> thread_s;     // each thread's CPU since it started, in the order given
};
// Reads process user/system CPU (getrusage RUSAGE_SELF) and each given
// thread's CPU time (pthread_getcpuclockid + clock_gettime). A thread that
// has ended reads 0 (its CPU still counts in the process's): take the
// reading that closes a run while its client threads are alive. Every
// handle must be of a thread not yet joined (POSIX leaves a joined thread's
// handle undefined). Never throws.
CpuReading read_cpu(const std::vector<pthread_t>& threads) noexcept;
// The calling thread's CPU time so far (CLOCK_THREAD_CPUTIME_ID), for a
// thread that records its own before it ends.
double thread_cpu_s() noexcept;

// What the run saw besides the CPU, for the judgement. An open-loop run
// sets offered_tps; a closed-loop one leaves it 0 (no schedule to keep).
// The quarters are of the measured intervals: the first and last quarter.
struct CostInputs {
  int64_t completed = 0;  // committed + aborted + errors, over the measured time
  double offered_tps = 0, achieved_tps = 0;
  double lag_max_first_ms = 0, lag_max_last_ms = 0;  // the largest schedule lag of each quarter
  // The service time's median of each quarter: a server that saturates
  // serves its queue slower, whose median shows it; a p99 of a fraction of
  // a millisecond moves by half from one quarter to the next on its own.
  double svc_p50_first_ms = 0, svc_p50_last_ms = 0;
  int cores = 0;  // online CPUs; 0: sysconf(_SC_NPROCESSORS_ONLN)
};
// The cost between two readings (before: the end of the warm-up; after: the
// end of the measured time, the same threads in the same order) and whether
// the client was the bottleneck; the first rule that holds gives `why`.
// A thread whose reading went down (it ended) counts as having used nothing.
ClientCost judge_client_cost(const CpuReading& before, const CpuReading& after, const CostInputs& in);

}  // namespace oltap::run
