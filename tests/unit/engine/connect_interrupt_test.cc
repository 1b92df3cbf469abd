// engine::connect() gives up a connect in progress once the stop flag given
// to interrupt_connects_when() is raised, for every engine, and throws
// Error(kInterrupted). The server is no database: a socket of this test on
// 127.0.0.1, listening and never answering (the kernel completes the TCP
// handshake), so each driver waits for a greeting that never comes.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "engine/engine.h"

namespace oltap::engine {
namespace {

std::atomic<bool> g_flag{false};
bool flag_raised() noexcept { return g_flag.load(); }

class ConnectInterrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    ASSERT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(fd_, 16), 0);
    ASSERT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = std::to_string(ntohs(a.sin_port));
    g_flag = false;
    interrupt_connects_when(&flag_raised);
  }
  void TearDown() override {
    interrupt_connects_when(nullptr);
    ::close(fd_);
  }

  // Seconds connect() took to throw after the flag went up 0.3 s in; fails
  // the test unless it threw Error(kInterrupted).
  double interrupted_after(const std::string& uri) {
    Target t = parse_target(uri);
    std::thread raiser([] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      g_flag = true;
    });
    auto start = std::chrono::steady_clock::now();
    ErrorClass cls = ErrorClass::kFatal;
    try {
      connect(t);
      ADD_FAILURE() << uri << " connected";
    } catch (const Error& e) {
      cls = e.error_class();
      EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + port_), std::string::npos) << e.what();
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    raiser.join();
    EXPECT_EQ(cls, ErrorClass::kInterrupted) << uri;
    return s;
  }

  int fd_ = -1;
  std::string port_;
};

// Well before the 10 s time-out: the flag's 0.3 s and a poll step or so.
constexpr double kPromptS = 1.5;

TEST_F(ConnectInterrupt, PostgresConnectEndsWhenTheFlagIsRaised) {
  EXPECT_LT(interrupted_after("postgresql://u@127.0.0.1:" + port_ + "/db"), kPromptS);
}

TEST_F(ConnectInterrupt, OdbcConnectEndsWhenTheFlagIsRaised) {
  EXPECT_LT(interrupted_after("mysql://u@127.0.0.1:" + port_ + "/db"), kPromptS);
}

TEST_F(ConnectInterrupt, RedisConnectEndsWhenTheFlagIsRaised) {
  EXPECT_LT(interrupted_after("redis://127.0.0.1:" + port_ + "/0"), kPromptS);
}

TEST_F(ConnectInterrupt, NothingStartsOnceTheFlagIsUp) {
  g_flag = true;
  try {
    connect(parse_target("redis://127.0.0.1:" + port_ + "/0"));
    ADD_FAILURE() << "connected";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kInterrupted);
  }
}

}  // namespace
}  // namespace oltap::engine
