// `oltap load` on one target, alone or as one of several load hosts.
//
// A sharded load (--shard i/N) meets the other shards through the target
// (rendezvous.cc) four times:
//  - start: all N check in (within --shard-wait, else exit 5); the latest
//    check-in is their common instant, the load's `load_time` and the seed
//    of the key of its later steps, so a later load of the same shards
//    never counts this one's marks;
//  - schema, rows, done: the steps datagen::load waits at (LoadOptions::
//    wait_for_shards), with each shard's rows per table as its note at rows.
// Past the start a shard may wait as long as the others are alive: each
// marks itself alive every kHeartbeatMs from a thread of its own, and a
// shard that failed marks that. A waiting shard stops (exit 5) when another
// failed or has been silent for kSilentMs (its host gone), rather than wait
// for ever; a load that is merely slow (one shard's rows take longer) is
// waited for.
//
// Threading: the caller's thread, and the heartbeat's, which has its own
// connection and touches nothing else.
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

constexpr int64_t kPollMs = 100;
constexpr int64_t kHeartbeatMs = 1000;
constexpr int64_t kSilentMs = 30'000;
constexpr int64_t kDayMs = 86'400'000;

std::string load_key(const LoadRequest& r, const engine::Target& target) {
  const datagen::LoadOptions& o = r.options;
  return sha256_hex(fmt::format("load|{}|{}|{}|{}|{}|{}", r.spec.sha256, o.seed, o.scale, r.shard->count,
                                o.after_load, target.redacted()))
      .substr(0, 16);
}

