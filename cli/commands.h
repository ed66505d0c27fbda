#pragma once
#include "analytics/audit.h"
#include "service/search_service.h"

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace attune::cli {

/** Options shared by every subcommand that reads an index. */
struct DbOptions {
    std::string db;  ///< empty: service::default_db_path()
    std::vector<std::string> shards;  ///< HOST:PORT of xapian-tcpsrv shards, searched as one index
    std::string resolved() const;
};

struct IndexOptions {
    DbOptions db;
    std::string corpus;
    std::vector<std::string> jsonl;
    std::string taxonomy;
    bool strict = false;
    bool update = false;      ///< apply changes to the live generation instead of building a new one
    std::string shard;        ///< "I/N": keep only shard I of N (0-based)
    bool stats_json = false;  ///< print one JSON line of build figures to stdout (bench/)
};

/** `attune bench`: query latency through the search pipeline (docs/benchmarks.md). */
struct BenchOptions {
    DbOptions db;
    std::string queries;
    std::size_t every = 1;   ///< run query lines 0, K, 2K, ...
    std::size_t runs = 5;    ///< timed passes after one untimed warm pass
    std::string mode = "full";  ///< full: search + JSON; core: understand + match sets only
    std::string hits;        ///< optional: one JSON line per query with its ids and latencies
};

struct SearchOptions {
    DbOptions db;
    std::string type = "all";
    std::size_t limit = 10;
    std::size_t offset = 0;
    bool json = false;
    std::string batch;
    bool explain = false;
    bool prefix = false;
    bool baseline = false;
    std::vector<std::string> concerns, approaches, languages, populations, formats;
    bool accepting = false;
    std::string country;
    std::vector<std::string> words;
};

struct ShowOptions {
    DbOptions db;
    std::string id;
    bool json = false;
};

struct EvalOptions {
    DbOptions db;
    std::string queries = "queries";
    std::string run;
    bool baseline = false;
    bool json = false;
};

struct RelatedOptions {
    DbOptions db;
    std::string id;
    std::size_t limit = 5;
    bool json = false;
};

struct MatchOptions {
    DbOptions db;
    std::vector<std::string> words;
    std::vector<std::string> languages, formats, populations, insurance, ignore;
    std::string city;
    std::string near;  ///< "LAT,LON"
    double radius = 25;
    double max_fee = -1;
    bool accepting = false;
    bool free_consultation = false;
    std::size_t limit = 10;
    std::string today;
    bool json = false;
};

struct AuditCliOptions {
    DbOptions db;
    std::string queries;
    std::string format = "table";
    std::string out;
    analytics::AuditOptions audit;
};

struct ServeOptions {
    DbOptions db;
    std::string host = "127.0.0.1";
    int port = 8080;
    std::size_t threads = 32;
    std::vector<std::string> cors_origins;
    std::string web_root;
    std::string query_log;   ///< opt-in search analytics; empty: off
    int query_log_days = 30;
    std::size_t cache_mb = 64;
};

void add_db_option(CLI::App& app, DbOptions& opts);
/** --shard HOST:PORT...: remote shards instead of --db (call after add_db_option). */
void add_shard_option(CLI::App& app, DbOptions& opts);

void setup_match(CLI::App& app, MatchOptions& opts);
int run_match(const MatchOptions& opts);

void setup_related(CLI::App& app, RelatedOptions& opts);
int run_related(const RelatedOptions& opts);

void setup_audit(CLI::App& app, AuditCliOptions& opts);
int run_audit(const AuditCliOptions& opts);

void setup_serve(CLI::App& app, ServeOptions& opts);
int run_serve(const ServeOptions& opts);

void setup_eval(CLI::App& app, EvalOptions& opts);
int run_eval(const EvalOptions& opts);

void setup_index(CLI::App& app, IndexOptions& opts);
int run_index(const IndexOptions& opts);

void setup_search(CLI::App& app, SearchOptions& opts);
int run_search(const SearchOptions& opts);

void setup_show(CLI::App& app, ShowOptions& opts);
int run_show(const ShowOptions& opts);

void setup_taxonomy(CLI::App& app, ShowOptions& opts);
int run_taxonomy(const ShowOptions& opts);

void setup_bench(CLI::App& app, BenchOptions& opts);
int run_bench(const BenchOptions& opts);

/** Exit codes, documented in the README. */
inline constexpr int kExitOk = 0;
inline constexpr int kExitInput = 1;
inline constexpr int kExitIndex = 2;
inline constexpr int kExitLocked = 3;

}  // namespace attune::cli
