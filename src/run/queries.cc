// Analytical runs: streams of queries, each stream a thread with its own
// connection running every query once in its own order (or a warm-up pass
// and `repeat` timed passes in that order), and a watchdog (the
// calling thread) that cancels on the server a query past its time-out, or
// every running query when the run is interrupted.
//
// A stream and the watchdog share one word per stream, its phase: the
// stream sets kRunning before a query and swaps it back to kIdle after; the
// watchdog swaps kRunning to kCancelling, sends the cancel, and sets
// kCancelled. A stream that finds its query being cancelled waits for the
// cancel to have been sent before it goes on, so a late cancel never hits
// the next query. No lock on either side.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "run.h"

namespace oltap::run {
namespace {

using Clock = std::chrono::system_clock;

// How often progress is reported.
constexpr int64_t kProgressNs = 1'000'000'000;
// Pause before a stream tries to reconnect after losing its connection.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);

enum Phase : int { kIdle, kRunning, kCancelling, kCancelled };

// A query's statements for one stream (its `:stream` replaced), and whether
// each one's rows come in an order that is part of the answer.
struct StreamQuery {
  std::string name;
  std::vector<std::string> statements;
  std::vector<bool> ordered;
};

// Everything one stream touches while it runs.
struct Stream {
  int number = 0;
  const engine::Target* target = nullptr;
  std::unique_ptr<engine::Connection> conn;
  std::vector<StreamQuery> queries;  // in the order the stream runs them
  int warmup_passes = 0, repeat = 1;
  bool verify = false;
  int64_t timeout_ns = 0;  // 0: none
  const std::atomic<bool>* stop = nullptr;
  std::string connect_error;  // why the last reconnect failed

  std::atomic<int> phase{kIdle};
  std::atomic<int64_t> deadline_ns{INT64_MAX};
  std::atomic<bool> cancel_failed{false};
  std::atomic<int64_t> done{0}, errors{0};
  std::atomic<bool> finished{false};
  int64_t timed_from_ns = 0;  // when the first timed pass began
  int64_t end_ns = 0;

  engine::ResultBuffer answer, scratch;
  std::vector<QueryRun> runs;  // one per query and timed pass, pass after pass in the stream's order
  std::vector<std::string> warmup_errors;  // the first few, for the run's sample errors
};

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch()).count();
}

// Ends the running phase; true when the watchdog cancelled the query,
// after waiting until its cancel request has been sent.
bool end_running(Stream& s) noexcept {
  int expected = kRunning;
  if (s.phase.compare_exchange_strong(expected, kIdle, std::memory_order_acq_rel)) return false;
  while (s.phase.load(std::memory_order_acquire) == kCancelling)
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  s.phase.store(kIdle, std::memory_order_release);
  return true;
}

bool reconnect(Stream& s) noexcept {
  try {
    s.conn = engine::connect(*s.target);
    return true;
  } catch (const std::exception& e) {
    s.connect_error = e.what();  // the target is redacted in connect's messages
  } catch (...) {
    s.connect_error = "unknown error";
  }
  return false;
}

// Runs one query: its statements in order, timed together; the answer is
// the rows of the last statement that returned rows.
void run_query(Stream& s, const StreamQuery& q, QueryRun& run) noexcept {
  using engine::Status;
  if (!s.conn && !reconnect(s)) {
    run.outcome = QueryRun::Outcome::kError;
    run.error = "cannot reconnect to " + s.target->redacted() + ": " + s.connect_error;
    return;
  }
  const int keep = s.verify ? INT_MAX : 0;
  s.answer.rows = 0;
  s.answer.columns = 0;
  bool ordered = false;
  Status st = Status::kOk;
  const int64_t start = metrics::now_ns();
  s.deadline_ns.store(s.timeout_ns > 0 ? start + s.timeout_ns : INT64_MAX, std::memory_order_relaxed);
  s.phase.store(kRunning, std::memory_order_release);
  for (size_t k = 0; k < q.statements.size() && st == Status::kOk; ++k) {
    st = s.conn->execute_text(q.statements[k], &s.scratch, keep);
    if (st == Status::kOk && s.scratch.columns > 0) {
      std::swap(s.answer, s.scratch);
      ordered = q.ordered[k];
    }
  }
  const int64_t end = metrics::now_ns();
  const bool cancelled = end_running(s);
  run.elapsed_s = (end - start) / 1e9;
  if (cancelled) {
    // Whatever the statement returned: it ran past its time (MariaDB's
    // SLEEP() even returns a row when its query is killed).
    const bool interrupted = s.stop->load(std::memory_order_relaxed);
    run.outcome = interrupted ? QueryRun::Outcome::kError : QueryRun::Outcome::kTimeout;
    run.error = interrupted ? "cancelled: the run was interrupted"
                            : "cancelled on the server after the time-out of " +
                                  std::to_string(s.timeout_ns / 1'000'000) + " ms";
    if (s.cancel_failed.exchange(false)) run.error += " (the cancel request failed: the query may run on)";
  } else if (st != Status::kOk) {
    run.outcome = QueryRun::Outcome::kError;
    run.error = s.conn->last_error();
  } else {
    run.outcome = QueryRun::Outcome::kOk;
    run.rows = s.answer.rows;
    if (s.verify) run.checksum = answer_checksum(s.answer, ordered);
  }
  if (st == Status::kConnectionLost) s.conn.reset();
}

