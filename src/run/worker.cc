// The per-client loop. Per transaction it draws parameters, runs the steps,
// and records the latency: no lock, no allocation, no formatting, no logging
// (error messages are copied only for the first few failures).
#include <thread>

#include "plan.h"

namespace oltap::run {
namespace {

// Pause before trying to reconnect after a lost connection.
constexpr auto kReconnectPause = std::chrono::milliseconds(100);

using engine::Status;

void keep_error(Worker& w, const std::string& txn) {
  if (static_cast<int>(w.errors.size()) < kKeptErrorsPerWorker)
    w.errors.push_back(txn + ": " + (w.conn ? w.conn->last_error() : std::string("no connection")));
}

// Runs one attempt of a transaction; returns how it ended.
Status attempt(Worker& w, const TxnPlan& t) noexcept {
  engine::Connection& c = *w.conn;
  bool wrapped = t.explicit_transaction || t.steps.size() > 1;
  if (wrapped) {
    Status s = c.begin();
    if (s != Status::kOk) return s;
  }
  for (const StepPlan& step : t.steps) {
    const std::vector<int>& params = w.param_slots[step.statement];
    for (size_t i = 0; i < params.size(); ++i) w.args[i] = &w.slots[params[i]];
    bool bind = !step.into_slots.empty();
    Status s = c.execute(step.statement, w.args.data(), bind ? &w.result : nullptr, bind ? 1 : 0);
    if (s != Status::kOk) {
      if (wrapped && s != Status::kConnectionLost) c.rollback();
      return s;
    }
    if (bind) {
      for (size_t i = 0; i < step.into_slots.size(); ++i) {
        Value& dst = w.slots[step.into_slots[i]];
        if (w.result.rows > 0 && static_cast<int>(i) < w.result.columns) {
          const Value& src = w.result.at(0, static_cast<int>(i));
          dst.kind = src.kind;
          dst.i = src.i;
          dst.d = src.d;
          if (src.kind == Value::Kind::kText) dst.s.assign(src.s);
        } else {
          dst.set_null();
        }
      }
    }
  }
  return wrapped ? c.commit() : Status::kOk;
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
  w.conn = engine::connect(*w.target);
  w.param_slots.clear();
  std::vector<std::string> names;
  size_t max_args = 0;
  for (int ti : w.group->txns) {
    for (const StepPlan& s : w.plan->txns[ti].steps) {
      int id = w.conn->prepare(s.sql, names);
      if (id != s.statement)
        throw Error(ErrorClass::kFatal, "internal: statement ids differ between connections");
      max_args = std::max(max_args, names.size());
      std::vector<int> slots;
      for (const auto& n : names) slots.push_back(w.plan->slot_of.at(n));
      if (w.param_slots.size() <= static_cast<size_t>(id)) w.param_slots.resize(id + 1);
      w.param_slots[id] = std::move(slots);
    }
  }
  w.args.resize(std::max<size_t>(max_args, 1));
}

void run_worker(Worker& w) noexcept {
  const GroupPlan& g = *w.group;
  const double total_weight = g.cumulative.back();
  int64_t done = 0;
  while (!w.stop->load(std::memory_order_relaxed)) {
    if (w.transactions > 0 && done >= w.transactions) break;
    // Pick a transaction by weight.
    double pick = w.rng.next_double() * total_weight;
    size_t k = 0;
    while (k + 1 < g.cumulative.size() && pick >= g.cumulative[k]) ++k;
    const TxnPlan& t = w.plan->txns[g.txns[k]];
    TxnStats& st = w.stats[k];
    for (int p : t.draw) w.plan->params[p].draw(w.rng, w.cursors[p], w.slots[p]);

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
    const int64_t end = metrics::now_ns();
    ++done;
    if (end < w.measure_from_ns) {
      if (s == Status::kOk)
        w.warmup_committed.store(w.warmup_committed.load(std::memory_order_relaxed) + 1,
                                 std::memory_order_relaxed);
    } else {
      auto bump = [](std::atomic<int64_t>& a, int64_t by) {
        a.store(a.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
      };
      if (retries) bump(st.retries, retries);
      if (s == Status::kOk) {
        st.latency.record(end - start);
        bump(st.committed, 1);
      } else {
        bump(st.errors, 1);
        keep_error(w, t.name);
      }
    }
    if (s == Status::kConnectionLost || (!w.conn && s != Status::kOk)) {
      w.conn.reset();
      if (!reconnect(w)) std::this_thread::sleep_for(kReconnectPause);
    }
  }
  w.finished_at_ns.store(metrics::now_ns(), std::memory_order_relaxed);
  w.finished.store(true, std::memory_order_release);
}

}  // namespace oltap::run
