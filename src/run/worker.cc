// The per-client loop. Per transaction it draws parameters, runs the steps,
// and records the latency: no lock, no allocation, no formatting, no logging
// (error messages are copied only for the first few failures).
#include <poll.h>

#include <cerrno>
#include <functional>
#include <thread>

#include "plan.h"

namespace oltap::run {
namespace {

// Rows kept to pick the middle one for `into_row: middle`; TPC-C's customers
// by last name are about 3 per name, so this is far above any real need.
constexpr int kMaxKeptRows = 1000;
// How long a multiplexing thread waits in poll() before looking at the stop flag.
constexpr int kPollTimeoutMs = 50;
// Pause before trying to reconnect after a lost connection.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);
// The longest think time, in means: TPC-C clause 5.2.5.4 truncates at 10.
constexpr double kThinkTimeTruncation = 10;

using engine::Status;

void keep_error(Worker& w, const std::string& txn) {
  if (static_cast<int>(w.errors.size()) < kKeptErrorsPerWorker)
    w.errors.push_back(txn + ": " + (w.conn ? w.conn->last_error() : std::string("no connection")));
}

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
    if (s != Status::kOk) return s;
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
  if (t.wrapped) {
    Status s = c.begin();
    if (s != Status::kOk) return s;
  }
  Status s = run_steps(w, t.steps);
  if (s != Status::kOk) {
    if (t.wrapped && s != Status::kConnectionLost) c.rollback();
    return s;
  }
  if (w.aborted) return t.wrapped ? c.rollback() : Status::kOk;
  return t.wrapped ? c.commit() : Status::kOk;
}

bool reconnect(Worker& w) noexcept {
  try {
    w.conn.reset();
    connect_worker(w);
    return true;
  } catch (...) {
    return false;
  }
}

}  // namespace

void connect_worker(Worker& w) {
  if (!w.conn) w.conn = engine::connect(*w.target);
  w.param_slots.clear();
  std::vector<std::string> names;
  size_t max_args = 0;
  std::function<void(const std::vector<StepPlan>&)> prepare = [&](const std::vector<StepPlan>& steps) {
    for (const StepPlan& s : steps) {
      if (s.is_loop || s.is_block) {
        prepare(s.body);
        prepare(s.else_body);
        continue;
      }
      if (!s.let.empty()) continue;
      int id = s.command.empty() ? w.conn->prepare(s.sql, names) : w.conn->prepare_command(s.command, names);
      if (id != s.statement)
        throw Error(ErrorClass::kFatal, "internal: statement ids differ between connections");
      max_args = std::max(max_args, names.size());
      std::vector<int> slots;
      for (const auto& n : names) slots.push_back(w.plan->slot_of.at(n));
      if (w.param_slots.size() <= static_cast<size_t>(id)) w.param_slots.resize(id + 1);
      w.param_slots[id] = std::move(slots);
    }
  };
  for (int ti : w.group->txns) prepare(w.plan->txns[ti].steps);
  w.args.resize(std::max<size_t>(max_args, 1));
}

