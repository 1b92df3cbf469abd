// `oltap validate FILE...`: check workload files without touching a database.
#include <iostream>

#include "cli.h"
#include "datagen/datagen.h"
#include "workload/workload.h"

namespace oltap::cli {
namespace {

void validate_one(const std::string& f) {
  workload::Spec s = workload::load_spec(f);
  // What only shows once values are made, at the workload's own scale (the
  // first such problem only: these checks build the values one by one).
  datagen::check_data(s, s.scale);
  workload::check_parameters(s, s.scale);
  if (!s.queries.empty()) {
    std::cout << f << ": ok (" << s.name << ": " << s.queries.size() << " quer"
              << (s.queries.size() == 1 ? "y, " : "ies, ") << s.data.size() << " table(s) of data)\n";
    return;
  }
  size_t steps = 0;
  for (const auto& t : s.transactions) steps += t.steps.size();
  std::cout << f << ": ok (" << s.name << ": " << s.transactions.size() << " transaction(s), " << steps
            << " step(s), " << s.parameters.size() << " parameter(s), " << s.data.size()
            << " table(s) of data, " << s.groups.size() << " group(s))\n";
}

}  // namespace

void add_validate(CLI::App& root, Action& action) {
  auto files = std::make_shared<std::vector<std::string>>();
  CLI::App* cmd =
      root.add_subcommand("validate", "Check workload files; report each problem as file:line:col");
  cmd->add_option("file", *files, "Workload YAML file(s)")->required();
  cmd->callback([&action, files] {
    action = [files] {
      // Every file is checked, each reporting all its problems; any problem: exit 2.
      bool all_ok = true;
      for (const auto& f : *files) {
        try {
          validate_one(f);
        } catch (const Error& e) {
          if (e.error_class() != ErrorClass::kBadInput) throw;
          print_error(e);
          all_ok = false;
        }
      }
      return all_ok ? kExitOk : kExitBadInput;
    };
  });
}

}  // namespace oltap::cli
