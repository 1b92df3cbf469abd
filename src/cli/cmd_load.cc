// `oltap load FILE --target URI`: create the workload's tables and fill them.
#include <fmt/format.h>

#include <iomanip>
#include <iostream>
#include <thread>

#include "cli.h"
#include "orchestrate/orchestrate.h"

namespace oltap::cli {
namespace {
struct LoadArgs {
  std::string file;
  std::vector<std::string> targets;
  double scale = 0;
  int jobs = 0;
  uint64_t seed = 1;
  bool no_after_load = false;
  bool force = false;
  bool dry_run = false;
  std::string shard;       // --shard i/N
  std::string shard_wait;  // --shard-wait 5m
};

class NoteListener : public orchestrate::Listener {
 public:
  void note(const std::string& line) override { cli::note(line); }
};

// A load the server refuses (a statement of the schema or of after_load, a
// row breaking a constraint) is a failed load: exit 4, as README documents.
// Bad input and an unreachable target keep their own codes.
datagen::LoadReport load_into(const orchestrate::LoadRequest& request, const engine::Target& target) {
  NoteListener listener;
  try {
    return orchestrate::load_target(request, target, listener);
  } catch (const Error& e) {
    switch (e.error_class()) {
      case ErrorClass::kBadInput:
      case ErrorClass::kUnreachable:
      case ErrorClass::kInterrupted:
      case ErrorClass::kShardsMissing:
        throw;
      default:
        throw Error(ErrorClass::kFatal, "loading " + request.spec.name + " failed: " + e.what());
    }
  } catch (const std::exception& e) {
    throw Error(ErrorClass::kFatal, "loading " + request.spec.name + " failed: " + e.what());
  }
}

}  // namespace

void add_load(CLI::App& root, Action& action) {
  auto a = std::make_shared<LoadArgs>();
  CLI::App* cmd =
      root.add_subcommand("load", "Drop and recreate the workload's own tables and load its data");
  cmd->add_option("file", a->file, "Workload YAML file")->required();
  cmd->add_option("-t,--target", a->targets, "Target URI (repeatable), e.g. postgresql://user@host:5432/db")
      ->required();
  cmd->add_option("-s,--scale", a->scale, "Scale factor (default: the workload's scale)");
  cmd->add_option("-j,--jobs", a->jobs, "Parallel loading connections (default: number of CPUs)");
  cmd->add_option("--seed", a->seed, "Seed of the generated data (default 1; same seed, same rows)");
  cmd->add_flag("--no-after-load", a->no_after_load,
                "Load the rows only: skip the workload's after_load statements (keys, indexes, statistics)");
  cmd->add_flag(
      "--force", a->force,
      "Drop the workload's tables even when they hold rows no oltap load made (a table of yours of the "
      "same name goes with them)");
  cmd->add_flag("--dry-run", a->dry_run,
                "Connect and check, change nothing: print the statements the load would run, on stdout");
  add_shard_options(cmd, a->shard, a->shard_wait,
                    "loading its share of each table's rows while the others load theirs; shard 0 makes the "
                    "tables and runs after_load");
  cmd->callback([&action, a, cmd] {
    action = [a, cmd] {
      // 0 means "the workload's" only when --scale is not given at all.
      if (cmd->count("--scale") > 0 && !(a->scale > 0))
        throw Error(ErrorClass::kBadInput, fmt::format("--scale must be above 0, not {:g}", a->scale));
      orchestrate::LoadRequest request;
      request.spec = workload::load_spec(a->file);
      const workload::Spec& spec = request.spec;
      request.shard = shard_option(a->shard, cmd->count("--shard") > 0);
      request.shard_wait_s = shard_wait_option(a->shard_wait);
      datagen::LoadOptions& o = request.options;
      o.scale = a->scale > 0 ? a->scale : spec.scale;
      o.jobs = a->jobs > 0 ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
      o.seed = a->seed;
      o.after_load = !a->no_after_load;
      o.force = a->force;
      o.dry_run = a->dry_run;
      for (const auto& target : parse_targets(a->targets)) {
        if (o.dry_run) {
          datagen::LoadReport r = load_into(request, target);
          std::cout << "-- oltap load " << spec.name << " into " << target.shown()
                    << " (dry run: nothing changed)\n";
          for (const auto& stmt : r.statements) std::cout << stmt << "\n";
          if (!r.refusal.empty()) throw Error(ErrorClass::kBadInput, r.refusal);
          continue;
        }
        const bool sharded = request.shard && request.shard->count > 1;
        const std::string as_shard =
            sharded ? fmt::format(" as shard {}/{}", request.shard->index, request.shard->count) : "";
        note("loading " + spec.name + " (scale " + fmt::format("{:g}", o.scale) + ") into " + target.shown() +
             as_shard + " with " + std::to_string(o.jobs) + " job(s)");
        datagen::LoadReport r = load_into(request, target);
        int64_t rows = 0;
        for (const auto& t : r.tables) rows += t.rows;
        std::cout << target.shown() << ": loaded " << rows << " rows into " << r.tables.size()
                  << " table(s) in " << std::fixed << std::setprecision(2) << r.seconds << " s ("
                  << r.server_version << ")";
        if (sharded)
          std::cout << as_shard
                    << fmt::format("; the {} shards loaded {} rows", request.shard->count, r.all_shards_rows);
        std::cout << "\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
