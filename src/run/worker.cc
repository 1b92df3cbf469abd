// The loop of a client that runs one transaction at a time, closed or open
// (on its schedule's phases), and what every loop shares: connecting,
// picking, drawing and accounting. Per transaction it draws parameters,
// runs the steps, and records the latency: no lock, no allocation, no
// formatting, no logging (error messages are copied only for the first few
// failures).
#include "worker.h"

#include <poll.h>

#include <cerrno>
#include <functional>
#include <thread>

namespace oltap::run {
namespace {

// Rows kept to pick the middle one for `into_row: middle`; TPC-C's customers
// by last name are about 3 per name, so this is far above any real need.
constexpr int kMaxKeptRows = 1000;
// The longest think time, in means: TPC-C clause 5.2.5.4 truncates at 10.
constexpr double kThinkTimeTruncation = 10;

using engine::Status;

// Where a failure happened when it is not a step of the workload.
const std::string kAtBegin = "at BEGIN";
const std::string kAtCommit = "at COMMIT";
const std::string kAtRollback = "at ROLLBACK";

// Formats the failure only for the first few: past them, a failure costs no text.
void keep_error(Worker& w, const std::string& txn) {
  if (static_cast<int>(w.errors.size()) >= kKeptErrorsPerWorker) return;
  std::string e = txn;
  if (w.failed_at) e += (w.failed_at == &kNoConnection ? ": " : ", ") + *w.failed_at;
  if (w.failed_at == &kNoConnection || !w.conn)
    e += w.connect_error.empty() ? "" : " (last connect error: " + w.connect_error + ")";
  else
    e += ": " + w.conn->last_error();
  w.errors.push_back(std::move(e));
}

}  // namespace

void note_failure(Worker& w, Status s) noexcept {
  w.failure = s == Status::kConnectionLost || !w.conn ? engine::Failure::kConnection : w.conn->last_failure();
}

namespace {

// Runs a list of steps (a transaction's, or a loop's body); returns kOk, or
// the first failure. A rollback_if that holds sets w.aborted and stops.
Status run_steps(Worker& w, const std::vector<StepPlan>& steps) noexcept {
  engine::Connection& c = *w.conn;
  for (const StepPlan& step : steps) {
    if (step.is_block) {
      const bool holds = workload::truthy(step.when->eval(w.slots.data()));
      Status s = run_steps(w, holds ? step.body : step.else_body);
      if (s != Status::kOk || w.aborted) return s;
      continue;
    }
    if (step.when && !workload::truthy(step.when->eval(w.slots.data()))) continue;
    if (!step.let.empty()) {
      for (const auto& [slot, e] : step.let) e.eval_into(w.slots.data(), w.slots[slot]);
      continue;
    }
    if (step.is_loop) {
      const int64_t rounds = step.count->eval(w.slots.data()).as_int();
      for (int64_t i = 1; i <= rounds; ++i) {
        if (step.index_slot >= 0) w.slots[step.index_slot].set_int(i);
        for (int p : step.redraw) w.plan->params[p].draw(w.rng, w.cursors[w.plan->cursor_of[p]], w.slots[p]);
        Status s = run_steps(w, step.body);
        if (s != Status::kOk || w.aborted) return s;
      }
      continue;
    }
    const std::vector<int>& params = w.param_slots[step.statement];
    for (size_t i = 0; i < params.size(); ++i) w.args[i] = &w.slots[params[i]];
    bool bind = !step.into_slots.empty();
    const int keep = !bind ? 0 : step.into_middle ? kMaxKeptRows : 1;
    Status s = c.execute(step.statement, w.args.data(), bind ? &w.result : nullptr, keep);
    if (s != Status::kOk) {
      w.failed_at = &step.where;
      note_failure(w, s);
      return s;
    }
    if (bind) {
      // The middle row is number ceil(n / 2), 1-based: index (n - 1) / 2.
      const int row = step.into_middle ? std::min((w.result.rows - 1) / 2, keep - 1) : 0;
      for (size_t i = 0; i < step.into_slots.size(); ++i) {
        Value& dst = w.slots[step.into_slots[i]];
        if (w.result.rows > 0 && static_cast<int>(i) < w.result.columns) {
          const Value& src = w.result.at(row, static_cast<int>(i));
          dst.kind = src.kind;
          dst.i = src.i;
          dst.d = src.d;
          if (src.kind == Value::Kind::kText) dst.s.assign(src.s);
        } else {
          dst.set_null();
        }
      }
    }
    if (step.rollback_if && workload::truthy(step.rollback_if->eval(w.slots.data()))) {
      w.aborted = true;
      return Status::kOk;
    }
  }
  return Status::kOk;
}

// Runs one attempt of a transaction; returns how it ended. A rollback_if
// that holds ends it with kOk and w.aborted set.
Status attempt(Worker& w, const TxnPlan& t) noexcept {
  engine::Connection& c = *w.conn;
  w.aborted = false;
  w.failed_at = nullptr;
  w.commit_lost = false;
  if (t.wrapped) {
    Status s = c.begin();
    if (s != Status::kOk) {
      w.failed_at = &kAtBegin;
      note_failure(w, s);
      return s;
    }
  }
  Status s = run_steps(w, t.steps);
  if (s != Status::kOk) {
    if (t.wrapped && s != Status::kConnectionLost) c.rollback();
    return s;
  }
  if (!t.wrapped) return Status::kOk;
  s = w.aborted ? c.rollback() : c.commit();
  if (s != Status::kOk) {
    w.failed_at = w.aborted ? &kAtRollback : &kAtCommit;
    note_failure(w, s);
    // The COMMIT went out and no reply came: the server may have committed.
    w.commit_lost = !w.aborted && s == Status::kConnectionLost;
  }
  return s;
}

}  // namespace

const std::string kNoConnection = "no connection";

// Off the hot path: a connect allocates anyway.
bool reconnect(Worker& w) noexcept {
  w.conn.reset();
  w.connected.store(false, std::memory_order_relaxed);
  try {
    connect_worker(w);
    ++w.reconnects;
    w.failed_in_row = 0;
    return true;
  } catch (const std::exception& e) {
    w.connect_error = e.what();
  } catch (...) {
    w.connect_error = "unknown error while connecting";
  }
  w.conn.reset();
  ++w.connects_failed;
  ++w.failed_in_row;
  if (w.reconnect_policy.attempts > 0 && w.failed_in_row >= w.reconnect_policy.attempts) w.gave_up = true;
  return false;
}

int64_t reconnect_pause_ns(Worker& w) noexcept {
  const Reconnect& p = w.reconnect_policy;
  double s = p.initial_s;
  for (int i = 1; i < w.failed_in_row && s < p.cap_s; ++i) s *= 2;
  s = std::min(s, p.cap_s);
  return static_cast<int64_t>(s * (0.5 + 0.5 * w.rng.next_double()) * 1e9);
}

void connect_worker(Worker& w) {
  if (!w.conn) w.conn = w.connect ? (*w.connect)(*w.target) : engine::connect(*w.target);
  if (w.statement_timeout_s > 0) {
    try {
      w.conn->set_statement_timeout(w.statement_timeout_s);
    } catch (const Error& e) {
      throw Error(e.error_class(), "--statement-timeout: " + w.target->name() + ": " + e.what());
    }
  }
  w.param_slots.clear();
  std::vector<std::string> names;
  size_t max_args = 0;
  const std::string* txn = nullptr;
  std::function<void(const std::vector<StepPlan>&)> prepare = [&](const std::vector<StepPlan>& steps) {
    for (const StepPlan& s : steps) {
      if (s.is_loop || s.is_block) {
        prepare(s.body);
        prepare(s.else_body);
        continue;
      }
      if (!s.let.empty()) continue;
      int id = -1;
      try {
        id = s.command.empty() ? w.conn->prepare(s.sql, names) : w.conn->prepare_command(s.command, names);
      } catch (const Error& e) {
        throw Error(e.error_class(), *txn + ", " + s.where + ": " + e.what());
      }
      if (id != s.statement)
        throw Error(ErrorClass::kFatal, "internal: statement ids differ between connections");
      max_args = std::max(max_args, names.size());
      std::vector<int> slots;
      for (const auto& n : names) slots.push_back(w.plan->slot_of.at(n));
      if (w.param_slots.size() <= static_cast<size_t>(id)) w.param_slots.resize(id + 1);
      w.param_slots[id] = std::move(slots);
    }
  };
  for (int ti : w.group->txns) {
    txn = &w.plan->txns[ti].name;
    prepare(w.plan->txns[ti].steps);
  }
  w.args.resize(std::max<size_t>(max_args, 1));
  w.connected.store(true, std::memory_order_relaxed);
}

namespace {

void bump(std::atomic<int64_t>& a, int64_t by) noexcept {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

void draw_params(Worker& w, const TxnPlan& t) noexcept {
  for (int p : t.draw) w.cursors[w.plan->cursor_of[p]].drawn_count = 0;  // `distinct` starts afresh
  for (int p : t.draw) w.plan->params[p].draw(w.rng, w.cursors[w.plan->cursor_of[p]], w.slots[p]);
}

// The stop event wakes the wait at once.
bool wait_unless_stopped(Worker& w, int64_t ns) noexcept {
  const int64_t until = metrics::now_ns() + ns;
  pollfd stop_event{w.stop_fd, POLLIN, 0};
  while (!w.stop->load(std::memory_order_relaxed)) {
    const int64_t left = until - metrics::now_ns();
    if (left <= 0) return true;
    const timespec ts{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    ppoll(&stop_event, 1, &ts, nullptr);  // woken by the stop event, a signal or the time: look again
  }
  return false;
}

size_t pick(Worker& w) noexcept {
  const GroupPlan& g = *w.group;
  double x = w.rng.next_double() * g.cumulative.back();
  size_t k = 0;
  while (k + 1 < g.cumulative.size() && x >= g.cumulative[k]) ++k;
  return k;
}

void enter_stage(Worker& w, int64_t at) noexcept {
  while (at >= w.stage_ends[w.stage_at]) ++w.stage_at;
  w.stats = w.blocks[w.stage_at % w.blocks.size()].get();
  w.next_stage_ns = w.stage_ends[w.stage_at];
}

void account(Worker& w, size_t k, Status s, int64_t due, int64_t send, int64_t end, int retries) noexcept {
  if (end >= w.next_stage_ns) enter_stage(w, end);
  TxnStats& st = w.stats[k];
  if (end < w.measure_from_ns) {
    if (s == Status::kOk && !w.aborted) bump(w.warmup_committed, 1);
    return;
  }
  if (retries) bump(st.retries, retries);
  if (s == Status::kOk) {
    // A rollback on purpose completed as the workload meant it to: its
    // latency counts (TPC-C clause 5.2.5.3), its count is apart.
    st.latency.record(end - due);
    if (st.service) {
      st.service->record(end - send);
      st.lag->record(send - due);
    }
    if (w.latency_limit_ns > 0 && end - due > w.latency_limit_ns) bump(st.late, 1);
    bump(w.aborted ? st.aborted : st.committed, 1);
  } else if (w.commit_lost) {
    // Neither committed nor failed: the database may hold it or not.
    bump(st.unknown, 1);
    keep_error(w, w.plan->txns[w.group->txns[k]].name);
  } else {
    bump(st.errors, 1);
    bump(st.failed[static_cast<size_t>(w.failure)], 1);
    keep_error(w, w.plan->txns[w.group->txns[k]].name);
  }
}

void account_skipped(Worker& w, size_t k, int64_t now) noexcept {
  if (now < w.measure_from_ns) return;
  if (now >= w.next_stage_ns) enter_stage(w, now);
  bump(w.stats[k].skipped, 1);
}

namespace {

// After a transaction that lost the connection (or found none): reconnect
// at once, or pause (reconnect_pause_ns) before the next round tries again.
// A client keeps trying until the run ends or its attempts are used up;
// each round without a connection counts as a connection error of the
// transaction it picked.
void after_loss(Worker& w) noexcept {
  if (w.conn && reconnect(w)) return;
  w.conn.reset();
  w.connected.store(false, std::memory_order_relaxed);
  if (!w.gave_up) wait_unless_stopped(w, reconnect_pause_ns(w));
}

// Runs transaction k (its parameters drawn), retried while retryable, and
// counts it: due is when it was meant to start, send when it was sent.
void run_txn(Worker& w, size_t k, int64_t due, int64_t send) noexcept {
  const TxnPlan& t = w.plan->txns[w.group->txns[k]];
  Status s = Status::kOk;
  int retries = 0;
  while (true) {
    if (!w.conn && (w.gave_up || !reconnect(w))) {
      s = Status::kConnectionLost;
      w.failed_at = &kNoConnection;
      w.commit_lost = false;
      note_failure(w, s);
      break;
    }
    s = attempt(w, t);
    if (s == Status::kRetryable && retries < w.max_retries && !w.stop->load(std::memory_order_relaxed)) {
      ++retries;
      continue;
    }
    break;
  }
  account(w, k, s, due, send, metrics::now_ns(), retries);
  if (s == Status::kConnectionLost) after_loss(w);
}

// One round of the closed loop: a transaction, retried while retryable.
void run_one(Worker& w) noexcept {
  size_t k = pick(w);
  const TxnPlan& t = w.plan->txns[w.group->txns[k]];
  // An emulated user keys the transaction in before it is sent (TPC-C
  // clause 5.2.5.2); the wait is not part of its latency. Stopped meanwhile,
  // the transaction is not sent.
  if (t.keying_ns > 0 && !wait_unless_stopped(w, t.keying_ns)) return;
  draw_params(w, t);
  const int64_t start = metrics::now_ns();
  run_txn(w, k, start, start);
  // ...and thinks before the next one: a negative exponential wait,
  // truncated at kThinkTimeTruncation times its mean (clause 5.2.5.4).
  if (t.think_mean_ns > 0)
    wait_unless_stopped(w, static_cast<int64_t>(workload::negative_exponential(
                               w.rng, t.think_mean_ns, kThinkTimeTruncation * t.think_mean_ns)));
}

// A client on its schedule's phases, one transaction at a time. Within an
// open phase each transaction is due a gap after the last one was due; it
// leaves at once when the client is already behind (the lag is measured,
// nothing is dropped but what the latency limit skips). A closed phase runs
// as the closed loop until its end; an idle one waits it out.
void run_phases(Worker& w) noexcept {
  const std::atomic<bool>& stop = *w.stop;
  precise_timers();
  int64_t done = 0;
  for (const Phase& ph : w.phases) {
    if (!ph.active) continue;  // the next active phase's schedule starts at its start
    if (!wait_until(ph.start_ns, stop, w.stop_fd)) break;
    if (ph.gap_ns == 0) {
      while (!stop.load(std::memory_order_relaxed) && !w.gave_up && metrics::now_ns() < ph.end_ns &&
             (w.transactions == 0 || done < w.transactions)) {
        run_one(w);
        ++done;
      }
      continue;
    }
    double due =
        ph.start_ns + (w.arrival == Arrival::kUniform ? ph.first_ns : next_gap(w.rng, ph.gap_ns, w.arrival));
    while (due < ph.end_ns && !w.gave_up && (w.transactions == 0 || done < w.transactions)) {
      const int64_t due_ns = static_cast<int64_t>(due);
      if (!wait_until(due_ns, stop, w.stop_fd)) break;
      const int64_t now = metrics::now_ns();
      if (ph.drop_backlog && now >= ph.end_ns) break;
      const size_t k = pick(w);
      if (w.latency_limit_ns > 0 && now - due_ns > w.latency_limit_ns) {
        account_skipped(w, k, now);
      } else {
        draw_params(w, w.plan->txns[w.group->txns[k]]);
        run_txn(w, k, due_ns, now);
      }
      ++done;
      due += next_gap(w.rng, ph.gap_ns, w.arrival);
    }
    if (stop.load(std::memory_order_relaxed) || w.gave_up || (w.transactions > 0 && done >= w.transactions))
      break;
  }
}

}  // namespace

void finish(Worker& w) noexcept {
  w.ended_connected = w.conn != nullptr;
  w.connected.store(w.ended_connected, std::memory_order_relaxed);
  w.finished_at_ns.store(metrics::now_ns(), std::memory_order_relaxed);
  w.finished.store(true, std::memory_order_release);
}

void run_worker(Worker& w) noexcept {
  const std::atomic<bool>& stop = *w.stop;
  if (w.pipeline > 1) {
    run_pipelined(w);
  } else if (!w.phases.empty()) {
    run_phases(w);
  } else {
    for (int64_t done = 0; !stop.load(std::memory_order_relaxed) && !w.gave_up &&
                           (w.transactions == 0 || done < w.transactions);
         ++done)
      run_one(w);
  }
  finish(w);
}

}  // namespace oltap::run
