// What the subcommands share: targets, the redacted command line, stderr notes.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include "cli.h"

namespace oltap::cli {
namespace {

std::vector<std::string> g_args;

// Where a target starts inside an argument (after "--target=", say), or
// npos when the argument does not hold one: an odbc: connection string or a
// scheme://... URI.
size_t target_start(const std::string& a) {
  // odbc: opens the argument or its value (--target=odbc:...), so that a
  // path holding "odbc:" is left alone.
  size_t odbc = to_lower(a).find("odbc:");
  if (odbc != std::string::npos && odbc > 0 && a[odbc - 1] != '=') odbc = std::string::npos;
  size_t uri = a.find("://");
  if (uri != std::string::npos)
    while (uri > 0 && (std::isalnum(static_cast<unsigned char>(a[uri - 1])) || a[uri - 1] == '+' ||
                       a[uri - 1] == '.' || a[uri - 1] == '-'))
      --uri;
  return std::min(odbc, uri);
}

}  // namespace

void set_command_line(int argc, char** argv) { g_args.assign(argv, argv + argc); }

// Every argument that is or holds a target is shown as engine::redact_target
// shows it, however it was given: `--target X`, `-t X`, `--target=X`, or
// anywhere else; the value after --target/-t even when it reads as no target.
std::string redacted_command_line() {
  std::string out;
  bool target_next = false;
  for (const auto& a : g_args) {
    std::string shown = a;
    // -tVALUE: the short option with its value stuck on, which CLI11 takes too.
    const bool stuck = a.size() > 2 && a[0] == '-' && a[1] == 't';
    size_t start = target_next ? 0 : stuck ? (a[2] == '=' ? 3 : 2) : target_start(a);
    if (start != std::string::npos) shown = a.substr(0, start) + engine::redact_named_target(a.substr(start));
    target_next = a == "--target" || a == "-t";
    if (!out.empty()) out += ' ';
    out += shown;
  }
  return out;
}

std::vector<engine::Target> parse_targets(const std::vector<std::string>& uris) {
  std::vector<engine::Target> out;
  for (const auto& u : uris) {
    try {
      out.push_back(engine::parse_named_target(u));
    } catch (const Error& e) {
      throw Error(e.error_class(), std::string("--target: ") + e.what());
    }
    // Rows are keyed by the name: two targets of one name would mix theirs.
    const engine::Target& t = out.back();
    for (size_t i = 0; i + 1 < out.size(); ++i)
      if (out[i].name() == t.name())
        throw Error(ErrorClass::kBadInput,
                    t.label.empty()
                        ? "target " + t.redacted() + " is given twice"
                        : "--target: the label '" + t.label + "' is given twice (a label names one target)");
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