// The few warm-up failures kept: the first of a stream's tell why.
constexpr size_t kKeptWarmupErrors = 3;

void run_stream(Stream& s) noexcept {
  const size_t n = s.queries.size();
  QueryRun warm;
  for (int pass = 0; pass < s.warmup_passes + s.repeat; ++pass) {
    if (s.stop->load(std::memory_order_relaxed)) break;
    const bool warming = pass < s.warmup_passes;
    if (pass == s.warmup_passes) s.timed_from_ns = metrics::now_ns();
    for (size_t pos = 0; pos < n; ++pos) {
      if (s.stop->load(std::memory_order_relaxed)) break;
      QueryRun& run = warming ? warm : s.runs[static_cast<size_t>(pass - s.warmup_passes) * n + pos];
      if (warming) {
        warm = QueryRun();
        warm.query = s.queries[pos].name;
      }
      try {
        run_query(s, s.queries[pos], run);
      } catch (...) {  // no memory for a message or an answer
        end_running(s);
        run.outcome = QueryRun::Outcome::kError;
        run.error = "out of memory";
      }
      if (run.outcome != QueryRun::Outcome::kOk) {
        // A warm-up failure is not counted (its pass is not measured), only told.
        if (!warming)
          s.errors.fetch_add(1, std::memory_order_relaxed);
        else if (s.warmup_errors.size() < kKeptWarmupErrors) {
          try {
            s.warmup_errors.push_back(run.query + " (warm-up, not counted): " + run.error);
          } catch (...) {
          }
        }
      }
      s.done.fetch_add(1, std::memory_order_relaxed);
      if (!s.conn && !reconnect(s)) std::this_thread::sleep_for(kReconnectPause);
    }
  }
  s.end_ns = metrics::now_ns();
  s.finished.store(true, std::memory_order_release);
}

// The watchdog's look at one stream: cancels its query when it is past its
// deadline or the run is stopping.
void watch(Stream& s, int64_t now, bool stopping) noexcept {
  if (s.phase.load(std::memory_order_acquire) != kRunning) return;
  if (!stopping && now < s.deadline_ns.load(std::memory_order_relaxed)) return;
  int expected = kRunning;
  if (!s.phase.compare_exchange_strong(expected, kCancelling, std::memory_order_acq_rel)) return;
  if (!s.conn->cancel()) s.cancel_failed.store(true, std::memory_order_relaxed);
  s.phase.store(kCancelled, std::memory_order_release);
}

}  // namespace

void check_query_target(const workload::Spec& spec, const engine::Target& target,
                        const engine::Connection& conn) {
  if (conn.kind() != engine::Kind::kSql)
    throw Error(ErrorClass::kBadInput, target.redacted() + " is a " + conn.dialect() +
                                           " target, which runs no SQL queries; " + spec.name +
                                           " is a workload of queries (run it on a SQL target)");
  // Every query needs a text for this dialect: found out before any target is measured.
  const std::string dialect = conn.dialect();
  for (const auto& q : spec.queries)
    if (!q.sql.for_dialect(dialect))
      throw workload::error_at(
          q.sql.mark, "query '" + q.name + "' has no SQL for dialect '" + dialect + "' and no default");
}

