// The per-client loop. Per transaction it draws parameters, runs the steps,
// and records the latency: no lock, no allocation, no formatting, no logging
// (error messages are copied only for the first few failures).
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
// How long a multiplexing thread waits in poll() before looking at the stop
// flag and at the clients waiting to reconnect.
constexpr int kPollTimeoutMs = 50;
// The longest think time, in means: TPC-C clause 5.2.5.4 truncates at 10.
constexpr double kThinkTimeTruncation = 10;

using engine::Status;

// Where a failure happened when it is not a step of the workload.
const std::string kAtBegin = "at BEGIN";
const std::string kAtCommit = "at COMMIT";
const std::string kAtRollback = "at ROLLBACK";
const std::string kNoConnection = "no connection";

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
  if (t.wrapped) {
    Status s = c.begin();
    if (s != Status::kOk) {
      w.failed_at = &kAtBegin;
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
  if (s != Status::kOk) w.failed_at = w.aborted ? &kAtRollback : &kAtCommit;
  return s;
}

// Opens a new connection; on failure keeps why (the message of the last
// failed attempt) and leaves the client without one. Off the hot path: a
// connect allocates anyway.
bool reconnect(Worker& w) noexcept {
  w.conn.reset();
  try {
    connect_worker(w);
    return true;
  } catch (const std::exception& e) {
    w.connect_error = e.what();
  } catch (...) {
    w.connect_error = "unknown error while connecting";
  }
  w.conn.reset();
  ++w.connects_failed;
  return false;
}

}  // namespace

void connect_worker(Worker& w) {
  if (!w.conn) w.conn = w.connect ? (*w.connect)(*w.target) : engine::connect(*w.target);
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

// After a transaction that lost the connection (or found none): reconnect
// at once, or pause before the next round tries again. A client keeps
// trying until the run ends; each round without a connection counts as
// an error of the transaction it picked.
void after_loss(Worker& w) noexcept {
  if (w.conn && reconnect(w)) return;
  w.conn.reset();
  wait_unless_stopped(w, kReconnectPauseNs);
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
  Status s = Status::kOk;
  int retries = 0;
  while (true) {
    if (!w.conn && !reconnect(w)) {
      s = Status::kConnectionLost;
      w.failed_at = &kNoConnection;
      break;
    }
    s = attempt(w, t);
    if (s == Status::kRetryable && retries < w.max_retries && !w.stop->load(std::memory_order_relaxed)) {
      ++retries;
      continue;
    }
    break;
  }
  account(w, k, s, start, metrics::now_ns(), retries);
  if (s == Status::kConnectionLost) after_loss(w);
  // ...and thinks before the next one: a negative exponential wait,
  // truncated at kThinkTimeTruncation times its mean (clause 5.2.5.4).
  if (t.think_mean_ns > 0)
    wait_unless_stopped(w, static_cast<int64_t>(workload::negative_exponential(
                               w.rng, t.think_mean_ns, kThinkTimeTruncation * t.think_mean_ns)));
}

// Pipelining: a batch of single-command transactions is sent back to back,
// then the replies are read in order. Each one's latency runs from the
// moment the batch started to its own reply, as redis-benchmark and memtier
// measure a pipeline. Without a connection (and none to be had), the batch
// is one transaction that failed.
void send_batch(Worker& w, int64_t limit) noexcept {
  w.aborted = false;  // one-command transactions have no rollback_if
  w.sent = 0;
  w.received = 0;
  w.unsent = false;
  w.failed_at = nullptr;
  w.send_status = Status::kOk;
  w.batch_start = metrics::now_ns();
  if (!w.conn && !reconnect(w)) {
    w.batch[0] = pick(w);
    w.unsent = true;
    w.failed_at = &kNoConnection;
    w.send_status = Status::kConnectionLost;
    return;
  }
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
    if (w.send_status != Status::kOk) {
      w.unsent = true;
      break;
    }
  }
}

// The step a pipelined transaction is (its one command), for error messages.
const std::string* step_of(const Worker& w, size_t k) noexcept {
  return &w.plan->txns[w.group->txns[k]].steps[0].where;
}

