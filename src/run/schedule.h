// An open loop's schedule: the phases a client goes through (the warm-up,
// then each stage) and, within a phase, when each of its transactions is
// due. The schedule runs from the start of each phase and moves on by its
// own gaps, never from a transaction's completion (wrk2's and pgbench -R's
// rule), so a server that stalls cannot slow the offered load down.
//
// Threading: a Phase list is built before the clients start and then read
// by its one client only. Private to the run module.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "run.h"

namespace oltap::run {

inline constexpr int64_t kNoEnd = std::numeric_limits<int64_t>::max();

// One phase of one client: where it starts and ends (now_ns), whether the
// client runs in it, and at what pace.
struct Phase {
  int64_t start_ns = 0;
  int64_t end_ns = kNoEnd;  // the last phase ends when the run stops
  bool active = true;       // a stage with fewer clients leaves the others idle
  double gap_ns = 0;        // mean time between this client's transactions; 0: a closed loop
  double first_ns = 0;      // uniform arrivals: its first is due this long after start_ns (clients staggered)
  // The warm-up: what is still due when it ends is not sent, so the
  // measurement starts on schedule rather than behind it.
  bool drop_backlog = false;
};

// The settings of one stage for every group, as the runner resolves them.
struct StageSettings {
  int64_t start_ns = 0, end_ns = kNoEnd;
  std::vector<int> clients;  // per group: active clients
  std::vector<double> rate;  // per group: transactions per second of its active clients together; 0: closed
  bool drop_backlog = false;
};

// The phases of client `nth` (0-based within its group `group`).
std::vector<Phase> client_phases(const std::vector<StageSettings>& stages, size_t group, int nth,
                                 Arrival arrival);

// The gap to a client's next transaction: exponential of mean gap_ns
// (Poisson arrivals), or gap_ns itself.
double next_gap(workload::Rng& rng, double gap_ns, Arrival arrival) noexcept;

// Waits until due_ns (now_ns), sleeping (with the thread's timer slack cut
// to a nanosecond) until just before it and spinning the rest, so a
// transaction leaves within microseconds of when it is due. false when the
// run stopped meanwhile (stop_fd turns readable then).
bool wait_until(int64_t due_ns, const std::atomic<bool>& stop, int stop_fd) noexcept;
// Cuts the calling thread's timer slack (Linux's default is 50 us) so
// sleeps end when asked.
void precise_timers() noexcept;

}  // namespace oltap::run
