#pragma once
#include "results/result.h"
#include "taxonomy/taxonomy.h"

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <optional>
#include <string>
#include <vector>

namespace attune::analytics {

/**
 * One search as the analytics keep it: the hour, never the second; the redacted query, never for
 * a crisis search; what it was about and whether it found anything. No address, agent or cookie.
 */
struct QueryLogEntry {
    std::string hour;                  ///< UTC, "YYYY-MM-DDTHH"
    std::optional<std::string> query;  ///< redact_query() of the text; absent when `crisis`
    std::vector<std::string> concepts; ///< detected concept ids, strongest first
    std::vector<std::string> unanswered;  ///< concepts no returned result is tagged with
    std::size_t articles = 0;          ///< matching articles (estimate)
    std::size_t clinicians = 0;        ///< matching clinicians (estimate)
    bool crisis = false;

    bool zero_results() const { return articles == 0 && clinicians == 0; }
    std::string to_line() const;
    /** Parses one log line; InputError naming the field on a bad one. */
    static QueryLogEntry from_line(const std::string& line);
};

/** "YYYY-MM-DDTHH" in UTC. */
std::string hour_of(std::chrono::system_clock::time_point t);

/** The entry for a search's first page, from its response; the text is redacted here. */
QueryLogEntry make_entry(const results::SearchResponse& response, const taxonomy::Taxonomy& taxonomy,
                         std::chrono::system_clock::time_point when);

/** The entries of a log file, oldest first; unreadable lines are skipped and named in `skipped`. */
std::vector<QueryLogEntry> read_query_log(const std::string& path, std::vector<std::string>* skipped);

/**
 * The opt-in search log: one JSON line per search, appended, file mode 0600. Entries older than
 * `retention_days` are pruned when the log opens, on the first write of each day, and by an hourly
 * check so an idle server prunes too. Thread-safe.
 */
class QueryLog {
public:
    QueryLog(std::string path, int retention_days);
    ~QueryLog();
    QueryLog(const QueryLog&) = delete;
    QueryLog& operator=(const QueryLog&) = delete;

    void record(const QueryLogEntry& entry, std::chrono::system_clock::time_point now);
    /** Drops entries older than the retention; returns how many were dropped. */
    std::size_t prune(std::chrono::system_clock::time_point now);
    const std::string& path() const { return m_path; }

private:
    void open_for_append();
    std::size_t prune_locked(std::chrono::system_clock::time_point now);

    std::string m_path;
    int m_retention_days;
    std::string m_pruned_day;
    std::FILE* m_file = nullptr;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::thread m_pruner;
};

}  // namespace attune::analytics
