// `oltap run`'s argument checks: each refusal names the option and the value
// given, so a typo costs one line on stderr and exit 2, never a run.
#include "run_args.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "cli.h"
#include "results/results.h"

namespace oltap::cli {

void check_run_args(const RunArgs& a) {
  auto given = [&](const char* name) { return a.cmd && a.cmd->count(name) > 0; };
  // 0 means "the workload's" only when the option is not given at all.
  if (given("--clients") && a.clients < 1)
    throw Error(ErrorClass::kBadInput, "--clients must be at least 1, not " + std::to_string(a.clients) +
                                           " (leave it out for the workload's own clients)");
  if (given("--scale") && !(a.scale > 0))
    throw Error(ErrorClass::kBadInput, fmt::format("--scale must be above 0, not {:g}", a.scale));
  if (given("--transactions") && a.transactions < 1)
    throw Error(ErrorClass::kBadInput, "--transactions must be at least 1 per client, not " +
                                           std::to_string(a.transactions) + " (or give --duration instead)");
  if (given("--duration") && given("--transactions"))
    throw Error(ErrorClass::kBadInput,
                "--duration and --transactions both given: a run lasts a time or a count of transactions "
                "per client, not both");
  double rate = 0;
  try {
    rate = parse_percent(a.max_error_rate);
  } catch (const Error& e) {
    throw Error(ErrorClass::kBadInput, std::string("--max-error-rate: ") + e.what());
  }
  if (rate > 1)
    throw Error(ErrorClass::kBadInput, "--max-error-rate " + a.max_error_rate +
                                           ": at most 100% of the transactions (or queries) can fail");
  if (given("--max-error-rate"))
    note("--max-error-rate " + a.max_error_rate + ": exit 4 when more than " + format_percent(rate) +
         " of the transactions (or queries) fail");
  if (!a.out.empty()) results::check_out_dir(a.out, a.force);
}

namespace {}  // namespace

double parse_rate(const std::string& text, const std::string& option) {
  double v = 0;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(v) ||
      v < kMinRate)
    throw Error(ErrorClass::kBadInput,
                fmt::format("{}: '{}' is not a rate (transactions per second, {:g} or more)", option, text,
                            kMinRate));
  return v;
}

namespace {

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  size_t from = 0;
  while (true) {
    const size_t at = text.find(sep, from);
    out.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

}  // namespace

std::vector<double> parse_rates(const std::string& rate, const std::string& sweep) {
  if (!rate.empty() && !sweep.empty())
    throw Error(ErrorClass::kBadInput, "--rate and --sweep both give the rates: use one");
  std::vector<double> out;
  if (!rate.empty())
    for (const auto& r : split(rate, ',')) {
      const double v = parse_rate(r, "--rate");
      // Each rate is a point of the curve, found by its rate.
      if (std::find(out.begin(), out.end(), v) != out.end())
        throw Error(ErrorClass::kBadInput, "--rate: " + r + " is given twice");
      out.push_back(v);
    }
  if (!sweep.empty()) {
    const auto parts = split(sweep, ':');
    if (parts.size() != 3)
      throw Error(ErrorClass::kBadInput, "--sweep '" + sweep + "': expected FROM:TO:STEPS, e.g. 1000:8000:8");
    const double from = parse_rate(parts[0], "--sweep FROM"), to = parse_rate(parts[1], "--sweep TO");
    size_t used = 0;
    int steps = 0;
    try {
      steps = std::stoi(parts[2], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != parts[2].size() || steps < 2 || to <= from)
      throw Error(ErrorClass::kBadInput,
                  "--sweep '" + sweep + "': STEPS must be an integer of at least 2 and TO above FROM");
    for (int i = 0; i < steps; ++i) out.push_back(from + (to - from) * i / (steps - 1));
  }
  return out;
}

run::Reconnect parse_reconnect(const std::string& text) {
  const auto parts = split(text, ',');
  auto bad = [&](const std::string& why) {
    return Error(ErrorClass::kBadInput, "--reconnect '" + text + "': " + why +
                                            " (expected ATTEMPTS[,INITIAL[,CAP]], e.g. 10,100ms,2s)");
  };
  if (parts.size() > 3) throw bad("too many parts");
  run::Reconnect r;
  if (parts[0] != "unlimited") {
    size_t used = 0;
    try {
      r.attempts = std::stoi(parts[0], &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (parts[0].empty() || used != parts[0].size() || r.attempts < 0)
      throw bad("ATTEMPTS must be an integer of 0 or more (0 or 'unlimited': until the run ends)");
  }
  try {
    if (parts.size() > 1) r.initial_s = parse_duration_s(parts[1]);
    if (parts.size() > 2) r.cap_s = parse_duration_s(parts[2]);
  } catch (const Error& e) {
    throw bad(e.what());
  }
  if (r.initial_s <= 0) throw bad("INITIAL must be above 0");
  if (parts.size() < 3) r.cap_s = std::max(r.cap_s, r.initial_s);
  if (r.cap_s < r.initial_s) throw bad("CAP must be at least INITIAL");
  return r;
}

}  // namespace oltap::cli
