#include "response_cache.h"

namespace attune::server {
namespace {

/** Bytes an entry is charged: its key twice (list and index), its answer, and bookkeeping. */
std::size_t entry_bytes(const std::string& key, const ResponseCache::Entry& e) { return 2 * key.size() + e.body.size() + 256; }

}  // namespace

std::string ResponseCache::key(const std::string& endpoint, const httplib::Params& params) {
    std::string k = endpoint;
    for (const auto& [name, value] : params) {
        k += '\x1e';
        k += name;
        k += '\x1f';
        k += value;
    }
    return k;
}

void ResponseCache::reset_if_stale(std::uint64_t generation) {
    if (generation == m_generation) return;
    m_lru.clear();
    m_index.clear();
    m_bytes = 0;
    m_generation = generation;
}

std::shared_ptr<const ResponseCache::Entry> ResponseCache::get(const std::string& key, std::uint64_t generation) {
    if (!enabled()) return nullptr;
    std::lock_guard lock(m_mutex);
    reset_if_stale(generation);
    const auto it = m_index.find(key);
    if (it == m_index.end()) {
        ++m_misses;
        return nullptr;
    }
    m_lru.splice(m_lru.begin(), m_lru, it->second);
    ++m_hits;
    return it->second->second;
}

void ResponseCache::put(const std::string& key, std::uint64_t generation, Entry entry) {
    if (!enabled()) return;
    const std::size_t size = entry_bytes(key, entry);
    if (size > m_max_bytes / 8) return;  // one huge answer must not flush everything else
    auto value = std::make_shared<const Entry>(std::move(entry));
    std::lock_guard lock(m_mutex);
    if (generation < m_generation) return;  // computed against an index that has since been replaced
    reset_if_stale(generation);
    if (const auto it = m_index.find(key); it != m_index.end()) {
        m_bytes -= entry_bytes(it->first, *it->second->second);
        m_lru.erase(it->second);
        m_index.erase(it);
    }
    m_lru.emplace_front(key, std::move(value));
    m_index.emplace(key, m_lru.begin());
    m_bytes += size;
    while (m_bytes > m_max_bytes && !m_lru.empty()) {
        const auto& last = m_lru.back();
        m_bytes -= entry_bytes(last.first, *last.second);
        m_index.erase(last.first);
        m_lru.pop_back();
    }
}

}  // namespace attune::server
