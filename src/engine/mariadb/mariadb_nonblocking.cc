// One statement in flight without blocking; see mariadb_nonblocking.h.
#include "mariadb_nonblocking.h"

#include <poll.h>

#include <cerrno>

namespace oltap::engine::mariadb {
namespace {

// Waits (blocking) for what a call that must write waits for, and says
// what happened as Connector/C's MYSQL_WAIT_* bits.
int wait_for(MYSQL* session, int wait) noexcept {
  pollfd p{};
  p.fd = mysql_get_socket(session);
  if (wait & MYSQL_WAIT_READ) p.events |= POLLIN;
  if (wait & MYSQL_WAIT_WRITE) p.events |= POLLOUT;
  if (wait & MYSQL_WAIT_EXCEPT) p.events |= POLLPRI;
  const int timeout_ms =
      (wait & MYSQL_WAIT_TIMEOUT) ? static_cast<int>(mysql_get_timeout_value_ms(session)) : -1;
  int r;
  do {
    r = ::poll(&p, 1, timeout_ms);
  } while (r < 0 && errno == EINTR);
  if (r == 0) return MYSQL_WAIT_TIMEOUT;
  int happened = 0;
  // An error or hang-up is handed on as readiness: Connector/C's read or
  // write then fails and says why (2013, lost connection).
  if (r < 0 || (p.revents & (POLLIN | POLLHUP | POLLERR))) happened |= MYSQL_WAIT_READ;
  if (r < 0 || (p.revents & (POLLOUT | POLLERR))) happened |= MYSQL_WAIT_WRITE;
  if (p.revents & POLLPRI) happened |= MYSQL_WAIT_EXCEPT;
  return happened & wait;
}

}  // namespace

void InFlight::start(Statement& p) noexcept {
  p_ = &p;
  phase_ = Phase::kExecute;
  int ret = 0;
  wait_ = mysql_stmt_execute_start(&ret, p.h);
  advance(ret);
}

void InFlight::readable() noexcept {
  if (wait_ == 0 || (phase_ != Phase::kExecute && phase_ != Phase::kStore)) return;
  int ret = 0;
  const int ready = MYSQL_WAIT_READ;
  wait_ = phase_ == Phase::kExecute ? mysql_stmt_execute_cont(&ret, p_->h, ready)
                                    : mysql_stmt_store_result_cont(&ret, p_->h, ready);
  advance(ret);
}

void InFlight::advance(int ret) noexcept {
  for (;;) {
    if (wait_ != 0) {
      // Only a wait to read goes back to the caller's poll.
      if ((wait_ & MYSQL_WAIT_WRITE) == 0) return;
      const int happened = wait_for(session_, wait_);
      wait_ = phase_ == Phase::kExecute ? mysql_stmt_execute_cont(&ret, p_->h, happened)
                                        : mysql_stmt_store_result_cont(&ret, p_->h, happened);
      continue;
    }
    if (ret != 0) return finish(Outcome::kStatementFailed);
    if (phase_ == Phase::kStore || p_->columns.empty()) {
      // Rows, if any, are stored: reading them needs the server no more.
      if (p_->columns.empty()) {
        count_changed_rows(*p_, counted_);
        return finish(Outcome::kOk);
      }
      return finish(fetch_rows(*p_, &counted_, 0));
    }
    phase_ = Phase::kStore;
    wait_ = mysql_stmt_store_result_start(&ret, p_->h);
  }
}

void InFlight::finish(Outcome o) noexcept {
  outcome_ = o;
  phase_ = Phase::kDone;
  wait_ = 0;
}

Outcome InFlight::take(Statement*& statement, ResultBuffer* out) noexcept {
  statement = p_;
  if (out && outcome_ == Outcome::kOk) {
    out->rows = counted_.rows;
    out->columns = counted_.columns;
    out->affected = counted_.affected;
  }
  phase_ = Phase::kIdle;
  p_ = nullptr;
  return outcome_;
}

}  // namespace oltap::engine::mariadb
