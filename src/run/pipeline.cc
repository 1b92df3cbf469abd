// Clients that pipeline (engines that can, one-command transactions): a
// batch is sent back to back, then the replies are read in order, on a
// thread of its own or with many clients multiplexed on one thread, as
// redis-benchmark's and memtier's event loops run them. In a closed loop a
// batch is `pipeline` transactions at once; on an open schedule it is every
// transaction already due, up to `pipeline`, and a client with none due
// waits for the next. Per transaction: no lock, no allocation, no text.
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "worker.h"

namespace oltap::run {
namespace {

using engine::Status;

// How long a multiplexing thread waits in poll() at most before looking at
// the stop flag and at the clients waiting to reconnect.
constexpr int64_t kPollTimeoutNs = 50'000'000;

// Moves the client's schedule to phase `from` or the first active one
// after it; out_of_phases when there is none.
void enter_phase(Worker& w, size_t from) noexcept {
  w.phase_at = from;
  while (w.phase_at < w.phases.size() && !w.phases[w.phase_at].active) ++w.phase_at;
  if (w.phase_at == w.phases.size()) {
    w.out_of_phases = true;
    return;
  }
  const Phase& ph = w.phases[w.phase_at];
  w.next_due = ph.start_ns + (ph.gap_ns == 0                   ? 0
                              : w.arrival == Arrival::kUniform ? ph.first_ns
                                                               : next_gap(w.rng, ph.gap_ns, w.arrival));
}

// The next transaction of an open phase is due a gap after this one.
void advance(Worker& w) noexcept {
  const Phase& ph = w.phases[w.phase_at];
  w.next_due += next_gap(w.rng, ph.gap_ns, w.arrival);
  if (w.next_due >= ph.end_ns) enter_phase(w, w.phase_at + 1);
}

// Where a client on phases is at `now`: past the phases that are over, and
// whether its phase is open. false when it must wait (idle_until set) or
// its schedule has ended (out_of_phases).
bool settle(Worker& w, int64_t now, bool& open) noexcept {
  while (w.phase_at < w.phases.size()) {
    const Phase& ph = w.phases[w.phase_at];
    if (now < ph.start_ns) {
      w.idle_until = ph.start_ns;
      return false;
    }
    // A closed phase ends with its time; the warm-up's backlog is not sent after it.
    if ((ph.gap_ns == 0 || ph.drop_backlog) && now >= ph.end_ns) {
      enter_phase(w, w.phase_at + 1);
      continue;
    }
    open = ph.gap_ns > 0;
    if (open && w.next_due > now) {
      w.idle_until = static_cast<int64_t>(w.next_due);
      return false;
    }
    return true;
  }
  w.out_of_phases = true;
  return false;
}

// Sends the client's next batch (see the file comment). Without a
// connection (and none to be had), the batch is one transaction that
// failed. Each transaction's latency runs from when it was due (the batch's
// start in a closed loop) to its own reply, as redis-benchmark and memtier
// measure a pipeline; its service time from the batch's start.
void send_batch(Worker& w, int64_t limit) noexcept {
  w.aborted = false;  // one-command transactions have no rollback_if
  w.sent = 0;
  w.received = 0;
  w.unsent = false;
  w.failed_at = nullptr;
  w.send_status = Status::kOk;
  w.idle_until = 0;
  w.skipped_in_batch = 0;
  const int64_t now = metrics::now_ns();
  bool open = false;
  if (!w.phases.empty() && !settle(w, now, open)) return;
  const size_t phase = w.phase_at;
  w.batch_start = now;
  // Takes the next transaction: its index in the mix and when it was due.
  auto take = [&](int64_t& due) {
    due = open ? static_cast<int64_t>(w.next_due) : now;
    const size_t k = pick(w);
    if (open) advance(w);
    return k;
  };
  if (!w.conn && (w.gave_up || !reconnect(w))) {
    w.batch[0] = take(w.batch_due[0]);
    w.unsent = true;
    w.failed_at = &kNoConnection;
    w.send_status = Status::kConnectionLost;
    return;
  }
  const int64_t n = std::min<int64_t>(w.pipeline, limit);
  for (int64_t taken = 0; taken < n; ++taken) {
    if (open && (w.out_of_phases || w.phase_at != phase || w.next_due > now)) break;
    int64_t due = 0;
    const size_t k = take(due);
    if (open && w.latency_limit_ns > 0 && now - due > w.latency_limit_ns) {
      account_skipped(w, k, now);
      ++w.skipped_in_batch;
      continue;
    }
    const TxnPlan& t = w.plan->txns[w.group->txns[k]];
    draw_params(w, t);
    const StepPlan& step = t.steps[0];
    const std::vector<int>& params = w.param_slots[step.statement];
    for (size_t i = 0; i < params.size(); ++i) w.args[i] = &w.slots[params[i]];
    w.batch[w.sent] = k;
    w.batch_due[w.sent] = due;
    w.send_status = w.conn->send(step.statement, w.args.data());
    if (w.send_status != Status::kOk) {
      w.unsent = true;
      break;
    }
    ++w.sent;
  }
}

// The step a pipelined transaction is (its one command), for error messages.
const std::string* step_of(const Worker& w, size_t k) noexcept {
  return &w.plan->txns[w.group->txns[k]].steps[0].where;
}

// Counts transaction i of the batch, ended with s at end.
void account_reply(Worker& w, int i, Status s, int64_t end) noexcept {
  w.commit_lost = false;  // one command without a COMMIT
  if (s != Status::kOk) note_failure(w, s);
  account(w, w.batch[i], s, w.batch_due[i], w.batch_start, end, 0);
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
    account_reply(w, w.received, s, now);
  }
  if (w.unsent) {
    if (w.failed_at != &kNoConnection) w.failed_at = step_of(w, w.batch[w.sent]);
    account_reply(w, w.sent, w.send_status, now);
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
    account_reply(w, w.received, s, metrics::now_ns());
    ++w.received;
    ++ended;
  }
  ended += lose_rest(w, Status::kConnectionLost);
  if (lost && w.conn) reconnect(w);  // leaves the client without one when it fails
  return ended;
}

// Sends a client's next batch and writes it out; false when the client is
// done. done counts what the batch skipped.
bool start_batch(Worker& w, int64_t& done, const std::atomic<bool>& stop) noexcept {
  const int64_t left = w.transactions > 0 ? w.transactions - done : w.pipeline;
  if (left <= 0 || stop.load(std::memory_order_relaxed) || w.gave_up) return false;
  send_batch(w, left);
  done += w.skipped_in_batch;
  // A schedule may end with this batch (the client idle in every later
  // stage): what it sent is still to be read.
  if (w.out_of_phases && w.sent == 0 && !w.unsent) return false;
  if (w.sent > 0 && w.send_status == Status::kOk) w.send_status = w.conn->flush();
  return true;
}

}  // namespace

