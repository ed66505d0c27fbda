#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace attune::server {

/**
 * Watches an index directory's XAPIANDB pointer file and the live generation's revision, and bumps
 * a version number when the indexer swaps in a new generation or commits an update to the live
 * one, so each worker thread reopens its own Database before its next request.
 */
class IndexWatcher {
public:
    IndexWatcher(std::string db_dir, std::chrono::milliseconds interval);
    ~IndexWatcher();
    IndexWatcher(const IndexWatcher&) = delete;
    IndexWatcher& operator=(const IndexWatcher&) = delete;

    std::uint64_t version() const { return m_version.load(std::memory_order_acquire); }

private:
    void run();
    std::string read_state() const;

    std::string m_db_dir;
    std::chrono::milliseconds m_interval;
    std::atomic<std::uint64_t> m_version{1};
    std::string m_last;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace attune::server
