#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace attune::server {

/**
 * Watches the database an index directory's XAPIANDB pointer file names and bumps a version number
 * when it becomes another database or another revision: the indexer swapped in a new generation or
 * committed an update to the live one, or, on a read replica, xapian-replicate switched its stub to
 * a full copy or applied a changeset. Each worker thread then opens a new Database through the stub
 * before its next request (never reopen(), which stays on the directory it first resolved).
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
    /** The stub's text and the identity of the live directory and its version file: cheap to read. */
    std::string files_key() const;
    /** The live generation and the UUID and revision of its database, or "" when it cannot be opened. */
    std::string read_state() const;

    std::string m_db_dir;
    std::chrono::milliseconds m_interval;
    std::atomic<std::uint64_t> m_version{1};
    std::string m_last;
    std::string m_last_files;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    std::thread m_thread;
};

}  // namespace attune::server