void run_pipelined(Worker& w) noexcept {
  const std::atomic<bool>& stop = *w.stop;
  if (!w.phases.empty()) {
    precise_timers();
    enter_phase(w, 0);
  }
  int64_t done = 0;
  while (start_batch(w, done, stop)) {
    if (w.idle_until > 0) {
      if (!wait_until(w.idle_until, stop, w.stop_fd)) break;
      continue;
    }
    done += receive_batch(w);
    if (!w.conn && !w.gave_up) wait_unless_stopped(w, reconnect_pause_ns(w));
  }
}

void run_clients(const std::vector<Worker*>& clients) noexcept {
  if (clients.size() == 1) {
    run_worker(*clients.front());
    return;
  }
  // One thread, many connections: every client's batch is in flight at once
  // and poll() says whose replies have come. A client sends its next batch
  // as soon as the last reply of its previous one is in (or, on an open
  // schedule, when its next transaction is due). A client without a
  // connection waits reconnect_pause_ns (without holding up the others) and
  // tries again.
  const std::atomic<bool>& stop = *clients.front()->stop;
  const size_t n = clients.size();
  for (Worker* w : clients)
    if (!w->phases.empty()) {
      precise_timers();
      enter_phase(*w, 0);
    }
  std::vector<int64_t> done(n, 0);
  std::vector<bool> active(n, false);
  std::vector<int64_t> retry_at(n, 0);  // a client without a connection: when to try again
  std::vector<int64_t> wake_at(n, 0);   // a client with nothing due yet: when it is
  std::vector<pollfd> fds(n);
  size_t running = 0;
  auto next = [&](size_t i) {
    Worker& w = *clients[i];
    bool more = start_batch(w, done[i], stop);
    // A batch that ended without anything in flight (every transaction
    // skipped, or a send that failed): account for it and go on at once.
    while (more && w.idle_until == 0 && (w.sent == 0 || w.send_status != Status::kOk)) {
      done[i] += receive_batch(w);
      if (!w.conn) {
        retry_at[i] = metrics::now_ns() + reconnect_pause_ns(w);
        break;
      }
      more = start_batch(w, done[i], stop);
    }
    wake_at[i] = more ? w.idle_until : 0;
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
    int64_t now = metrics::now_ns();
    int64_t wait = kPollTimeoutNs;
    for (size_t i = 0; i < n; ++i) {
      const bool waiting = active[i] && wake_at[i] > 0;
      fds[i].fd = active[i] && !waiting && clients[i]->conn ? clients[i]->conn->socket() : -1;
      fds[i].events = POLLIN;
      fds[i].revents = 0;
      if (waiting) wait = std::min(wait, std::max<int64_t>(0, wake_at[i] - now));
      // A reply already in: nothing will make its socket readable again.
      if (fds[i].fd >= 0 && clients[i]->conn->reply_ready()) wait = 0;
    }
    const timespec ts{static_cast<time_t>(wait / 1'000'000'000), static_cast<long>(wait % 1'000'000'000)};
    if (ppoll(fds.data(), n, &ts, nullptr) < 0 && errno != EINTR) break;
    now = metrics::now_ns();
    for (size_t i = 0; i < n; ++i) {
      if (!active[i]) continue;
      Worker& w = *clients[i];
      // A client waiting for its next due time, or to try to reconnect.
      if (wake_at[i] > 0 || !w.conn) {
        if (stop.load(std::memory_order_relaxed)) {
          active[i] = false;
          --running;
          finish(w);
        } else if (now >= (wake_at[i] > 0 ? wake_at[i] : retry_at[i])) {
          next(i);
        }
        continue;
      }
      if (fds[i].revents == 0 && !w.conn->reply_ready()) continue;
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
        account_reply(w, w.received, r, metrics::now_ns());
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
          retry_at[i] = metrics::now_ns() + reconnect_pause_ns(w);  // the loop above calls next() then
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
