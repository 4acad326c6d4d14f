#include "controller/system/memory_tuning.h"

#include <utility>  // before pplx/Boost.Asio: Boost 1.74 uses std::exchange without it

#include <malloc.h>
#include <pplx/threadpool.h>

#include <cstddef>

namespace rtm {

void LimitAllocatorRetention() {
#ifdef __GLIBC__
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
#endif
}

void ReleaseFreeMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

void SizeHttpThreadPool() {
  constexpr size_t kHttpThreads = 8;
  crossplat::threadpool::initialize_with_threads(kHttpThreads);
}

}  // namespace rtm
