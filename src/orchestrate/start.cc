// A common start for the shards of a run (several load hosts): before a
// target is measured, each shard checks in through the one thing they all
// reach, the target itself, and all begin at one instant once the N are
// there; or each waits for --start-at.
//
// The check-in (rendezvous.cc) is keyed by a hash of what makes the shards
// one run (workload, seed, N, settings, targets, the target's place), so
// other runs' shards do not count. A shard polls every kPollMs until N
// shards of its key have checked in within the wait (an older row is a run
// that never cleaned up), then sleeps until the latest check-in plus
// kStartMarginMs, which all of them compute alike (the hosts' clocks must
// agree: NTP). A shard removes its own check-in when the target's
// measurement ends, never before: by then every shard is past the barrier,
// so a later run of the same shards finds none.
//
// Threading: the run's thread; Ctrl-C (run::stop_requested) ends a wait.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

constexpr int64_t kPollMs = 100;
constexpr int64_t kStartMarginMs = 2000;

std::string run_key(const RunRequest& request, size_t target_index) {
  const RunOverrides& o = request.overrides;
  std::string text = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", request.spec.sha256, o.seed, o.shard->count,
                                 target_index, o.clients.value_or(0), o.duration_s.value_or(0),
                                 o.transactions.value_or(0), request.scale.value_or(0));
  for (double r : o.rates) text += fmt::format("|{}", r);
  for (const auto& t : request.targets) text += "|" + t.redacted();
  return sha256_hex(text).substr(0, 16);
}

}  // namespace

std::optional<ShardStart> start_together(const RunRequest& request, const engine::Target& target,
                                         size_t target_index, Listener& listener) {
  if (request.start_at_unix_ms) {
    const int64_t late_ms = unix_ms_now() - *request.start_at_unix_ms;
    listener.note(late_ms > 0 ? fmt::format("--start-at {} was {:.3f} s ago: starting now",
                                            results::utc_iso(*request.start_at_unix_ms), late_ms / 1e3)
                              : "waiting for --start-at " + results::utc_iso(*request.start_at_unix_ms));
    sleep_until_ms(*request.start_at_unix_ms, "waiting for --start-at");
    return std::nullopt;
  }
  const std::optional<run::Options::Shard>& shard = request.overrides.shard;
  if (!shard || shard->count < 2) return std::nullopt;
  ShardStart s{run_key(request, target_index), *shard};
  const int64_t checked_at = unix_ms_now();
  const int64_t wait_ms = static_cast<int64_t>(request.shard_wait_s * 1000);
  std::unique_ptr<engine::Connection> c = engine::connect(target);
  check_in(*c, s.key, s.shard, checked_at, "");
  listener.note(fmt::format("shard {}/{}: checked in on {}, waiting up to {:g} s for the others",
                            s.shard.index, s.shard.count, target.shown(), request.shard_wait_s));
  for (;;) {
    const auto [n, latest] = checked_in(*c, s.key, s.shard.count, checked_at - wait_ms);
    if (n >= s.shard.count) {
      const int64_t start = latest + kStartMarginMs;
      listener.note(fmt::format("shard {}/{}: all {} shards checked in; starting at {}", s.shard.index,
                                s.shard.count, s.shard.count, results::utc_iso(start)));
      sleep_until_ms(start, "waiting for the common start");
      return s;
    }
    if (unix_ms_now() - checked_at > wait_ms) {
      leave(s, target, listener);
      throw Error(ErrorClass::kShardsMissing,
                  fmt::format("shard {}/{}: {} of {} shards checked in on {} within --shard-wait {:g} s; "
                              "start the others (the same command with --shard i/{}: shards whose workload, "
                              "settings or targets "
                              "differ in anything but --shard never meet) or wait longer",
                              s.shard.index, s.shard.count, n, s.shard.count, target.shown(),
                              request.shard_wait_s, s.shard.count));
    }
    sleep_until_ms(unix_ms_now() + kPollMs, "waiting for the other shards");
  }
}

void leave(const ShardStart& s, const engine::Target& target, Listener& listener) {
  try {
    std::unique_ptr<engine::Connection> c = engine::connect(target);
    check_out(*c, s.key, s.shard.index);
  } catch (const Error& e) {
    // The run's figures stand; a later run of these shards ignores a check-in older than its wait.
    listener.note(std::string("shard check-in not removed: ") + e.what());
  }
}

}  // namespace oltap::orchestrate
