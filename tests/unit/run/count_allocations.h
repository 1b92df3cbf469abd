// Counts heap allocations, for tests that check a path allocates nothing:
// replaces the global operator new/delete of the test binary that includes
// it (include it in one file per binary). Counting is off unless a test
// turns it on; it counts every thread's allocations.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace oltap::run::testing {
inline std::atomic<bool> counting_allocations{false};
inline std::atomic<int64_t> allocations{0};
}  // namespace oltap::run::testing

// GCC pairs the malloc in operator new with the free in operator delete
// across these replacements and warns of a mismatch that is none.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t n) {
  if (oltap::run::testing::counting_allocations.load(std::memory_order_relaxed))
    oltap::run::testing::allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop
