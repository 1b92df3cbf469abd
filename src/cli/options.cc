// What the subcommands share: targets, the redacted command line, stderr notes.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
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

namespace oltap::cli {

double shard_wait_option(const std::string& text) {
  if (text.empty()) return orchestrate::kDefaultShardWaitS;
  const double s = parse_duration_s(text);
  if (s <= 0) throw Error(ErrorClass::kBadInput, "--shard-wait must be above 0, e.g. 5m");
  return s;
}

void add_shard_options(CLI::App* cmd, std::string& shard, std::string& shard_wait, const std::string& what) {
  cmd->add_option("--shard", shard,
                  "One of several load hosts: shard i (0-based) of N, i/N, " + what +
                      " (default: $OLTAP_SHARD_INDEX or $JOB_COMPLETION_INDEX of $OLTAP_SHARDS)");
  cmd->add_option("--shard-wait", shard_wait,
                  "With --shard i/N: how long to wait for the other shards to check in through the target "
                  "(default 5m; exit 5 when they do not)");
}

std::optional<run::Options::Shard> shard_option(const std::string& text, bool given) {
  std::string from = "--shard";
  std::string value = text;
  if (!given) {
    // A Kubernetes Indexed Job gives each pod its index; the count is ours.
    const char* count = std::getenv(kShardsEnv);
    if (!count || !*count) {
      // Our own index without the count is a mistake (every host would run
      // the whole load); JOB_COMPLETION_INDEX alone is any Indexed Job's.
      if (const char* own = std::getenv(kShardIndexEnv); own && *own)
        throw Error(ErrorClass::kBadInput, std::string(kShardIndexEnv) + "=" + own + " is set but " +
                                               kShardsEnv +
                                               " is not: set it to the number of shards (or give "
                                               "--shard i/N)");
      return std::nullopt;
    }
    const char* index = std::getenv(kShardIndexEnv);
    const char* name = kShardIndexEnv;
    if (!index || !*index) {
      index = std::getenv(kJobIndexEnv);
      name = kJobIndexEnv;
    }
    if (!index || !*index)
      throw Error(ErrorClass::kBadInput, std::string(kShardsEnv) + "=" + count +
                                             " asks for shards, but neither " + kShardIndexEnv + " nor " +
                                             kJobIndexEnv + " says which this one is (or give --shard i/N)");
    from = std::string(name) + " and " + kShardsEnv;
    value = std::string(index) + "/" + count;
  }
  const size_t slash = value.find('/');
  int index = -1, count = 0;
  const bool ok = slash != std::string::npos &&
                  std::from_chars(value.data(), value.data() + slash, index).ptr == value.data() + slash &&
                  std::from_chars(value.data() + slash + 1, value.data() + value.size(), count).ptr ==
                      value.data() + value.size() &&
                  slash > 0 && slash + 1 < value.size();
  if (!ok || count < 1 || index < 0 || index >= count)
    throw Error(ErrorClass::kBadInput,
                from + " '" + value + "': expected i/N, shard i (0-based) of N, with 0 <= i < N (e.g. 0/3)");
  return run::Options::Shard{index, count};
}

}  // namespace oltap::cli

namespace oltap::cli {

int64_t parse_start_at(const std::string& text) {
  // Seconds since the epoch, or ISO 8601 UTC: 2026-12-03T16:30:00[.250]Z.
  int64_t secs = 0;
  if (auto r = std::from_chars(text.data(), text.data() + text.size(), secs);
      !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size())
    return secs * 1000;
  std::tm tm{};
  int ms = 0, used = 0;
  char frac[8] = {};
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &used) == 6) {
    std::string rest = text.substr(static_cast<size_t>(used));
    if (std::sscanf(rest.c_str(), ".%3[0-9]", frac) == 1) {
      ms = std::atoi(frac);
      for (size_t n = std::strlen(frac); n < 3; ++n) ms *= 10;
      rest = rest.substr(1 + std::strlen(frac));
    }
    if (rest == "Z") {
      tm.tm_year -= 1900;
      tm.tm_mon -= 1;
      return static_cast<int64_t>(timegm(&tm)) * 1000 + ms;
    }
  }
  throw Error(
      ErrorClass::kBadInput,
      "--start-at '" + text + "': expected a UTC time, 2026-12-03T16:30:00Z, or seconds since the epoch");
}

}  // namespace oltap::cli
