#include "bounded_connect.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace oltap::engine::odbc {
namespace {

// Beyond the time-out, how long a driver that honours the login time-out is
// given to return its own diagnostic before we stop waiting for it.
constexpr std::chrono::milliseconds kGrace{500};

// What the waiting and the connecting thread share.
struct Attempt {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  bool abandoned = false;
  SQLRETURN rc = SQL_ERROR;
  SQLHENV env;
  SQLHDBC dbc;
  std::string connection_string;
};

void run_attempt(const std::shared_ptr<Attempt>& a) {
  SQLRETURN rc = SQLDriverConnect(a->dbc, nullptr, reinterpret_cast<SQLCHAR*>(a->connection_string.data()),
                                  SQL_NTS, nullptr, 0, nullptr, SQL_DRIVER_NOPROMPT);
  std::unique_lock lock(a->m);
  a->done = true;
  a->rc = rc;
  if (a->abandoned) {
    // Nobody waits any more: the handles are ours to close.
    if (SQL_SUCCEEDED(rc)) SQLDisconnect(a->dbc);
    SQLFreeHandle(SQL_HANDLE_DBC, a->dbc);
    SQLFreeHandle(SQL_HANDLE_ENV, a->env);
    return;
  }
  a->cv.notify_one();
}

}  // namespace

ConnectOutcome connect_within(SQLHENV env, SQLHDBC dbc, const std::string& connection_string, int timeout_s) {
  SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT,
                    reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeout_s)), 0);
  auto a = std::make_shared<Attempt>();
  a->env = env;
  a->dbc = dbc;
  a->connection_string = connection_string;
  std::thread(run_attempt, a).detach();
  std::unique_lock lock(a->m);
  if (!a->cv.wait_for(lock, std::chrono::seconds(timeout_s) + kGrace, [&] { return a->done; })) {
    a->abandoned = true;
    return ConnectOutcome::kTimedOut;
  }
  return SQL_SUCCEEDED(a->rc) ? ConnectOutcome::kConnected : ConnectOutcome::kFailed;
}

}  // namespace oltap::engine::odbc