// `load_time` as the generator writes it, from Unix ms.
std::string load_time_of(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Marks shard s alive under key every kHeartbeatMs until destroyed.
class Heartbeat {
 public:
  Heartbeat(const engine::Target& target, std::string key, run::Options::Shard s)
      : conn_(engine::connect(target)), key_(std::move(key)), shard_(s), thread_([this] { beat(); }) {}
  ~Heartbeat() {
    stop_.store(true);
    thread_.join();
  }
  Heartbeat(const Heartbeat&) = delete;
  Heartbeat& operator=(const Heartbeat&) = delete;
  // Why the heartbeat stopped early (empty: it beats); read after it is destroyed or any time.
  std::string failure() const { return failed_.load() ? failure_ : std::string(); }

 private:
  void beat() {
    try {
      while (!stop_.load()) {
        check_in(*conn_, key_, shard_, unix_ms_now(), "");
        for (int64_t slept = 0; slept < kHeartbeatMs && !stop_.load(); slept += kPollMs)
          std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
      }
      check_out(*conn_, key_, shard_.index);
    } catch (const std::exception& e) {
      failure_ = e.what();
      failed_.store(true);
    }
  }
  std::unique_ptr<engine::Connection> conn_;
  std::string key_;
  run::Options::Shard shard_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::string failure_;  // written before failed_ is set
  std::thread thread_;   // last: starts once the rest is made
};

class ShardedLoad {
 public:
  ShardedLoad(const LoadRequest& r, const engine::Target& target, Listener& listener)
      : request_(r), target_(target), listener_(listener), shard_(*r.shard), conn_(engine::connect(target)) {}

  datagen::LoadReport load() {
    const int64_t common = start();
    datagen::LoadOptions o = request_.options;
    o.shard = {shard_.index, shard_.count};
    o.load_time = load_time_of(common);
    key_ = sha256_hex(fmt::format("{}|{}", base_, common)).substr(0, 16);
    Heartbeat heartbeat(target_, key_ + "-alive", shard_);
    o.wait_for_shards = [&](const std::string& step, const std::string& note) {
      return wait_for(step, note, heartbeat);
    };
    try {
      return datagen::load(request_.spec, target_, o,
                           [&](const std::string& l) { listener_.note("  " + l); });
    } catch (...) {
      // The others stop waiting for this shard at their next look.
      try {
        check_in(*conn_, key_ + "-failed", shard_, unix_ms_now(), "");
      } catch (const Error& e) {
        listener_.note(std::string("could not tell the other shards that this one failed: ") + e.what());
      }
      throw;
    }
  }

 private:
  std::string shown() const { return fmt::format("shard {}/{}", shard_.index, shard_.count); }

  // The start barrier; returns the common instant.
  int64_t start() {
    base_ = load_key(request_, target_);
    const int64_t checked_at = unix_ms_now();
    const int64_t wait_ms = static_cast<int64_t>(request_.shard_wait_s * 1000);
    check_in(*conn_, base_ + "-start", shard_, checked_at, "");  // makes the table
    if (shard_.index == 0) forget_old_check_ins(*conn_, checked_at - kDayMs);
    listener_.note(fmt::format("{}: checked in on {}, waiting up to {:g} s for the others", shown(),
                               target_.shown(), request_.shard_wait_s));
    for (;;) {
      const CheckIns in = checked_in(*conn_, base_ + "-start", shard_.count, checked_at - wait_ms);
      if (in.count >= shard_.count) {
        listener_.note(fmt::format("{}: all {} shards checked in; loading", shown(), shard_.count));
        return in.latest_ms;
      }
      if (unix_ms_now() - checked_at > wait_ms) {
        check_out(*conn_, base_ + "-start", shard_.index);
        throw Error(ErrorClass::kShardsMissing,
                    fmt::format("{}: {} of {} shards checked in on {} within --shard-wait {:g} s; start the "
                                "others (the same command with --shard i/{}: shards whose workload, scale, "
                                "seed or targets differ "
                                "never meet) or wait longer",
                                shown(), in.count, shard_.count, target_.shown(), request_.shard_wait_s,
                                shard_.count));
      }
      sleep_until_ms(unix_ms_now() + kPollMs, "waiting for the other shards");
    }
  }

  std::vector<std::string> wait_for(const std::string& step, const std::string& note,
                                    const Heartbeat& heartbeat) {
    const std::string key = key_ + "-" + step;
    const int64_t began = unix_ms_now();
    check_in(*conn_, key, shard_, began, note);
    int64_t next_look = began + kHeartbeatMs;
    while (checked_in(*conn_, key, shard_.count, 0).count < shard_.count) {
      if (const std::string f = heartbeat.failure(); !f.empty())
        throw Error(ErrorClass::kShardsMissing, shown() + ": could not tell the others it is alive: " + f);
      if (unix_ms_now() >= next_look) {
        look_for_the_lost(key, began);
        next_look = unix_ms_now() + kHeartbeatMs;
      }
      sleep_until_ms(unix_ms_now() + kPollMs, "waiting for the other shards");
    }
    // Every shard is past the step before this one: its marks can go.
    if (step == "schema") check_out(*conn_, base_ + "-start", shard_.index);
    if (step == "rows") check_out(*conn_, key_ + "-schema", shard_.index);
    if (step == "done") check_out(*conn_, key_ + "-rows", shard_.index);
    std::vector<std::string> notes;
    if (step == "rows")
      for (int i = 0; i < shard_.count; ++i) notes.push_back(check_in_note(*conn_, key, i));
    return notes;
  }

  // Throws Error(kShardsMissing) when a shard not yet at key failed or fell
  // silent (one not yet heard from at all, since this wait began).
  void look_for_the_lost(const std::string& key, int64_t began) {
    const int64_t now = unix_ms_now();
    for (int i = 0; i < shard_.count; ++i) {
      if (i == shard_.index || checked_in_at(*conn_, key, i) >= 0) continue;
      if (checked_in_at(*conn_, key_ + "-failed", i) >= 0)
        throw Error(ErrorClass::kShardsMissing,
                    fmt::format("{}: shard {}/{} failed (its output says why); this load is incomplete",
                                shown(), i, shard_.count));
      const int64_t alive = checked_in_at(*conn_, key_ + "-alive", i);
      if ((alive < 0 ? began : alive) < now - kSilentMs)
        throw Error(
            ErrorClass::kShardsMissing,
            fmt::format("{}: shard {}/{} has not been heard from for {} s (its host or process gone?); "
                        "this load is incomplete",
                        shown(), i, shard_.count, kSilentMs / 1000));
    }
  }

  const LoadRequest& request_;
  const engine::Target& target_;
  Listener& listener_;
  run::Options::Shard shard_;
  std::unique_ptr<engine::Connection> conn_;
  std::string base_;  // the key of the start
  std::string key_;   // of the later steps
};

}  // namespace

datagen::LoadReport load_target(const LoadRequest& request, const engine::Target& target,
                                Listener& listener) {
  if (!request.shard || request.shard->count < 2 || request.options.dry_run)
    return datagen::load(request.spec, target, request.options,
                         [&](const std::string& l) { listener.note("  " + l); });
  return ShardedLoad(request, target, listener).load();
}

}  // namespace oltap::orchestrate
