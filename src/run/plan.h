// A workload compiled for running: slots for every name, per-transaction
// lists of what to draw and what to bind, each step with its dialect's text
// and its statement id. Built once per target before any client starts,
// then read-only (every client reads it, none writes). Private to the run module.
#pragma once

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
  // Where the step is written ("step at tpcc.yaml:123"), for error messages.
  std::string where;
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
  int clients = 1;  // its clients; with stages, the most any stage runs (each is connected before the run)
  // Of these, the ones this shard runs (Options::shard): in-group numbers
  // [shard_first, shard_first + shard_clients); all of them without shards.
  int shard_first = 0, shard_clients = 0;
  std::vector<int> txns;           // indexes into Plan::txns
  std::vector<double> cumulative;  // running sums of the mix weights
};

// One stage as the run goes through it: per group (in Plan::groups'
// order), its active clients and the rate of those clients together (0: a
// closed loop), and per row of the recorder's interval rows (each group's
// transactions, then its ALL) the rate asked of it.
struct StagePlan {
  double duration_s = 0;  // 0 for a run limited by transactions, which has one stage
  std::vector<int> clients;
  std::vector<double> rate;
  std::vector<double> offered;  // per row, this shard's share; ALL rows hold 0 (the recorder sums them)
  // Per group, this shard's active clients and their share of rate (the
  // schedule runs on clients and rate, the whole run's).
  std::vector<int> shard_clients;
  std::vector<double> shard_rate;
};

struct Plan {
  std::vector<workload::Distribution> params;  // slot i is parameter i
  std::vector<int> cursor_of;                  // the sequence cursor parameter i draws with
  std::map<std::string, int> slot_of;          // parameter and bound names -> slot
  std::vector<TxnPlan> txns;
  std::vector<GroupPlan> groups;
  std::vector<StagePlan> stages;  // at least one (plan_stages)
  bool open_loop = false;         // some stage gives some group a rate
};

// Compiles spec for a target of this dialect and kind: the steps it has no
// text for are left out (`sql:` on key-value targets, `redis:` on SQL ones).
// Throws Error(kBadInput) at the workload's file:line for a transaction
// left without a statement, or a step without SQL for the dialect.
Plan compile_plan(const workload::Spec& spec, const std::string& dialect, engine::Kind kind,
                  const Options& options);

// Resolves the run's stages (Options::stages, or one of duration_s at
// Options::rate) for plan's groups, and raises each group's clients to the
// most any stage runs. A group's own rate (Options::group_rate) holds in
// every stage; the stage's rate is shared evenly by the active clients of
// the groups without one. Throws Error(kBadInput) for a group_rate naming
// no group, or a rate that is not above 0.
void plan_stages(Plan& plan, const Options& options);
// Sets what shard runs of plan's groups and stages (plan_stages calls it):
// each group's range of clients, each stage's active clients of the shard
// and their share of the rates. Throws Error(kBadInput) for a shard out of range.
void plan_shard(Plan& plan, Options::Shard shard);

}  // namespace oltap::run