namespace {

void bump(std::atomic<int64_t>& a, int64_t by) noexcept {
  a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

void draw_params(Worker& w, const TxnPlan& t) noexcept {
  for (int p : t.draw) w.cursors[w.plan->cursor_of[p]].drawn_count = 0;  // `distinct` starts afresh
  for (int p : t.draw) w.plan->params[p].draw(w.rng, w.cursors[w.plan->cursor_of[p]], w.slots[p]);
}

// Waits ns, or less when the run stops meanwhile (its stop event wakes the
// wait at once); false when the run stopped.
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

// Picks a transaction of the group's mix by weight; returns its index in the mix.
size_t pick(Worker& w) noexcept {
  const GroupPlan& g = *w.group;
  double x = w.rng.next_double() * g.cumulative.back();
  size_t k = 0;
  while (k + 1 < g.cumulative.size() && x >= g.cumulative[k]) ++k;
  return k;
}

// Counts one finished transaction: warm-up, committed with its latency, or an error.
void account(Worker& w, size_t k, Status s, int64_t start, int64_t end, int retries) noexcept {
  TxnStats& st = w.stats[k];
  if (end < w.measure_from_ns) {
    if (s == Status::kOk && !w.aborted) bump(w.warmup_committed, 1);
    return;
  }
  if (retries) bump(st.retries, retries);
  if (s == Status::kOk && w.aborted) {
    // A rollback on purpose completed as the workload meant it to: its
    // latency counts (TPC-C clause 5.2.5.3), its count is apart.
    st.latency.record(end - start);
    bump(st.aborted, 1);
  } else if (s == Status::kOk) {
    st.latency.record(end - start);
    bump(st.committed, 1);
  } else {
    bump(st.errors, 1);
    keep_error(w, w.plan->txns[w.group->txns[k]].name);
  }
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
  Status s = Status::kFatal;
  int retries = 0;
  while (true) {
    if (!w.conn && !reconnect(w)) break;
    s = attempt(w, t);
    if (s == Status::kRetryable && retries < w.max_retries && !w.stop->load(std::memory_order_relaxed)) {
      ++retries;
      continue;
    }
    break;
  }
  account(w, k, s, start, metrics::now_ns(), retries);
  if (s == Status::kConnectionLost || (!w.conn && s != Status::kOk)) {
    w.conn.reset();
    if (!reconnect(w)) std::this_thread::sleep_for(kReconnectPause);
  }
  // ...and thinks before the next one: a negative exponential wait,
  // truncated at kThinkTimeTruncation times its mean (clause 5.2.5.4).
  if (t.think_mean_ns > 0)
    wait_unless_stopped(w, static_cast<int64_t>(workload::negative_exponential(
                               w.rng, t.think_mean_ns, kThinkTimeTruncation * t.think_mean_ns)));
}

// Pipelining: a batch of single-command transactions is sent back to back,
// then the replies are read in order. Each one's latency runs from the
// moment the batch started to its own reply, as redis-benchmark and memtier
// measure a pipeline.
void send_batch(Worker& w, int64_t limit) noexcept {
  w.aborted = false;  // one-command transactions have no rollback_if
  w.sent = 0;
  w.send_status = Status::kOk;
  if (!w.conn && !reconnect(w)) {
    w.send_status = Status::kConnectionLost;
    return;
  }
  w.batch_start = metrics::now_ns();
  const int64_t n = std::min<int64_t>(w.pipeline, limit);
  for (; w.sent < n; ++w.sent) {
    size_t k = pick(w);
    const TxnPlan& t = w.plan->txns[w.group->txns[k]];
    draw_params(w, t);
    const StepPlan& step = t.steps[0];
    const std::vector<int>& params = w.param_slots[step.statement];
    for (size_t i = 0; i < params.size(); ++i) w.args[i] = &w.slots[params[i]];
    w.batch[w.sent] = k;
    w.send_status = w.conn->send(step.statement, w.args.data());
    if (w.send_status != Status::kOk) break;
  }
}

// Reads the replies of the batch send_batch sent; returns how many
// transactions ended (committed or failed).
int64_t receive_batch(Worker& w) noexcept {
  if (!w.conn) {
    std::this_thread::sleep_for(kReconnectPause);
    return 0;
  }
  bool lost = w.send_status == Status::kConnectionLost;
  for (int i = 0; i < w.sent; ++i) {
    Status s = lost ? Status::kConnectionLost : w.conn->receive(nullptr, 0);
    lost = lost || s == Status::kConnectionLost;
    account(w, w.batch[i], s, w.batch_start, metrics::now_ns(), 0);
  }
  int64_t ended = w.sent;
  if (w.send_status != Status::kOk) {  // the command whose send failed
    account(w, w.batch[w.sent], w.send_status, w.batch_start, metrics::now_ns(), 0);
    ++ended;
  }
  if (lost) {
    w.conn.reset();
    if (!reconnect(w)) std::this_thread::sleep_for(kReconnectPause);
  }
  return ended;
}

void finish(Worker& w) noexcept {
  w.finished_at_ns.store(metrics::now_ns(), std::memory_order_relaxed);
  w.finished.store(true, std::memory_order_release);
}

}  // namespace

void run_worker(Worker& w) noexcept {
  const std::atomic<bool>& stop = *w.stop;
  for (int64_t done = 0; !stop.load(std::memory_order_relaxed);) {
    const int64_t left = w.transactions > 0 ? w.transactions - done : w.pipeline;
    if (left <= 0) break;
    if (w.pipeline > 1) {
      send_batch(w, left);
      done += receive_batch(w);
    } else {
      run_one(w);
      ++done;
    }
  }
  finish(w);
}

namespace {

// Sends a client's next batch and writes it out; false when the client is done.
bool start_batch(Worker& w, int64_t done, const std::atomic<bool>& stop) noexcept {
  const int64_t left = w.transactions > 0 ? w.transactions - done : w.pipeline;
  if (left <= 0 || stop.load(std::memory_order_relaxed)) return false;
  send_batch(w, left);
  if (w.send_status == Status::kOk && w.conn) w.send_status = w.conn->flush();
  w.received = 0;
  return true;
}

}  // namespace

void run_clients(const std::vector<Worker*>& clients) noexcept {
  if (clients.size() == 1) {
    run_worker(*clients.front());
    return;
  }
  // One thread, many connections: every client's batch is in flight at once
  // and poll() says whose replies have come, as redis-benchmark's and
  // memtier's event loops do. A client sends its next batch as soon as the
  // last reply of its previous one is in.
  const std::atomic<bool>& stop = *clients.front()->stop;
  const size_t n = clients.size();
  std::vector<int64_t> done(n, 0);
  std::vector<bool> active(n, false);
  std::vector<pollfd> fds(n);
  size_t running = 0;
  auto next = [&](size_t i) {
    Worker& w = *clients[i];
    bool more = start_batch(w, done[i], stop);
    if (more && w.send_status != Status::kOk) {  // nothing will arrive: account for it now
      done[i] += receive_batch(w);
      more = start_batch(w, done[i], stop);
    }
    if (more != active[i]) running += more ? 1 : -1;
    active[i] = more;
    if (!more) finish(w);
  };
  for (size_t i = 0; i < n; ++i) next(i);
  while (running > 0) {
    for (size_t i = 0; i < n; ++i) {
      fds[i].fd = active[i] && clients[i]->conn ? clients[i]->conn->socket() : -1;
      fds[i].events = POLLIN;
      fds[i].revents = 0;
    }
    if (poll(fds.data(), n, kPollTimeoutMs) < 0 && errno != EINTR) break;
    for (size_t i = 0; i < n; ++i) {
      if (!active[i] || fds[i].revents == 0) continue;
      Worker& w = *clients[i];
      Status s = w.conn->read_arrived();
      while (s == Status::kOk && w.received < w.sent) {
        bool got = false;
        Status r = w.conn->try_receive(nullptr, 0, got);
        if (!got && r == Status::kOk) break;
        if (!got) {
          s = r;
          break;
        }
        account(w, w.batch[w.received], r, w.batch_start, metrics::now_ns(), 0);
        ++w.received;
      }
      if (s != Status::kOk) {  // the connection broke: the rest of the batch is lost
        for (; w.received < w.sent; ++w.received)
          account(w, w.batch[w.received], Status::kConnectionLost, w.batch_start, metrics::now_ns(), 0);
        w.conn.reset();
        if (!reconnect(w)) std::this_thread::sleep_for(kReconnectPause);
      }
      if (w.received == w.sent) {
        done[i] += w.sent;
        next(i);
      }
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (active[i]) finish(*clients[i]);
}

}  // namespace oltap::run
