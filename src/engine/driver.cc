// Picks the driver for a target, and the defaults of the optional parts of
// the Connection interface. Registering an engine is one line in
// connect_now(). Threading: connect() may be called from any thread; when
// it watches a stop flag, each connect runs on a detached thread of its own
// that closes what it opened if the caller stopped waiting.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "engine.h"
#include "mariadb/mariadb_driver.h"
#include "odbc/odbc_driver.h"
#include "postgres/postgres_driver.h"
#include "redis/redis_driver.h"

namespace oltap::engine {

namespace {

std::atomic<bool (*)() noexcept> g_stop{nullptr};

std::unique_ptr<Connection> connect_now(const Target& target) {
  if (target.engine == "postgres") return postgres::connect(target);
  if (target.engine == "odbc") return odbc::connect(target);
  if (target.engine == "mariadb") return mariadb::connect(target);
  if (target.engine == "redis") return redis::connect(target);
  throw Error(ErrorClass::kBadInput, "no driver for target " + target.redacted());
}

// A connect on a thread of its own, so that the caller can stop waiting for
// it: no client library here can be told to give up a blocking connect from
// outside (libpqxx, hiredis' blocking context, SQLDriverConnect).
struct Attempt {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;
  std::unique_ptr<Connection> conn;
  std::exception_ptr error;
};

void attempt(std::shared_ptr<Attempt> a, Target target) {
  std::unique_ptr<Connection> conn;
  std::exception_ptr error;
  try {
    conn = connect_now(target);
  } catch (...) {
    error = std::current_exception();
  }
  std::lock_guard lock(a->m);
  a->done = true;
  if (a->abandoned) return;  // conn, if any, closes here: nobody wants it any more
  a->conn = std::move(conn);
  a->error = error;
  a->cv.notify_one();
}

}  // namespace

void interrupt_connects_when(bool (*stop)() noexcept) noexcept { g_stop.store(stop); }

std::unique_ptr<Connection> connect(const Target& target) {
  bool (*stop)() noexcept = g_stop.load();
  if (!stop) return connect_now(target);
  if (stop()) throw Error(ErrorClass::kInterrupted, "interrupted before connecting to " + target.redacted());
  auto a = std::make_shared<Attempt>();
  std::thread(attempt, a, target).detach();
  std::unique_lock lock(a->m);
  while (!a->cv.wait_for(lock, std::chrono::milliseconds(kConnectPollMs), [&] { return a->done; })) {
    if (stop()) {
      a->abandoned = true;
      throw Error(ErrorClass::kInterrupted, "interrupted while connecting to " + target.redacted());
    }
  }
  if (a->error) std::rethrow_exception(a->error);
  return std::move(a->conn);
}

int Connection::prepare_command(const std::vector<std::string>& args, std::vector<std::string>& param_names) {
  (void)param_names;
  throw Error(ErrorClass::kBadInput, "a " + dialect() + " target runs SQL, not the command " +
                                         (args.empty() ? std::string("(empty)") : args[0]) +
                                         ": give this step an `sql:` text");
}

void Connection::set_statement_timeout(double) {
  throw Error(ErrorClass::kBadInput,
              dialect() +
                  " targets have no statement time-out (it is for SQL engines: PostgreSQL, MySQL/MariaDB, "
                  "ODBC)");
}

Status Connection::execute_text(const std::string&, ResultBuffer*, int) noexcept { return Status::kFatal; }
Status Connection::send(int, const Value* const*) noexcept { return Status::kFatal; }
Status Connection::receive(ResultBuffer*, int) noexcept { return Status::kFatal; }
Status Connection::try_receive(ResultBuffer*, int, bool& got) noexcept {
  got = false;
  return Status::kFatal;
}

}  // namespace oltap::engine
