// `oltap list`: the workloads shipped in workloads/ and the target schemes.
#include <filesystem>
#include <iostream>

#include "cli.h"
#include "workload/workload.h"

namespace oltap::cli {

void add_list(CLI::App& root, Action& action) {
  auto dir = std::make_shared<std::string>("workloads");
  CLI::App* cmd =
      root.add_subcommand("list", "List the workloads in a folder and the target schemes oltap knows");
  cmd->add_option("--dir", *dir, "Folder of workload files (default: workloads)");
  cmd->callback([&action, dir] {
    action = [dir] {
      namespace fs = std::filesystem;
      std::vector<fs::path> files;
      if (fs::is_directory(*dir))
        for (const auto& e : fs::directory_iterator(*dir))
          if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path());
      std::sort(files.begin(), files.end());
      std::cout << "workloads in " << *dir << ":\n";
      for (const auto& f : files) {
        try {
          workload::Spec s = workload::load_spec(f.string());
          std::cout << "  " << f.string() << "  " << s.name << ": " << s.description << "\n";
        } catch (const Error& e) {
          std::cout << "  " << f.string() << "  (invalid: " << e.what() << ")\n";
        }
      }
      if (files.empty()) std::cout << "  (none)\n";
      std::cout << "target schemes:";
      for (const auto& s : engine::known_schemes()) std::cout << " " << s << "://";
      std::cout << "\n";
      return kExitOk;
    };
  });
}

}  // namespace oltap::cli
