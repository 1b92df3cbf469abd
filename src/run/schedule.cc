// The open loop's phases and waits (see schedule.h).
#include "schedule.h"

#include <poll.h>
#include <sys/prctl.h>

#include <cmath>

namespace oltap::run {
namespace {

// The last stretch of a wait is spun rather than slept: a sleep ends some
// tens of microseconds late, a spin within one. Kept short, since a spinning
// client burns the CPU the other clients need: bench/schedule_bench at
// 10,000/s on the 2-core development machine (a KVM guest, where a 80 us
// sleep wakes a median 22-31 us late) measured 50 us against 20 us: the
// median lag fell from about 10 us to 0.1 us, but CPU per transaction about
// doubled (1 client about 21 -> 38 us, 4 clients 16 -> 34 us) and the p99, set
// by the machine's millisecond stalls, was no better.
constexpr int64_t kSpinNs = 20'000;

}  // namespace

std::vector<Phase> client_phases(const std::vector<StageSettings>& stages, size_t group, int nth,
                                 Arrival arrival) {
  std::vector<Phase> out;
  for (const StageSettings& s : stages) {
    Phase p;
    p.start_ns = s.start_ns;
    p.end_ns = s.end_ns;
    p.drop_backlog = s.drop_backlog;
    const int clients = s.clients[group];
    p.active = nth < clients;
    if (p.active && s.rate[group] > 0) {
      p.gap_ns = clients * 1e9 / s.rate[group];
      // Evenly spaced arrivals over the group: client n's first falls n/clients into the gap.
      p.first_ns = arrival == Arrival::kUniform ? p.gap_ns * nth / clients : 0;
    }
    out.push_back(p);
  }
  return out;
}

double next_gap(workload::Rng& rng, double gap_ns, Arrival arrival) noexcept {
  if (arrival == Arrival::kUniform) return gap_ns;
  // 1 - u lies in (0, 1]: the logarithm stays finite.
  return -std::log(1.0 - rng.next_double()) * gap_ns;
}

void precise_timers() noexcept { prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL); }

bool wait_until(int64_t due_ns, const std::atomic<bool>& stop, int stop_fd) noexcept {
  pollfd stop_event{stop_fd, POLLIN, 0};
  while (!stop.load(std::memory_order_relaxed)) {
    const int64_t left = due_ns - metrics::now_ns();
    if (left <= 0) return true;
    if (left > kSpinNs) {
      const int64_t nap = left - kSpinNs;
      const timespec ts{static_cast<time_t>(nap / 1'000'000'000), static_cast<long>(nap % 1'000'000'000)};
      ppoll(&stop_event, 1, &ts, nullptr);  // woken by the stop event, a signal or the time: look again
    }
  }
  return false;
}

}  // namespace oltap::run
