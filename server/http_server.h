#pragma once
#include "index_watcher.h"
#include "metrics.h"
#include "response_cache.h"
#include "analytics/query_log.h"
#include "service/search_service.h"

#include <httplib.h>

#include <memory>
#include <string>
#include <vector>

namespace attune::server {

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

private:
    using Body = std::function<void(service::SearchService&, const httplib::Request&, httplib::Response&)>;
    void route(const std::string& endpoint, const httplib::Request& req, httplib::Response& res, const Body& body);
    service::SearchService& local_service(bool force_reopen);
    void setup_routes();
    void add_common_headers(const httplib::Request& req, httplib::Response& res) const;

    ServerOptions m_options;
    httplib::Server m_server;
    Metrics m_metrics;
    IndexWatcher m_watcher;
    std::unique_ptr<analytics::QueryLog> m_query_log;
    ResponseCache m_cache;
};

/** {"error": {"code", "message", "param"}} */
std::string error_body(const std::string& code, const std::string& message, const std::string& param);

}  // namespace attune::server
