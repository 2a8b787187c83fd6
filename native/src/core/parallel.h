// A minimal parallel-for over [0, n) with dynamic chunks on short-lived std::threads: the calls are
// coarse (one image pass), so starting threads per pass costs little next to the work.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace gen3d {
namespace detail {

// Worker threads of the CPU path: setCpuThreads(), else the hardware concurrency (core.cpp).
int cpuThreadCount();

template <class Fn>
void parallelFor(int64_t n, int threads, int64_t chunk, Fn&& fn) {
    if (n <= 0) return;
    const int64_t chunks = (n + chunk - 1) / chunk;
    const int workers = (int)std::max<int64_t>(1, std::min<int64_t>(threads, chunks));
    std::atomic<int64_t> next{0};
    std::exception_ptr error;
    std::mutex errorMutex;
    auto work = [&] {
        try {
            for (int64_t c; (c = next.fetch_add(1)) < chunks;) {
                const int64_t end = std::min(n, (c + 1) * chunk);
                for (int64_t i = c * chunk; i < end; ++i) fn(i);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(errorMutex);
            if (!error) error = std::current_exception();
        }
    };
    if (workers == 1) {
        work();
    } else {
        std::vector<std::thread> pool;
        pool.reserve(workers - 1);
        for (int i = 1; i < workers; ++i) pool.emplace_back(work);
        work();
        for (auto& th : pool) th.join();
    }
    if (error) std::rethrow_exception(error);
}

}  // namespace detail
}  // namespace gen3d
