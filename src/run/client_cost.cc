// What oltap used while it measured, and whether that made it the
// bottleneck: client_cost.h states the rules, this file applies them.
#include "client_cost.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <ctime>

namespace oltap::run {
namespace {

double seconds(const timeval& tv) noexcept { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }
double seconds(const timespec& ts) noexcept { return static_cast<double>(ts.tv_sec) + ts.tv_nsec / 1e9; }

// 8123 as "8,123": rates are read by people.
std::string grouped(double v) {
  std::string digits = fmt::format("{:.0f}", std::max(0.0, v));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace

CpuReading read_cpu(const std::vector<pthread_t>& threads) noexcept {
  CpuReading r;
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  r.wall_ns = static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) {
    r.user_s = seconds(ru.ru_utime);
    r.system_s = seconds(ru.ru_stime);
  }
  try {
    r.thread_s.assign(threads.size(), 0.0);
  } catch (...) {  // out of memory: a reading without its threads
    return r;
  }
  for (size_t i = 0; i < threads.size(); ++i) {
    clockid_t clock{};
    timespec cpu{};
    // glibc answers ESRCH for a thread that has ended; the clock may also be
    // gone between the two calls. Either way the thread reads 0.
    if (pthread_getcpuclockid(threads[i], &clock) == 0 && clock_gettime(clock, &cpu) == 0)
      r.thread_s[i] = seconds(cpu);
  }
  return r;
}

double thread_cpu_s() noexcept {
  timespec cpu{};
  return clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu) == 0 ? seconds(cpu) : 0;
}

ClientCost judge_client_cost(const CpuReading& before, const CpuReading& after, const CostInputs& in) {
  ClientCost c;
  c.cores = in.cores > 0 ? in.cores : static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  c.user_s = std::max(0.0, after.user_s - before.user_s);
  c.system_s = std::max(0.0, after.system_s - before.system_s);
  if (in.completed > 0) c.cpu_per_txn_us = (c.user_s + c.system_s) * 1e6 / static_cast<double>(in.completed);
  const double wall_s = static_cast<double>(after.wall_ns - before.wall_ns) / 1e9;

  size_t busiest = 0;
  if (wall_s > 0) {
    const size_t n = std::min(before.thread_s.size(), after.thread_s.size());
    for (size_t i = 0; i < n; ++i) {
      // A thread that ended between the readings reads 0 after: nothing is
      // known of what it used, so it counts as nothing rather than negative.
      const double share = std::max(0.0, after.thread_s[i] - before.thread_s[i]) / wall_s;
      if (share > c.busiest_thread_share) {
        c.busiest_thread_share = share;
        busiest = i;
      }
    }
  }

  // Rule 1: one client thread had a core to itself and used all of it, so
  // its clients waited for oltap, not for the server.
  if (c.busiest_thread_share >= kSaturatedShare) {
    c.client_bound = true;
    c.why = fmt::format(
        "client thread {} used {:.0f}% of a core: the figures measure oltap rather than the server; "
        "spread the clients over more threads (--threads) or load hosts",
        busiest, c.busiest_thread_share * 100);
    return c;
  }
  // Rule 2: the process used (nearly) every core, so no thread of it could
  // run when it was due, though none alone looked saturated.
  const double process_cores = wall_s > 0 ? (c.user_s + c.system_s) / wall_s : 0;
  if (process_cores >= kSaturatedCores * c.cores) {
    c.client_bound = true;
    c.why = fmt::format(
        "oltap used {:.1f} of the host's {} cores: the figures measure oltap rather than the server; "
        "give it a host of its own or more load hosts",
        process_cores, c.cores);
    return c;
  }
  // Rule 3, open loop only: the rate was not reached and the lag behind the
  // schedule grew, while the server answered as fast at the end as at the
  // start (the service time, from the actual send, did not grow). A slow
  // server would have shown in the service time; a flat one means the
  // client could not send on time.
  const bool rate_missed = in.offered_tps > 0 && in.achieved_tps < kRateReached * in.offered_tps;
  const bool lag_grew =
      in.lag_max_last_ms > kLagGrowth * in.lag_max_first_ms && in.lag_max_last_ms > kLagGrewMs;
  const bool service_flat = in.svc_p50_last_ms <= kServiceFlat * in.svc_p50_first_ms ||
                            in.svc_p50_last_ms - in.svc_p50_first_ms <= kServiceFlatMs;
  if (rate_missed && lag_grew && service_flat) {
    c.client_bound = true;
    c.why = fmt::format(
        "the schedule lag grew to {:.0f} ms while the service time stayed flat and {} of {} tx/s were "
        "reached: the client, not the server, fell behind; run more clients (or --pipeline)",
        in.lag_max_last_ms, grouped(in.achieved_tps), grouped(in.offered_tps));
  }
  return c;
}

}  // namespace oltap::run
