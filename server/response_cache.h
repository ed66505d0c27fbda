#pragma once
#include "analytics/query_log.h"

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace attune::server {

/**
 * Answers of recent identical requests: a search box sees the same popular queries again and
 * again, and computing snippets and reasons for 20 results costs milliseconds. Least recently
 * used entries go first once the bytes held pass the budget; everything goes when the index
 * generation changes, so no answer outlives its index. Kept in memory only. Thread-safe.
 */
class ResponseCache {
public:
    struct Entry {
        std::string body;
        std::optional<analytics::QueryLogEntry> log;  ///< what the query log records on a hit (hour aside)
    };

    /** `max_bytes` 0 disables the cache. */
    explicit ResponseCache(std::size_t max_bytes) : m_max_bytes(max_bytes) {}

    /** The key of a request: endpoint and every parameter, in order. */
    static std::string key(const std::string& endpoint, const httplib::Params& params);

    std::shared_ptr<const Entry> get(const std::string& key, std::uint64_t generation);
    void put(const std::string& key, std::uint64_t generation, Entry entry);

    bool enabled() const { return m_max_bytes > 0; }
    std::uint64_t hits() const { return m_hits.load(); }
    std::uint64_t misses() const { return m_misses.load(); }

private:
    using Lru = std::list<std::pair<std::string, std::shared_ptr<const Entry>>>;
    void reset_if_stale(std::uint64_t generation);

    const std::size_t m_max_bytes;
    std::mutex m_mutex;
    std::uint64_t m_generation = 0;
    std::size_t m_bytes = 0;
    Lru m_lru;  ///< most recent first
    std::unordered_map<std::string, Lru::iterator> m_index;
    std::atomic<std::uint64_t> m_hits{0}, m_misses{0};
};

}  // namespace attune::server