QueriesResult run_queries(const workload::Spec& spec, const engine::Target& target, const QueryOptions& o,
                          const std::function<void(const QueryProgress&)>& on_progress) {
  if (spec.queries.empty())
    throw Error(ErrorClass::kBadInput, spec.file + ": the workload has no queries to run");
  std::unique_ptr<engine::Connection> first = engine::connect(target);
  check_query_target(spec, target, *first);
  QueriesResult res;
  res.target = target.name();
  res.engine = target.engine;
  res.dialect = first->dialect();
  res.server_version = first->server_version();
  res.repeat = std::max(1, o.repeat);
  res.warmup_passes = std::max(0, o.warmup_passes);

  // Each query's text for this dialect (check_query_target made sure of them).
  std::vector<const std::string*> texts;
  for (const auto& q : spec.queries) texts.push_back(q.sql.for_dialect(res.dialect));

  // The scale as SQL reads it, always with a decimal point (1.0, 0.01), so
  // that 1 / :scale is not an integer division.
  std::string scale_text = fmt::format("{}", o.scale);
  if (scale_text.find_first_of(".eE") == std::string::npos) scale_text += ".0";
  std::atomic<bool> stop{false};
  const int nstreams = std::max(1, o.streams);
  std::vector<std::unique_ptr<Stream>> streams;
  for (int k = 0; k < nstreams; ++k) {
    auto s = std::make_unique<Stream>();
    s->number = k;
    s->target = &target;
    s->verify = o.verify;
    s->timeout_ns = static_cast<int64_t>(std::llround(o.timeout_s * 1e9));
    s->stop = &stop;
    s->warmup_passes = std::max(0, o.warmup_passes);
    s->repeat = std::max(1, o.repeat);
    for (size_t qi : stream_order(spec.queries.size(), o.seed, k)) {
      const workload::Query& q = spec.queries[qi];
      StreamQuery sq;
      sq.name = q.name;
      sq.statements =
          split_statements(replace_name(replace_name(*texts[qi], workload::kStreamName, std::to_string(k)),
                                        workload::kScaleName, scale_text));
      for (const auto& st : sq.statements)
        sq.ordered.push_back(q.ordered.value_or(has_top_level_order_by(st)));
      s->queries.push_back(std::move(sq));
    }
    for (int pass = 1; pass <= s->repeat; ++pass)
      for (const auto& sq : s->queries) {
        QueryRun run;
        run.query = sq.name;
        run.pass = pass;
        s->runs.push_back(std::move(run));
      }
    streams.push_back(std::move(s));
  }
  // Every stream connects before any starts: connecting is not part of the run.
  streams.front()->conn = std::move(first);
  for (auto& s : streams) {
    if (!s->conn) s->conn = engine::connect(target);
    if (stop_requested()) throw Error(ErrorClass::kInterrupted, "interrupted while connecting");
  }

  const int64_t total = static_cast<int64_t>(nstreams * spec.queries.size()) *
                        (std::max(0, o.warmup_passes) + std::max(1, o.repeat));
  const int64_t start = metrics::now_ns();
  res.start_unix_ms = unix_ms();
  std::vector<std::thread> threads;
  for (auto& s : streams) threads.emplace_back([p = s.get()] { run_stream(*p); });

  int64_t next_progress = start + kProgressNs;
  while (true) {
    bool all = true;
    for (auto& s : streams) all = all && s->finished.load(std::memory_order_acquire);
    if (all) break;
    if (stop_requested() && !stop.load()) stop.store(true);
    const int64_t now = metrics::now_ns();
    for (auto& s : streams) watch(*s, now, stop.load());
    if (now >= next_progress && on_progress) {
      QueryProgress p;
      p.elapsed_s = (now - start) / 1e9;
      p.total = total;
      for (auto& s : streams) {
        p.done += s->done.load(std::memory_order_relaxed);
        p.errors += s->errors.load(std::memory_order_relaxed);
      }
      on_progress(p);
      next_progress += kProgressNs;
    }
    std::this_thread::sleep_for(std::chrono::nanoseconds(kWatchdogPollNs));
  }
  for (auto& t : threads) t.join();
  res.end_unix_ms = unix_ms();
  res.interrupted = stop.load() || stop_requested();
  for (auto& s : streams) {
    StreamRun sr;
    sr.stream = s->number;
    sr.elapsed_s = (s->end_ns - start) / 1e9;
    // A stream stopped during its warm-up has no timed pass.
    sr.timed_s = s->timed_from_ns > 0 ? (s->end_ns - s->timed_from_ns) / 1e9 : 0;
    res.elapsed_s = std::max(res.elapsed_s, sr.elapsed_s);
    for (const auto& e : s->warmup_errors)
      if (res.sample_errors.size() < 10)
        res.sample_errors.push_back("stream " + std::to_string(s->number) + ", " + e);
    for (auto& run : s->runs) {
      if (run.outcome != QueryRun::Outcome::kOk && run.outcome != QueryRun::Outcome::kNotRun &&
          res.sample_errors.size() < 10)
        res.sample_errors.push_back("stream " + std::to_string(s->number) + ", " + run.query + ": " +
                                    run.error);
      sr.queries.push_back(std::move(run));
    }
    res.streams.push_back(std::move(sr));
  }
  if (o.verify && res.repeat > 1)
    for (const auto& st : res.streams) {
      std::map<std::string, const QueryRun*> first;
      std::set<std::string> told;
      for (const auto& q : st.queries) {
        if (q.outcome != QueryRun::Outcome::kOk) continue;
        auto [it, fresh] = first.emplace(q.query, &q);
        if (fresh || told.count(q.query)) continue;
        if (it->second->checksum == q.checksum && it->second->rows == q.rows) continue;
        told.insert(q.query);
        res.unstable_answers.push_back(
            fmt::format("stream {}, {}: the answer changed between repetitions (pass {}: {} rows {}, pass "
                        "{}: {} rows {})",
                        st.stream, q.query, it->second->pass, it->second->rows,
                        it->second->checksum.substr(0, 12), q.pass, q.rows, q.checksum.substr(0, 12)));
      }
    }
  return res;
}

}  // namespace oltap::run
