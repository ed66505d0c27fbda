#include "commands.h"

#include "http_server.h"

#include <atomic>
#include <chrono>
#include <csignal>
#include <string>
#include <pthread.h>
#include <thread>

namespace attune::cli {
namespace {

// --log-level. Held here because ServeOptions (commands.h) has no field for it yet; there is one
// serve subcommand per process.
std::string g_log_level = "info";

server::LogLevel log_level(const std::string& name) {
    if (name == "quiet") return server::LogLevel::quiet;
    return name == "debug" ? server::LogLevel::debug : server::LogLevel::info;
}

}  // namespace

void setup_serve(CLI::App& app, ServeOptions& o) {
    add_db_option(app, o.db);
    add_shard_option(app, o.db);
    app.add_option("--host", o.host, "Address to listen on")->capture_default_str();
    app.add_option("--port", o.port, "Port to listen on (0: any free port)")->capture_default_str()->check(CLI::Range(0, 65535));
    app.add_option("--threads", o.threads, "Worker threads")->capture_default_str()->check(CLI::Range(1, 256));
    app.add_option("--cors-origin", o.cors_origins, "Allow browser requests from this origin (repeatable)");
    app.add_option("--web-root", o.web_root, "Folder of the search page (default: the project's server/static)");
    app.add_option("--query-log", o.query_log,
                   "Opt in to search analytics: append redacted searches to FILE (hour, concepts, counts; never addresses)");
    app.add_option("--query-log-days", o.query_log_days, "Keep query log entries this many days")
        ->check(CLI::Range(1, 3650))->capture_default_str();
    app.add_option("--cache-mb", o.cache_mb, "Memory for answers of repeated searches and suggestions (0: no cache)")
        ->check(CLI::Range(0, 65536))->capture_default_str();
    app.add_option("--log-level", g_log_level,
                   "What goes to stderr. quiet: errors only; info: also start-up, index reopen and shutdown; "
                   "debug: also one line per request (time, method, route, status, ms, bytes, cache), never query text or addresses")
        ->check(CLI::IsMember({"quiet", "info", "debug"}))->capture_default_str();
}

int run_serve(const ServeOptions& o) {
    // SIGTERM and SIGINT are taken by one thread with sigwait, so the server drains and exits 0.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    server::ServerOptions options;
    options.db = o.db.resolved();
    options.host = o.host;
    options.port = o.port;
    options.threads = o.threads;
    options.cors_origins = o.cors_origins;
    options.web_root = o.web_root.empty() ? ATTUNE_WEB_ROOT : o.web_root;
    options.query_log = o.query_log;
    options.query_log_days = o.query_log_days;
    options.cache_bytes = o.cache_mb << 20;
    options.log_level = log_level(g_log_level);
    server::limit_crash_output();
    server::HttpServer http(options);
    const int port = http.bind();
    http.log(server::LogLevel::info, "attune: serving " + options.db + " on http://" + options.host + ":" + std::to_string(port) + "/");
    if (!options.query_log.empty())
        http.log(server::LogLevel::info, "attune: search analytics on: redacted searches go to " + options.query_log + ", kept " +
                                             std::to_string(options.query_log_days) + " days");
    std::atomic<bool> finished{false};
    std::thread waiter([&] {
        int sig = 0;
        sigwait(&signals, &sig);
        if (finished) return;
        http.log(server::LogLevel::info, "attune: stopping (finishing requests in flight)");
        // stop() is a no-op until listen() runs, so repeat it until listen() has returned.
        while (!finished) {
            http.stop();
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    });
    http.listen();
    finished = true;
    // listen() also returns when the socket fails; wake the waiter so it can be joined.
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    http.log(server::LogLevel::info, "attune: stopped");
    return kExitOk;
}

}  // namespace attune::cli
