#include "http_server.h"

#include "errors.h"
#include "params.h"
#include "analytics/audit_render.h"

#include <nlohmann/json.hpp>

#include <cxxabi.h>
#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <mutex>
#include <typeinfo>

namespace attune::server {
namespace {

constexpr const char* kJson = "application/json; charset=utf-8";

std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// What the access line needs beyond cpp-httplib's Request and Response. Both the pre-routing
// handler (first) and the logger (last) run on the worker thread that answers the request.
struct RequestTrace {
    bool active = false;  ///< false when cpp-httplib refused the request before routing (414, a bad request line)
    std::chrono::steady_clock::time_point started;
    const char* cache = "-";
};
thread_local RequestTrace t_trace;

std::string demangle(const char* name) {
    int status = 0;
    char* plain = abi::__cxa_demangle(name, nullptr, nullptr, &status);
    std::string out = status == 0 && plain ? plain : name;
    std::free(plain);
    return out;
}

/** The type of an exception, never its message: messages may quote what a client sent. */
std::string exception_type(const std::exception_ptr& ep) {
    try {
        if (ep) std::rethrow_exception(ep);
    } catch (const Xapian::Error& e) {
        return std::string("Xapian::") + e.get_type();
    } catch (const std::exception& e) {
        return demangle(typeid(e).name());
    } catch (...) {
        return "a non-standard exception";
    }
    return "no exception";
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t secs = std::chrono::system_clock::to_time_t(now);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    ::gmtime_r(&secs, &tm);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                  tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

/**
 * The route a request went to, with ids replaced by {id}: paths carry ids and whatever a client
 * typed after the slash, and neither belongs in a log. A static file that was served exists in
 * the web root, so its path is ours and is kept.
 */
std::string route_of(const httplib::Request& req, int status) {
    static const std::array<std::string, 7> fixed = {"/api/search", "/api/suggest", "/api/match", "/api/taxonomy",
                                                     "/api/audit", "/healthz", "/metrics"};
    const std::string& path = req.path;
    if (std::find(fixed.begin(), fixed.end(), path) != fixed.end()) return path;
    for (const std::string kind : {"/api/articles/", "/api/clinicians/"}) {
        if (path.rfind(kind, 0) != 0) continue;
        const auto slash = path.find('/', kind.size());
        if (slash == std::string::npos) return kind + "{id}";
        const std::string tail = path.substr(slash);
        if (tail == "/clinicians" || tail == "/related" || tail == "/articles") return kind + "{id}" + tail;
        break;
    }
    if (path.rfind("/api/", 0) == 0) return "/api/(other)";
    if (status >= 200 && status < 400 && !path.empty()) return path;
    return "(other)";
}

const char* method_of(const httplib::Request& req) {
    static const std::array<const char*, 10> known = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", "PRI"};
    for (const char* m : known)
        if (req.method == m) return m;
    return "-";
}

}  // namespace

void limit_crash_output() {
    std::set_terminate([] {
        std::fprintf(stderr, "attune: fatal: uncaught %s\n", exception_type(std::current_exception()).c_str());
        std::abort();
    });
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
}

std::string error_body(const std::string& code, const std::string& message, const std::string& param) {
    nlohmann::json err = {{"code", code}, {"message", message}, {"param", param.empty() ? nlohmann::json(nullptr) : nlohmann::json(param)}};
    return dump({{"error", err}});
}

HttpServer::HttpServer(ServerOptions options)
    : m_options(std::move(options)),
      m_watcher(m_options.db, std::chrono::milliseconds(200)),
      m_cache(m_options.cache_bytes),
      m_logged_version(m_watcher.version()) {
    const std::size_t threads = std::max<std::size_t>(1, m_options.threads);
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server.set_read_timeout(5, 0);
    m_server.set_write_timeout(5, 0);
    m_server.set_idle_interval(0, 100000);
    m_server.set_keep_alive_max_count(100);
    m_server.set_keep_alive_timeout(5);
    m_server.set_payload_max_length(64 * 1024);
    // cpp-httplib sends the headers and the body of an answer in two writes: with Nagle's
    // algorithm the body waited for the client's delayed ACK, 40 ms on every request of a
    // keep-alive connection after the first (scripts/soak.sh, docs/reliability.md).
    m_server.set_tcp_nodelay(true);
    if (!m_options.query_log.empty())
        m_query_log = std::make_unique<analytics::QueryLog>(m_options.query_log, m_options.query_log_days);
    setup_routes();
}

service::SearchService& HttpServer::local_service(bool force_reopen) {
    struct Local {
        const HttpServer* owner = nullptr;
        std::uint64_t version = 0;
        std::unique_ptr<service::SearchService> service;
    };
    thread_local Local local;
    const std::uint64_t current = m_watcher.version();
    if (force_reopen || local.owner != this || !local.service || local.version != current) {
        try {
            local.service = std::make_unique<service::SearchService>(m_options.db);
            local.owner = this;
            local.version = current;
            if (first_to_log(current))
                log(LogLevel::info, "attune: index reopened: " + local.service->generation() + ", " +
                                        std::to_string(local.service->database().get_doccount()) + " documents");
        } catch (const IndexError& e) {
            // A generation that cannot be opened: keep answering from the one this thread has.
            if (local.owner != this || !local.service) throw;
            if (first_to_log(current))
                log(LogLevel::quiet, std::string("attune: error: cannot open the new index (") + e.what() + "); still answering from " +
                                         local.service->generation());
        }
    }
    return *local.service;
}

void HttpServer::log(LogLevel level, const std::string& line) const {
    if (level > m_options.log_level) return;
    if (m_options.log_sink) {
        m_options.log_sink(line);
        return;
    }
    static std::mutex stderr_mutex;
    const std::string out = line + "\n";
    std::lock_guard<std::mutex> lock(stderr_mutex);
    std::fwrite(out.data(), 1, out.size(), stderr);
}

bool HttpServer::first_to_log(std::uint64_t version) {
    std::uint64_t seen = m_logged_version.load();
    while (seen < version && !m_logged_version.compare_exchange_weak(seen, version)) {}
    return seen < version;
}

void HttpServer::log_access(const httplib::Request& req, const httplib::Response& res) const {
    const RequestTrace trace = t_trace;
    t_trace = RequestTrace();
    if (m_options.log_level < LogLevel::debug) return;
    std::string ms = "-";
    if (trace.active) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f",
                      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - trace.started).count());
        ms = buf;
    }
    log(LogLevel::debug, "attune: access " + utc_now() + " " + method_of(req) + " " + route_of(req, res.status) + " " +
                             std::to_string(res.status) + " " + ms + "ms " + std::to_string(res.body.size()) + "B cache=" + trace.cache);
}

