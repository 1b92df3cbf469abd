// `oltap load FILE --target URI`: create the workload's tables and fill them.
#include <fmt/format.h>

#include <iomanip>
#include <iostream>
#include <thread>

#include "cli.h"
#include "datagen/datagen.h"

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
};

// A load the server refuses (a statement of the schema or of after_load, a
// row breaking a constraint) is a failed load: exit 4, as README documents.
// Bad input and an unreachable target keep their own codes.
datagen::LoadReport load_into(const workload::Spec& spec, const engine::Target& target,
                              const datagen::LoadOptions& o) {
  try {
    return datagen::load(spec, target, o, [](const std::string& l) { note("  " + l); });
  } catch (const Error& e) {
    switch (e.error_class()) {
      case ErrorClass::kBadInput:
      case ErrorClass::kUnreachable:
      case ErrorClass::kInterrupted:
        throw;
      default:
        throw Error(ErrorClass::kFatal, "loading " + spec.name + " failed: " + e.what());
    }
  } catch (const std::exception& e) {
    throw Error(ErrorClass::kFatal, "loading " + spec.name + " failed: " + e.what());
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
  cmd->callback([&action, a, cmd] {
    action = [a, cmd] {
      // 0 means "the workload's" only when --scale is not given at all.
      if (cmd->count("--scale") > 0 && !(a->scale > 0))
        throw Error(ErrorClass::kBadInput, fmt::format("--scale must be above 0, not {:g}", a->scale));
      workload::Spec spec = workload::load_spec(a->file);
      datagen::LoadOptions o;
      o.scale = a->scale > 0 ? a->scale : spec.scale;
      o.jobs = a->jobs > 0 ? a->jobs : std::max(1u, std::thread::hardware_concurrency());
      o.seed = a->seed;
      o.after_load = !a->no_after_load;
      o.force = a->force;
      o.dry_run = a->dry_run;
      for (const auto& target : parse_targets(a->targets)) {
        if (o.dry_run) {
          datagen::LoadReport r = load_into(spec, target, o);
          std::cout << "-- oltap load " << spec.name << " into " << target.shown()
                    << " (dry run: nothing changed)\n";
          for (const auto& stmt : r.statements) std::cout << stmt << "\n";
          if (!r.refusal.empty()) throw Error(ErrorClass::kBadInput, r.refusal);
          continue;
        }
        note("loading " + spec.name + " (scale " + fmt::format("{:g}", o.scale) + ") into " + target.shown() +
             " with " + std::to_string(o.jobs) + " job(s)");
        datagen::LoadReport r = load_into(spec, target, o);
        int64_t rows = 0;
        for (const auto& t : r.tables) rows += t.rows;
        std::cout << target.shown() << ": loaded " << rows << " rows into " << r.tables.size()
                  << " table(s) in " << std::fixed << std::setprecision(2) << r.seconds << " s ("
                  << r.server_version << ")\n";
      }
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
