// The pieces run_suite() is made of, one file each. Private to orchestrate/.
#pragma once

#include <string>
#include <vector>

#include "orchestrate.h"

namespace oltap::orchestrate {

// A case as planned: its workload read, and the targets (indices into
// SuitePlan::targets, in the suite's order) it runs on.
struct SuiteCasePlan {
  const workload::SuiteCase* spec_case = nullptr;
  workload::Spec spec;
  std::vector<size_t> targets;
};

struct SuitePlan {
  std::vector<engine::Target> targets;  // the suite's, each with its label
  std::vector<SuiteCasePlan> cases;     // in the suite's order
};

// suite_plan.cc: every target parsed and every workload read (errors at the
// suite file's line and column), the (case, target) pairs a workload does
// not apply to left out with a note. Connects to nothing.
SuitePlan plan_suite(const workload::Suite& suite, Listener& listener);
// Why spec cannot run on target ("" when it can): a workload of queries on
// a key-value engine, a transaction without a step for the engine's kind.
std::string why_not_applies(const workload::Spec& spec, const engine::Target& target);
// OUT/<case>/<label>/rep-<k>.
std::string rep_dir(const std::string& out, const std::string& case_name, const std::string& label, int rep);
// The `oltap run` one repetition of a case on a target is.
RunRequest case_request(const SuiteCasePlan& c, const engine::Target& target, const std::string& dir,
                        const std::string& command_line);
// The seconds a run of c is set to last (warm-up and duration; 0 when it
// runs a count of transactions or queries): the time-left estimate's
// guess before the (case, target) has run once.
double planned_seconds(const SuiteCasePlan& c);

// suite_order.cc: the order of n cases in round (1, 2, ...): a shuffle
// seeded by (seed, round), the same on every machine and standard library.
std::vector<size_t> round_order(size_t n, uint64_t seed, int round);

// suite_summary.cc: suite.csv's rows from the rep folders under out that
// hold a complete run, in the order of the cases, their targets and the
// rows of the first complete repetition's summary.csv.
std::vector<results::SuiteRow> suite_rows(const std::string& out, const SuitePlan& plan, int repetitions);

// suite_resume.cc: the suite file as the folder keeps it (a literal
// password in a target's URI replaced by its redacted form), and the
// folder readied: new (out empty, or absent), or with resume the same
// suite's (its suite.yaml equal to copy). Writes OUT/suite.yaml.
std::string suite_copy(const workload::Suite& suite);
void open_suite_folder(const std::string& out, bool resume, const std::string& copy);

// suite_load.cc: with `load: true`, each (workload, target, scale) of the
// runs still to do loaded once, unless its data is already there.
struct PendingRun {
  int round = 0;        // 1, 2, ...
  size_t position = 0;  // in the round's order, from 0
  size_t case_index = 0, target_index = 0;
  std::string dir;
  bool done = false;  // complete already (resume)
};
void load_once(const SuitePlan& plan, const std::vector<PendingRun>& runs, Listener& listener);
// Without `load: true`: the data each (workload, target, scale) of the runs
// still to do needs is checked once, before the first run; Error(kBadInput)
// naming the case and target, what was found and how to load it.
void check_data_once(const SuitePlan& plan, const std::vector<PendingRun>& runs,
                     const std::string& suite_file);

}  // namespace oltap::orchestrate