void HttpServer::add_common_headers(const httplib::Request& req, httplib::Response& res) const {
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                   "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    res.set_header("Cache-Control", req.path.rfind("/api/", 0) == 0 ? "no-store" : "public, max-age=300");
    const std::string origin = req.get_header_value("Origin");
    const auto& allowed = m_options.cors_origins;
    if (!origin.empty() && std::find(allowed.begin(), allowed.end(), origin) != allowed.end()) {
        res.set_header("Access-Control-Allow-Origin", origin);
        res.set_header("Vary", "Origin");
        res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        res.set_header("Access-Control-Allow-Headers", "Content-Type");
        res.set_header("Access-Control-Max-Age", "600");
    }
}

void HttpServer::route(const std::string& endpoint, const httplib::Request& req, httplib::Response& res, const Body& body) {
    const auto started = std::chrono::steady_clock::now();
    try {
        try {
            body(local_service(false), req, res);
        } catch (const Xapian::Error&) {
            // The generation this thread had open went away under it (several swaps within one
            // poll interval): open the live one and answer again.
            res = httplib::Response();
            body(local_service(true), req, res);
        }
    } catch (const ParamError& e) {
        res.status = 400;
        res.set_content(error_body("bad_parameter", e.what(), e.param()), kJson);
    } catch (const UsageError& e) {
        const std::string what = e.what();
        const auto colon = what.find(':');
        const std::string param = colon == std::string::npos ? "" : what.substr(0, colon);
        res.status = 400;
        res.set_content(error_body("bad_request", what, param == "query" ? "q" : param), kJson);
    } catch (const IndexError& e) {
        log(LogLevel::quiet, std::string("attune: error: the index is not available: ") + e.what());
        res.status = 503;
        res.set_content(error_body("index_unavailable", "the search index is not available right now", ""), kJson);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m_metrics.record(endpoint, res.status == -1 ? 200 : res.status, seconds);
}

void HttpServer::setup_routes() {
    using httplib::Request;
    using httplib::Response;
    m_server.Get("/api/search", [this](const Request& req, Response& res) {
        route("search", req, res, [this](service::SearchService& svc, const Request& rq, Response& rs) {
            const std::uint64_t generation = m_watcher.version();
            const std::string key = ResponseCache::key("search", rq.params);
            t_trace.cache = "miss";
            if (const auto hit = m_cache.get(key, generation)) {
                if (m_query_log && hit->log) m_query_log->record(*hit->log, std::chrono::system_clock::now());
                rs.set_content(hit->body, kJson);
                t_trace.cache = "hit";
                return;
            }
            const auto request = parse_search_params(rq.params);
            const auto response = svc.search(request);
            // Only first pages of typed searches count as demand; paging and as-you-type would double it.
            std::optional<analytics::QueryLogEntry> entry;
            if (m_query_log && request.offset == 0 && !request.prefix && !request.query.empty()) {
                const auto now = std::chrono::system_clock::now();
                entry = analytics::make_entry(response, svc.taxonomy(), now);
                m_query_log->record(*entry, now);
            }
            std::string body = dump(results::to_json(response));
            rs.set_content(body, kJson);
            m_cache.put(key, generation, {std::move(body), std::move(entry)});
        });
    });
    m_server.Post("/api/match", [this](const Request& req, Response& res) {
        route("match", req, res, [](service::SearchService& svc, const Request& rq, Response& rs) {
            rs.set_content(dump(service::to_json(svc.match(parse_match_body(rq.body)))), kJson);
        });
    });
    m_server.Get("/api/suggest", [this](const Request& req, Response& res) {
        route("suggest", req, res, [this](service::SearchService& svc, const Request& rq, Response& rs) {
            const std::uint64_t generation = m_watcher.version();
            const std::string key = ResponseCache::key("suggest", rq.params);
            t_trace.cache = "miss";
            if (const auto hit = m_cache.get(key, generation)) {
                rs.set_content(hit->body, kJson);
                t_trace.cache = "hit";
                return;
            }
            const std::string q = parse_suggest_query(rq.params);
            const std::size_t limit = integer_param(rq.params, "limit", 8, 1, 20);
            nlohmann::json list = nlohmann::json::array();
            for (const auto& s : svc.suggest(q, limit)) list.push_back({{"type", s.type}, {"id", s.id}, {"label", s.label}});
            std::string body = dump({{"query", q}, {"suggestions", list}});
            rs.set_content(body, kJson);
            m_cache.put(key, generation, {std::move(body), std::nullopt});
        });
    });
    for (const char* type : {"article", "clinician"}) {
        const std::string endpoint = std::string(type) + "s";
        m_server.Get("/api/" + endpoint + R"(/([^/]+))", [this, type, endpoint](const Request& req, Response& res) {
            route(endpoint, req, res, [type](service::SearchService& svc, const Request& rq, Response& rs) {
                const auto doc = svc.find_document(rq.matches[1]);
                if (!doc || (*doc)["type"] != type) {
                    rs.status = 404;
                    rs.set_content(error_body("not_found", std::string("no ") + type + " with this id", "id"), kJson);
                    return;
                }
                rs.set_content(dump(*doc), kJson);
            });
        });
    }
    struct RelatedRoute {
        const char* path;
        const char* type;
        const char* list;
    };
    static const RelatedRoute related_routes[] = {{R"(/api/articles/([^/]+)/clinicians)", "article", "clinicians"},
                                                  {R"(/api/articles/([^/]+)/related)", "article", "related"},
                                                  {R"(/api/clinicians/([^/]+)/articles)", "clinician", "articles"}};
    for (const RelatedRoute& rr : related_routes) {
        m_server.Get(rr.path, [this, rr](const Request& req, Response& res) {
            route(std::string(rr.type) + "s/" + rr.list, req, res, [rr](service::SearchService& svc, const Request& rq, Response& rs) {
                const std::size_t limit = integer_param(rq.params, "limit", 5, 1, 100);
                const service::Related r = svc.related(rq.matches[1], limit);
                if (r.type != rr.type) {
                    rs.status = 404;
                    rs.set_content(error_body("not_found", std::string("no ") + rr.type + " with this id", "id"), kJson);
                    return;
                }
                const nlohmann::json all = service::to_json(r);
                rs.set_content(dump({{"id", r.id}, {rr.list, all[rr.list == std::string("related") ? "related" : rr.list]}}), kJson);
            });
        });
    }
    m_server.Get("/api/taxonomy", [this](const Request& req, Response& res) {
        route("taxonomy", req, res, [](service::SearchService& svc, const Request&, Response& rs) {
            rs.set_content(dump(service::to_json(svc.concept_counts())), kJson);
        });
    });
    m_server.Get("/api/audit", [this](const Request& req, Response& res) {
        route("audit", req, res, [this](service::SearchService& svc, const Request& rq, Response& rs) {
            analytics::AuditOptions options;
            options.stale_months = static_cast<int>(integer_param(rq.params, "stale_months", 18, 1, 600));
            std::vector<analytics::QueryLogEntry> log;
            std::vector<std::string> skipped;
            if (m_query_log) log = analytics::read_query_log(m_query_log->path(), &skipped);
            auto report = analytics::run_audit(svc, m_query_log ? &log : nullptr, options);
            // Each skipped line reads "PATH:LINE: parser message": the path is internal and the
            // parser may quote the line. The answer keeps the line number only.
            for (const std::string& line : skipped) {
                const std::string rest = line.substr(std::min(line.size(), m_query_log->path().size() + 1));
                report.queries.skipped_lines.push_back("line " + rest.substr(0, rest.find(':')) + ": unreadable");
            }
            rs.set_content(dump(analytics::to_json(report)), kJson);
        });
    });
    m_server.Get("/healthz", [this](const Request& req, Response& res) {
        route("healthz", req, res, [](service::SearchService& svc, const Request&, Response& rs) {
            rs.set_content(dump({{"status", "ok"}, {"generation", svc.generation()},
                                 {"documents", svc.database().get_doccount()},
                                 {"articles", svc.database().get_termfreq("XTarticle")},
                                 {"clinicians", svc.database().get_termfreq("XTclinician")}}),
                           kJson);
        });
    });
    m_server.Get("/metrics", [this](const Request& req, Response& res) {
        route("metrics", req, res, [this](service::SearchService& svc, const Request&, Response& rs) {
            std::string text = m_metrics.prometheus(svc.generation(), svc.database().get_doccount());
            text += "# HELP attune_cache_hits_total Searches and suggestions answered from the response cache.\n"
                    "# TYPE attune_cache_hits_total counter\nattune_cache_hits_total " + std::to_string(m_cache.hits()) +
                    "\n# HELP attune_cache_misses_total Searches and suggestions computed afresh.\n"
                    "# TYPE attune_cache_misses_total counter\nattune_cache_misses_total " + std::to_string(m_cache.misses()) + "\n";
            rs.set_content(text, "text/plain; version=0.0.4");
        });
    });
    m_server.Options(R"(/api/.*)", [](const Request&, Response& res) { res.status = 204; });
    if (!m_options.web_root.empty() && !m_server.set_mount_point("/", m_options.web_root))
        throw UsageError("--web-root: not a folder: " + m_options.web_root);
    // Before any body is read. Each refusal closes a cpp-httplib 0.11.4 weakness (docs/reliability.md):
    // compressed bodies are inflated without a bound (zip bombs), chunked bodies escape the
    // payload limit, and many overlapping byte ranges of a static file are buffered at once.
    m_server.set_pre_routing_handler([](const Request& req, Response& res) {
        t_trace.active = true;
        t_trace.started = std::chrono::steady_clock::now();
        auto refuse = [&](int status, const char* code, const char* message) {
            res.status = status;
            res.set_content(error_body(code, message, ""), kJson);
            return httplib::Server::HandlerResponse::Handled;
        };
        const bool has_body = req.has_header("Transfer-Encoding") || (req.has_header("Content-Length") && req.get_header_value("Content-Length") != "0");
        if (req.method != "POST" && (has_body || req.has_header("Content-Encoding")))
            return refuse(400, "body_not_allowed", "this method takes no request body");
        if (req.has_header("Content-Encoding")) return refuse(415, "encoding_not_supported", "send the body uncompressed");
        if (req.has_header("Transfer-Encoding")) return refuse(411, "length_required", "send a Content-Length, not a chunked body");
        // Without a Content-Length cpp-httplib reads the body of POST, PUT, PATCH and PRI until the
        // client closes, past the payload limit; a bodiless POST (nginx forwards it without one)
        // held a worker for the whole read timeout.
        if (req.method == "PUT" || req.method == "PATCH" || req.method == "PRI") {
            res.set_header("Allow", "GET, HEAD, POST, OPTIONS");
            return refuse(405, "method_not_allowed", "this method is not supported");
        }
        if (req.method == "POST" && !req.has_header("Content-Length")) return refuse(411, "length_required", "send a Content-Length");
        if (req.get_header_value("Range").find(',') != std::string::npos) {
            // cpp-httplib would slice even this error answer by the requested ranges (a multipart
            // of JSON fragments). The Request it hands over const is its own non-const local.
            const_cast<Request&>(req).ranges.clear();
            return refuse(416, "range_not_satisfiable", "ask for one byte range at a time");
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });
    m_server.set_post_routing_handler([this](const Request& req, Response& res) { add_common_headers(req, res); });
    m_server.set_logger([this](const Request& req, const Response& res) { log_access(req, res); });
    m_server.set_error_handler([](const Request& req, Response& res) {
        if (!res.body.empty()) return;
        if (res.status == 404)
            res.set_content(error_body("not_found", req.path.rfind("/api/", 0) == 0 ? "no such endpoint" : "no such page", ""), kJson);
        else if (res.status == 413)
            res.set_content(error_body("too_large", "the request body is too large", ""), kJson);
        else if (res.status == 414)
            res.set_content(error_body("uri_too_long", "the request URI is too long (a query is at most 1,000 characters)", ""), kJson);
        else if (res.status >= 400)
            res.set_content(error_body("bad_request", "the request could not be read", ""), kJson);
    });
    // The last resort: exception text never reaches a client (cpp-httplib would put it in a header).
    m_server.set_exception_handler([this](const Request& req, Response& res, std::exception_ptr ep) {
        log(LogLevel::quiet, "attune: error: " + exception_type(ep) + " while answering " + method_of(req) + " " + route_of(req, 500));
        res.status = 500;
        res.set_content(error_body("internal", "something went wrong on our side", ""), kJson);
    });
}

int HttpServer::bind() {
    {
        service::SearchService probe(m_options.db);  // fail early, with the how-to-build message
        m_opened_index = "attune: index " + probe.generation() + ", " + std::to_string(probe.database().get_doccount()) + " documents";
    }
    const int port = m_options.port == 0 ? m_server.bind_to_any_port(m_options.host)
                                         : (m_server.bind_to_port(m_options.host, m_options.port) ? m_options.port : -1);
    if (port < 0) throw UsageError("cannot listen on " + m_options.host + ":" + std::to_string(m_options.port));
    return port;
}

void HttpServer::listen() {
    log(LogLevel::info, m_opened_index);
    m_server.listen_after_bind();
}

void HttpServer::stop() { m_server.stop(); }

}  // namespace attune::server
