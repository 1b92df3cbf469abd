// Where the shards of a run or a load meet: the one thing they all reach,
// the target itself. A check-in is a shard's mark under a key (a hash of
// what makes the shards one run, and a step), with the time it was made and
// an optional note (a load's rows per table).
//
// On a SQL target a row (run_key, shard, shards, at_ms, note) of the table
// oltap_shards (created if missing); on Redis the member <shard> of the
// sorted set oltap:shards:<key>, scored by its time, and its note in the
// hash oltap:shards:<key>:notes. Redis keys expire after a day, so a run
// that never cleaned up leaves nothing for long.
//
// Threading: a Connection is not shared; each caller passes its own.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "parts.h"

namespace oltap::orchestrate {
namespace {

constexpr const char* kTable = "oltap_shards";
// Tries at creating the check-in table (see check_in).
constexpr int kCreateAttempts = 5;
constexpr int64_t kRetryMs = 100;

bool key_value(const engine::Connection& c) { return c.kind() == engine::Kind::kKeyValue; }

// A note travels as one Redis argument and one SQL literal: digits and commas only.
void check_note(const std::string& note) {
  for (char ch : note)
    if (!(ch == ',' || ch == '-' || (ch >= '0' && ch <= '9')))
      throw Error(ErrorClass::kFatal, "a shard check-in note holds digits and commas only: " + note);
}

}  // namespace

void check_in(engine::Connection& c, const std::string& key, run::Options::Shard s, int64_t at_ms,
              const std::string& note) {
  check_note(note);
  if (key_value(c)) {
    c.run(fmt::format("ZADD oltap:shards:{} {} {}", key, at_ms, s.index));
    c.run(fmt::format("EXPIRE oltap:shards:{} 86400", key));
    if (!note.empty()) {
      c.run(fmt::format("HSET oltap:shards:{}:notes {} {}", key, s.index, note));
      c.run(fmt::format("EXPIRE oltap:shards:{}:notes 86400", key));
    }
    return;
  }
  const std::string create = fmt::format(
      "CREATE TABLE IF NOT EXISTS {} (run_key varchar(64) NOT NULL, shard int NOT NULL, shards int "
      "NOT NULL, at_ms bigint NOT NULL, note varchar(4000) NOT NULL, PRIMARY KEY (run_key, shard))",
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
      std::this_thread::sleep_for(std::chrono::milliseconds(kRetryMs));
    }
  }
  c.run(fmt::format("DELETE FROM {} WHERE run_key = '{}' AND shard = {}", kTable, key, s.index));
  c.run(fmt::format("INSERT INTO {} (run_key, shard, shards, at_ms, note) VALUES ('{}', {}, {}, {}, '{}')",
                    kTable, key, s.index, s.count, at_ms, note));
}

CheckIns checked_in(engine::Connection& c, const std::string& key, int shards, int64_t since_ms) {
  CheckIns out;
  if (key_value(c)) {
    out.count = std::stoll(c.query_value(fmt::format("ZCOUNT oltap:shards:{} {} +inf", key, since_ms)));
    if (out.count >= shards)
      for (int i = 0; i < shards; ++i) {
        const std::string score = c.query_value(fmt::format("ZSCORE oltap:shards:{} {}", key, i));
        if (!score.empty()) out.latest_ms = std::max(out.latest_ms, static_cast<int64_t>(std::stod(score)));
      }
    return out;
  }
  const std::string where =
      fmt::format("FROM {} WHERE run_key = '{}' AND at_ms >= {}", kTable, key, since_ms);
  out.count = std::stoll(c.query_value("SELECT COUNT(*) " + where));
  if (out.count > 0) out.latest_ms = std::stoll(c.query_value("SELECT MAX(at_ms) " + where));
  return out;
}

int64_t checked_in_at(engine::Connection& c, const std::string& key, int shard) {
  const std::string at =
      key_value(c) ? c.query_value(fmt::format("ZSCORE oltap:shards:{} {}", key, shard))
                   : c.query_value(fmt::format("SELECT at_ms FROM {} WHERE run_key = '{}' AND shard = {}",
                                               kTable, key, shard));
  return at.empty() ? -1 : static_cast<int64_t>(std::stod(at));
}

std::string check_in_note(engine::Connection& c, const std::string& key, int shard) {
  return key_value(c) ? c.query_value(fmt::format("HGET oltap:shards:{}:notes {}", key, shard))
                      : c.query_value(fmt::format("SELECT note FROM {} WHERE run_key = '{}' AND shard = {}",
                                                  kTable, key, shard));
}

void check_out(engine::Connection& c, const std::string& key, int shard) {
  if (key_value(c)) {
    c.run(fmt::format("ZREM oltap:shards:{} {}", key, shard));
    c.run(fmt::format("HDEL oltap:shards:{}:notes {}", key, shard));
  } else {
    c.run(fmt::format("DELETE FROM {} WHERE run_key = '{}' AND shard = {}", kTable, key, shard));
  }
}

void forget_old_check_ins(engine::Connection& c, int64_t before_ms) {
  if (!key_value(c)) c.run(fmt::format("DELETE FROM {} WHERE at_ms < {}", kTable, before_ms));
}

void sleep_until_ms(int64_t at_ms, const char* what) {
  for (int64_t now = unix_ms_now(); now < at_ms; now = unix_ms_now()) {
    if (run::stop_requested())
      throw Error(ErrorClass::kInterrupted, std::string("interrupted while ") + what);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(kRetryMs, at_ms - now)));
  }
}

}  // namespace oltap::orchestrate
