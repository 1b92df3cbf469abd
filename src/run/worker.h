// The state of one client (one struct, like wrk's `thread`) and its loops.
// Threading: a Worker is written by the one thread that runs it; the
// recorder reads its counters and histograms while it runs (relaxed
// atomics, single writer) and the rest only after that thread has ended.
// Private to the run module.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plan.h"
#include "schedule.h"

namespace oltap::run {

// Counters and latency of one transaction kind in one client. The client is
// the only writer; the recorder reads them while it runs (relaxed atomics).
struct TxnStats {
  metrics::Histogram latency;  // committed and intentionally rolled back; open loop: from when each was due
  // Open loop only (null in a closed loop, where they would repeat latency):
  // the same transactions from their send, and their schedule lag.
  std::unique_ptr<metrics::Histogram> service, lag;
  std::atomic<int64_t> committed{0};
  std::atomic<int64_t> aborted{0};
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> retries{0};
  std::atomic<int64_t> late{0};     // latency above the limit
  std::atomic<int64_t> skipped{0};  // not sent: later than the limit when due
  // errors by class (engine::Failure's order); their sum is errors.
  std::array<std::atomic<int64_t>, engine::kFailureClasses> failed{};
  // The connection was lost during COMMIT: the outcome never came back (not in errors).
  std::atomic<int64_t> unknown{0};
};

// How a client opens a connection (Options::connect, or engine::connect).
using Connector = std::function<std::unique_ptr<engine::Connection>(const engine::Target&)>;

// Everything one client touches on its hot path.
struct Worker {
  int index = 0;     // among all clients of the run
  int in_group = 0;  // among its group's clients
  const Plan* plan = nullptr;
  const GroupPlan* group = nullptr;
  const engine::Target* target = nullptr;
  const Connector* connect = nullptr;
  std::unique_ptr<engine::Connection> conn;
  workload::Rng rng;
  std::vector<Value> slots;
  std::vector<workload::SequenceCursor> cursors;  // one per parameter
  std::vector<std::vector<int>> param_slots;      // per statement id: slots in the driver's order
  std::vector<const Value*> args;                 // scratch: a statement's parameters
  engine::ResultBuffer result;
  // The stats of the stage a transaction ends in: one per transaction of
  // the group's mix, in one of kStatBlocks blocks that the stages take in
  // turn (stage s's is blocks[s % blocks.size()]), so that what ends after a
  // stage's end is never counted in it however late the recorder reads.
  std::vector<std::unique_ptr<TxnStats[]>> blocks;
  TxnStats* stats = nullptr;        // the current stage's block
  std::vector<int64_t> stage_ends;  // now_ns each stage ends at; the last kNoEnd
  size_t stage_at = 0;              // the stage `stats` is of
  int64_t next_stage_ns = kNoEnd;   // stage_ends[stage_at]
  std::atomic<int64_t> warmup_committed{0};
  std::atomic<bool> finished{false};
  std::atomic<int64_t> finished_at_ns{0};  // when the loop ended (now_ns)
  std::vector<std::string> errors;         // the first few messages
  // Where the last failure happened: a step's `where`, or one of the
  // plan-independent places below. Set on the hot path (a pointer, no text).
  const std::string* failed_at = nullptr;
  std::string connect_error;    // why the last (re)connect failed; empty: none failed
  int64_t connects_failed = 0;  // reconnects that failed
  int64_t reconnects = 0;       // reconnects that succeeded
  bool ended_connected = true;  // whether the client had a connection when its loop ended
  // Whether the client holds a connection now: the recorder counts them
  // per interval (timeseries.csv's connected).
  std::atomic<bool> connected{false};
  // Reconnecting (Options::reconnect): reconnects failed in a row, and
  // whether the client has given up (its attempts used up; its loop ends).
  Reconnect reconnect_policy;
  int failed_in_row = 0;
  bool gave_up = false;
  // Of the last failed attempt, set where it failed (no text): its class,
  // and whether it was its COMMIT that lost the connection (unknown outcome).
  engine::Failure failure = engine::Failure::kOther;
  bool commit_lost = false;

