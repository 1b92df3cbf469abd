// What the subcommands share: targets, the redacted command line, stderr notes.
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli.h"

namespace oltap::cli {
namespace {
std::vector<std::string> g_args;
}

void set_command_line(int argc, char** argv) { g_args.assign(argv, argv + argc); }

std::string redacted_command_line() {
  std::string out;
  for (const auto& a : g_args) {
    std::string shown = a;
    // Any argument that reads as a target URI is shown in its redacted form.
    if (a.find("://") != std::string::npos) {
      std::string value = a;
      std::string prefix;
      if (size_t eq = a.find('='); eq != std::string::npos && eq < a.find("://")) {
        prefix = a.substr(0, eq + 1);
        value = a.substr(eq + 1);
      }
      try {
        shown = prefix + engine::parse_target(value).redacted();
      } catch (const Error&) {
        size_t at = value.rfind('@');
        shown = at == std::string::npos
                    ? a
                    : prefix + value.substr(0, value.find("://") + 3) + "***@" + value.substr(at + 1);
      }
    }
    if (!out.empty()) out += ' ';
    out += shown;
  }
  return out;
}

std::vector<engine::Target> parse_targets(const std::vector<std::string>& uris) {
  std::vector<engine::Target> out;
  for (const auto& u : uris) {
    out.push_back(engine::parse_target(u));
    for (size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i].redacted() == out.back().redacted())
        throw Error(ErrorClass::kBadInput, "target " + out.back().redacted() + " is given twice");
  }
  return out;
}

bool interactive() {
  const char* ci = std::getenv("CI");
  return isatty(STDERR_FILENO) && !(ci && *ci && std::string(ci) != "false");
}

void note(const std::string& line) { std::cerr << line << "\n"; }

void print_error(const Error& e) {
  // A workload file's problems come one per line; each gets the prefix.
  for (const auto& line : split(e.what(), '\n')) std::cerr << "oltap: error: " << line << "\n";
}

}  // namespace oltap::cli