// Accounts for the rest of the batch from w.received on, once the
// connection broke (or a send failed): every reply not read is lost (s),
// and the command whose send failed ended with the send's status.
// Returns how many ended.
int64_t lose_rest(Worker& w, Status s) noexcept {
  int64_t ended = 0;
  const int64_t now = metrics::now_ns();
  for (; w.received < w.sent; ++w.received, ++ended) {
    if (w.failed_at != &kNoConnection) w.failed_at = step_of(w, w.batch[w.received]);
    account(w, w.batch[w.received], s, w.batch_start, now, 0);
  }
  if (w.unsent) {
    if (w.failed_at != &kNoConnection) w.failed_at = step_of(w, w.batch[w.sent]);
    account(w, w.batch[w.sent], w.send_status, w.batch_start, now, 0);
    w.unsent = false;
    ++ended;
  }
  return ended;
}

// Reads the replies of the batch send_batch sent; returns how many
// transactions ended (committed or failed). A lost connection is reopened
// at once when it can be; else the client is left without one.
int64_t receive_batch(Worker& w) noexcept {
  bool lost = w.send_status == Status::kConnectionLost;
  int64_t ended = 0;
  while (!lost && w.received < w.sent) {
    Status s = w.conn->receive(nullptr, 0);
    if (s == Status::kConnectionLost) {
      lost = true;
      break;
    }
    if (s != Status::kOk) w.failed_at = step_of(w, w.batch[w.received]);
    account(w, w.batch[w.received], s, w.batch_start, metrics::now_ns(), 0);
    ++w.received;
    ++ended;
  }
  ended += lose_rest(w, Status::kConnectionLost);
  if (lost && w.conn) reconnect(w);  // leaves the client without one when it fails
  return ended;
}

void finish(Worker& w) noexcept {
  w.ended_connected = w.conn != nullptr;
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
      if (!w.conn) wait_unless_stopped(w, kReconnectPauseNs);
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
  if (w.send_status == Status::kOk) w.send_status = w.conn->flush();
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
  // last reply of its previous one is in. A client without a connection
  // waits kReconnectPauseNs (without holding up the others) and tries again.
  const std::atomic<bool>& stop = *clients.front()->stop;
  const size_t n = clients.size();
  std::vector<int64_t> done(n, 0);
  std::vector<bool> active(n, false);
  std::vector<int64_t> retry_at(n, 0);  // a client without a connection: when to try again
  std::vector<pollfd> fds(n);
  size_t running = 0;
  auto next = [&](size_t i) {
    Worker& w = *clients[i];
    bool more = start_batch(w, done[i], stop);
    if (more && w.send_status != Status::kOk) {  // nothing will arrive: account for it now
      done[i] += receive_batch(w);
      if (w.conn) more = start_batch(w, done[i], stop);
      if (!w.conn) retry_at[i] = metrics::now_ns() + kReconnectPauseNs;
    }
    if (more && !w.conn) {
      // Still counted as running: it tries again at retry_at (or ends with the run).
      more = !stop.load(std::memory_order_relaxed) && (w.transactions == 0 || done[i] < w.transactions);
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
    const int64_t now = metrics::now_ns();
    for (size_t i = 0; i < n; ++i) {
      if (!active[i]) continue;
      Worker& w = *clients[i];
      if (!w.conn) {
        if (stop.load(std::memory_order_relaxed)) {
          active[i] = false;
          --running;
          finish(w);
        } else if (now >= retry_at[i]) {
          next(i);
        }
        continue;
      }
      if (fds[i].revents == 0) continue;
      Status s = w.conn->read_arrived();
      while (s == Status::kOk && w.received < w.sent) {
        bool got = false;
        Status r = w.conn->try_receive(nullptr, 0, got);
        if (!got && r == Status::kOk) break;
        if (!got) {
          s = r;
          break;
        }
        if (r != Status::kOk) w.failed_at = step_of(w, w.batch[w.received]);
        account(w, w.batch[w.received], r, w.batch_start, metrics::now_ns(), 0);
        ++w.received;
        if (r == Status::kConnectionLost) {  // a reply saying so: the rest will not come
          s = r;
          break;
        }
      }
      if (s != Status::kOk) {  // the connection broke: the rest of the batch is lost
        const int read = w.received;
        done[i] += read + lose_rest(w, Status::kConnectionLost);
        if (reconnect(w))
          next(i);
        else
          retry_at[i] = metrics::now_ns() + kReconnectPauseNs;  // the loop above calls next() then
        continue;
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