  const std::atomic<bool>* stop = nullptr;
  int stop_fd = -1;             // readable once stop is set: wakes a client waiting out a think time
  int64_t measure_from_ns = 0;  // transactions ending before this are warm-up
  int64_t transactions = 0;     // per-client limit, 0 = none
  int max_retries = 0;
  double statement_timeout_s = 0;  // set on each connection it opens; 0: none
  int pipeline = 1;                // transactions in flight at once (key-value engines)
  std::vector<size_t> batch;       // pipelined: which transaction each slot of the batch is
  bool aborted = false;            // the last attempt rolled back on purpose (rollback_if)
  int sent = 0;                    // pipelined: commands of the current batch
  bool unsent = false;             // pipelined: batch[sent] was picked but its send failed (send_status)
  int received = 0;                // multiplexed: replies of the current batch read so far
  int64_t batch_start = 0;
  engine::Status send_status = engine::Status::kOk;

  // Open loop: the client's phases (empty: one closed-loop phase, the whole
  // run), how its gaps are drawn, and the latency limit (0: none).
  std::vector<Phase> phases;
  Arrival arrival = Arrival::kPoisson;
  int64_t latency_limit_ns = 0;
  bool open_loop = false;          // some phase has a rate: stats have service and lag histograms
  std::vector<int64_t> batch_due;  // pipelined: when each transaction of the batch was due
  // Pipelined clients on phases: where the schedule is, and what the last
  // send_batch found (pipeline.cc).
  size_t phase_at = 0;
  double next_due = 0;           // now_ns of the next transaction due in an open phase
  int64_t idle_until = 0;        // nothing was due: the client waits until then
  bool out_of_phases = false;    // its schedule has ended
  int64_t skipped_in_batch = 0;  // transactions the last batch skipped (ended without being sent)
};

// Opens the worker's connection (unless it has one) and prepares every
// statement of its group; throws Error.
void connect_worker(Worker& w);
// The closed loop of one client: transactions one at a time, or pipelined
// batches, until stop or its transaction limit. A client whose connection
// is lost keeps trying to reconnect (reconnect_pause_ns apart) until then,
// or until its Options::reconnect attempts are used up.
void run_worker(Worker& w) noexcept;
// Runs several clients on the calling thread (engines that pipeline): their
// batches all in flight, poll() telling whose replies have come.
void run_clients(const std::vector<Worker*>& clients) noexcept;

// What both loops (worker.cc, pipeline.cc) share.
// Notes in w.failure the class of the failure s the connection just
// reported (kConnection when it was lost, or there is none): the class
// account() counts the failed transaction in.
void note_failure(Worker& w, engine::Status s) noexcept;
// Counts one finished transaction: due is when it was meant to start (its
// send in a closed loop), send when it was sent, end when it ended; a
// failed one in the class note_failure noted.
void account(Worker& w, size_t k, engine::Status s, int64_t due, int64_t send, int64_t end,
             int retries) noexcept;
// Moves the client's stats on to the block of the stage that `at` is in.
void enter_stage(Worker& w, int64_t at) noexcept;
// Counts a transaction not sent because it was already later than the limit.
void account_skipped(Worker& w, size_t k, int64_t now) noexcept;
// Picks a transaction of the group's mix by weight; returns its index in the mix.
size_t pick(Worker& w) noexcept;
void draw_params(Worker& w, const TxnPlan& t) noexcept;
// Opens a new connection; false (and the client left without one, the
// error kept) when it cannot.
bool reconnect(Worker& w) noexcept;
// How long to wait before the next reconnect: exponential from the
// policy's initial pause (doubling per failure in a row) up to its cap,
// with jitter (a uniform draw from the upper half, from the client's Rng) so
// clients that lost the server together do not come back in step.
int64_t reconnect_pause_ns(Worker& w) noexcept;
// Waits ns, or less when the run stops meanwhile; false when it stopped.
bool wait_unless_stopped(Worker& w, int64_t ns) noexcept;
// The client's loop has ended: whether it had a connection, and when.
void finish(Worker& w) noexcept;
// Where a failure happened when no connection could be had.
extern const std::string kNoConnection;
// The pipelined loop of one client (pipeline.cc), closed or open.
void run_pipelined(Worker& w) noexcept;

// A stage's stats are read until the stage after the next begins: a
// transaction that ended in a stage but was counted after the recorder's
// last read of it is read with the next stage, never lost.
inline constexpr size_t kStatBlocks = 3;

}  // namespace oltap::run
