// A common start for the shards of a run (several load hosts): before a
// target is measured, each shard checks in through the one thing they all
// reach, the target itself, and all begin at one instant once the N are
// there; or each waits for --start-at.
//
// The check-in: on a SQL target a row (run key, shard, N, check-in time) of
// the table oltap_shard_checkin (created if missing); on Redis the member
// <shard> of the sorted set oltap:shards:<run key>, scored by its check-in
// time. The run key is a hash of what makes the shards one run (workload,
// seed, N, settings, targets, the target's place), so other runs' shards do
// not count. A shard polls every kPollMs until N shards of its key have
// checked in within the wait (an older row is a run that never cleaned up),
// then sleeps until the latest check-in plus kStartMarginMs, which all of
// them compute alike (the hosts' clocks must agree: NTP). A shard removes
// its own check-in when the target's measurement ends, never before: by then
// every shard is past the barrier, so a later run of the same shards finds
// none.
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
constexpr const char* kTable = "oltap_shard_checkin";
// Tries at creating the check-in table (see check_in).
constexpr int kCreateAttempts = 5;

std::string run_key(const RunRequest& request, size_t target_index) {
  const RunOverrides& o = request.overrides;
  std::string text = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}", request.spec.sha256, o.seed, o.shard->count,
                                 target_index, o.clients.value_or(0), o.duration_s.value_or(0),
                                 o.transactions.value_or(0), request.scale.value_or(0));
  for (double r : o.rates) text += fmt::format("|{}", r);
  for (const auto& t : request.targets) text += "|" + t.redacted();
  return sha256_hex(text).substr(0, 16);
}

void sleep_until_ms(int64_t at_ms, const char* what) {
  for (int64_t now = unix_ms_now(); now < at_ms; now = unix_ms_now()) {
    if (run::stop_requested())
      throw Error(ErrorClass::kInterrupted, std::string("interrupted while ") + what);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(kPollMs, at_ms - now)));
  }
}

bool key_value(const engine::Connection& c) { return c.kind() == engine::Kind::kKeyValue; }

void check_in(engine::Connection& c, const std::string& key, run::Options::Shard s, int64_t at_ms) {
  if (key_value(c)) {
    c.run(fmt::format("ZADD oltap:shards:{} {} {}", key, at_ms, s.index));
    c.run(fmt::format("EXPIRE oltap:shards:{} 86400", key));  // a run that never cleans up
    return;
  }
  const std::string create = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (run_key varchar(64) NOT NULL, shard int NOT NULL, shards int "
      "NOT NULL, at_ms bigint NOT NULL, PRIMARY KEY (run_key, shard))",
      kTable);
  // Shards started together race to create the table, and PostgreSQL's IF
  // NOT EXISTS is no guard against that: the loser fails on pg_type's unique
  // index (23505) while the winner's table is not yet committed. Once that
  // commits, the same statement finds the table; the last failure stands.
  for (int attempt = 1;; ++attempt) {
    try {
      c.run(create);
      break;
    } catch (const Error&) {
      if (attempt == kCreateAttempts) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
    }
  }
  c.run(fmt::format("DELETE FROM {} WHERE run_key = '{}' AND shard = {}", kTable, key, s.index));
  c.run(fmt::format("INSERT INTO {} (run_key, shard, shards, at_ms) VALUES ('{}', {}, {}, {})", kTable, key,
                    s.index, s.count, at_ms));
}

// The shards of key checked in since since_ms, and the latest check-in time.
std::pair<int64_t, int64_t> checked_in(engine::Connection& c, const std::string& key, int shards,
                                       int64_t since_ms) {
  if (key_value(c)) {
    const int64_t n = std::stoll(c.query_value(fmt::format("ZCOUNT oltap:shards:{} {} +inf", key, since_ms)));
    int64_t latest = 0;
    if (n >= shards)
      for (int i = 0; i < shards; ++i) {
        const std::string score = c.query_value(fmt::format("ZSCORE oltap:shards:{} {}", key, i));
        if (!score.empty()) latest = std::max(latest, static_cast<int64_t>(std::stod(score)));
      }
    return {n, latest};
  }
  const std::string where =
      fmt::format("FROM {} WHERE run_key = '{}' AND at_ms >= {}", kTable, key, since_ms);
  const int64_t n = std::stoll(c.query_value("SELECT COUNT(*) " + where));
  const std::string latest = n > 0 ? c.query_value("SELECT MAX(at_ms) " + where) : "0";
  return {n, std::stoll(latest)};
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
  check_in(*c, s.key, s.shard, checked_at);
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
                              "start the others (the same command with --shard i/{}) or wait longer",
                              s.shard.index, s.shard.count, n, s.shard.count, target.shown(),
                              request.shard_wait_s, s.shard.count));
    }
    sleep_until_ms(unix_ms_now() + kPollMs, "waiting for the other shards");
  }
}

void leave(const ShardStart& s, const engine::Target& target, Listener& listener) {
  try {
    std::unique_ptr<engine::Connection> c = engine::connect(target);
    if (key_value(*c))
      c->run(fmt::format("ZREM oltap:shards:{} {}", s.key, s.shard.index));
    else
      c->run(fmt::format("DELETE FROM {} WHERE run_key = '{}' AND shard = {}", kTable, s.key, s.shard.index));
  } catch (const Error& e) {
    // The run's figures stand; a later run of these shards ignores a check-in older than its wait.
    listener.note(std::string("shard check-in not removed: ") + e.what());
  }
}

}  // namespace oltap::orchestrate
