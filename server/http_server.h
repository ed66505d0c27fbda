#pragma once
#include "index_watcher.h"
#include "metrics.h"
#include "response_cache.h"
#include "analytics/query_log.h"
#include "service/search_service.h"

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace attune::server {

/**
 * What `attune serve` writes to stderr (docs/api.md, "Logs"). quiet: errors only; info: also
 * start-up, index reopen and shutdown lines; debug: also one access line per request (method, route,
 * status, duration, bytes, cache), never query text, parameter values, ids or client addresses.
 */
enum class LogLevel { quiet, info, debug };

struct ServerOptions {
    std::string db;
    std::string host = "127.0.0.1";
    int port = 8080;  ///< 0: any free port (tests)
    std::size_t threads = 32;
    std::vector<std::string> cors_origins;
    std::string web_root;  ///< folder of the search page; empty: no page
    std::string query_log;  ///< opt-in search analytics file; empty: nothing about queries is kept
    int query_log_days = 30;
    std::size_t cache_bytes = 64u << 20;  ///< answers of repeated searches and suggestions; 0: off
    LogLevel log_level = LogLevel::info;
    std::function<void(const std::string&)> log_sink;  ///< receives each log line (no newline); empty: stderr
};

/**
 * attune's HTTP JSON API on cpp-httplib. Each worker thread owns its SearchService (Xapian objects
 * are not thread-safe) and reopens it when the index watcher sees a new generation. Query text and
 * client addresses are never logged.
 */
class HttpServer {
public:
    explicit HttpServer(ServerOptions options);

    /** Binds the socket; returns the port (useful with port 0). IndexError when the index is unusable. */
    int bind();
    /** Serves until stop(); in-flight requests finish first. */
    void listen();
    void stop();
    /** Writes one line to the log when `level` is enabled (errors are LogLevel::quiet). */
    void log(LogLevel level, const std::string& line) const;

private:
    using Body = std::function<void(service::SearchService&, const httplib::Request&, httplib::Response&)>;
    void route(const std::string& endpoint, const httplib::Request& req, httplib::Response& res, const Body& body);
    service::SearchService& local_service(bool force_reopen);
    void setup_routes();
    void add_common_headers(const httplib::Request& req, httplib::Response& res) const;
    void log_access(const httplib::Request& req, const httplib::Response& res) const;
    /** True for the first worker thread to open this index version: its reopen is logged once. */
    bool first_to_log(std::uint64_t version);

    ServerOptions m_options;
    httplib::Server m_server;
    Metrics m_metrics;
    IndexWatcher m_watcher;
    std::unique_ptr<analytics::QueryLog> m_query_log;
    ResponseCache m_cache;
    std::string m_opened_index;  ///< the info line about the index bind() opened
    std::atomic<std::uint64_t> m_logged_version{0};  ///< the last index version a reopen (or its failure) was logged for
};

/** {"error": {"code", "message", "param"}} */
std::string error_body(const std::string& code, const std::string& message, const std::string& param);

/**
 * Keeps request data out of crash output: an uncaught exception prints only its type before the
 * abort (the default handler prints its what(), which may quote request data, such as a JSON
 * parser's "last read" bytes), and core dumps, which hold the queries in memory, are turned off
 * (RLIMIT_CORE 0; systemd-coredump honours it too).
 */
void limit_crash_output();

}  // namespace attune::server
