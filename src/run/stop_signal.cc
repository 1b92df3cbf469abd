// SIGINT/SIGTERM ask for a clean stop: workers finish their transaction, the
// results are written and marked incomplete. A second signal is not polite.
#include <atomic>
#include <csignal>

#include "run.h"

namespace oltap::run {
namespace {

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the signal handler needs a lock-free flag");

extern "C" void on_signal(int sig) {
  if (g_stop.exchange(true)) {
    std::signal(sig, SIG_DFL);
    std::raise(sig);
  }
}

}  // namespace

void install_stop_handlers() {
  struct sigaction sa = {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  engine::interrupt_connects_when(&stop_requested);
}

bool stop_requested() noexcept { return g_stop.load(std::memory_order_relaxed); }
void request_stop() noexcept { g_stop.store(true); }
void reset_stop() noexcept { g_stop.store(false); }

}  // namespace oltap::run
