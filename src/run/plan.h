// A workload compiled for running: slots for every name, per-transaction
// lists of what to draw and what to bind, and the per-client state (one
// struct, like wrk's `thread`). Private to the run module.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "run.h"

namespace oltap::run {

struct StepPlan {
  std::string sql;                            // this dialect's text, with :name placeholders
  std::vector<std::string> command;           // or a key-value command, with {name} placeholders
  int statement = -1;                         // prepared id (the same on every connection of the group)
  std::vector<int> into_slots;                // slots bound from a result row
  bool into_middle = false;                   // bind the middle row (ceil(n / 2)), not the first
  std::optional<workload::Expr> when;         // resolved to slots
  std::optional<workload::Expr> rollback_if;  // resolved to slots
  // A loop instead of a statement: body runs `count` times.
  bool is_loop = false;
  std::optional<workload::Expr> count;  // resolved to slots
  int index_slot = -1;                  // bound to 1, 2, ... (-1: none)
  std::vector<int> redraw;              // parameters drawn anew each round
  std::vector<StepPlan> body;
  // An if block instead: body when `when` holds, else_body otherwise.
  bool is_block = false;
  std::vector<StepPlan> else_body;
  // A let step instead: slots set from expressions, in order.
  std::vector<std::pair<int, workload::Expr>> let;
};

struct TxnPlan {
  std::string name;
  std::vector<int> draw;  // parameter indexes to draw before the transaction
  std::vector<StepPlan> steps;
  bool wrapped = false;  // BEGIN/COMMIT around the steps
  // An emulated user's waits (only with Options::think_times): before the
  // transaction, and the mean of the one after it. 0: none.
  int64_t keying_ns = 0;
  double think_mean_ns = 0;
};

struct GroupPlan {
  std::string name;
  int clients = 1;
  std::vector<int> txns;           // indexes into Plan::txns
  std::vector<double> cumulative;  // running sums of the mix weights
};

struct Plan {
  std::vector<workload::Distribution> params;  // slot i is parameter i
  std::vector<int> cursor_of;                  // the sequence cursor parameter i draws with
  std::map<std::string, int> slot_of;          // parameter and bound names -> slot
  std::vector<TxnPlan> txns;
  std::vector<GroupPlan> groups;
};

Plan compile_plan(const workload::Spec& spec, const std::string& dialect, engine::Kind kind,
                  const Options& options);

// Counters and latency of one transaction kind in one client. The client is
// the only writer; the recorder reads them while it runs (relaxed atomics).
struct TxnStats {
  metrics::Histogram latency;
  std::atomic<int64_t> committed{0};
  std::atomic<int64_t> aborted{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> retries{0};
};

// Everything one client touches on its hot path.
struct Worker {
  int index = 0;  // among all clients of the run
  const Plan* plan = nullptr;
  const GroupPlan* group = nullptr;
  const engine::Target* target = nullptr;
  std::unique_ptr<engine::Connection> conn;
  workload::Rng rng;
  std::vector<Value> slots;
  std::vector<workload::SequenceCursor> cursors;  // one per parameter
  std::vector<std::vector<int>> param_slots;      // per statement id: slots in the driver's order
  std::vector<const Value*> args;                 // scratch: a statement's parameters
  engine::ResultBuffer result;
  std::unique_ptr<TxnStats[]> stats;  // one per transaction of the group's mix
  std::atomic<int64_t> warmup_committed{0};
  std::atomic<bool> finished{false};
  std::atomic<int64_t> finished_at_ns{0};  // when the loop ended (now_ns)
  std::vector<std::string> errors;         // the first few messages

  const std::atomic<bool>* stop = nullptr;
  int stop_fd = -1;             // readable once stop is set: wakes a client waiting out a think time
  int64_t measure_from_ns = 0;  // transactions ending before this are warm-up
  int64_t transactions = 0;     // per-client limit, 0 = none
  int max_retries = 0;
  int pipeline = 1;           // transactions in flight at once (key-value engines)
  std::vector<size_t> batch;  // pipelined: which transaction each slot of the batch is
  bool aborted = false;       // the last attempt rolled back on purpose (rollback_if)
  int sent = 0;               // pipelined: commands of the current batch
  int received = 0;           // multiplexed: replies of the current batch read so far
  int64_t batch_start = 0;
  engine::Status send_status = engine::Status::kOk;
};

// Opens the worker's connection and prepares every statement of its group.
void connect_worker(Worker& w);
// The closed loop of one client: transactions one at a time, or pipelined
// batches, until stop or its transaction limit.
void run_worker(Worker& w) noexcept;
// Runs several clients on the calling thread (engines that pipeline): their
// batches all in flight, poll() telling whose replies have come.
void run_clients(const std::vector<Worker*>& clients) noexcept;

}  // namespace oltap::run
