// attune bench: query latency through the same pipeline as `attune search`, in one process.
// One untimed warm pass, then N timed passes, one query at a time; one JSON line per timed pass.
// The peers in bench/peers/ print the same lines, so scripts/bench.sh can put them side by side.
#include "commands.h"

#include "errors.h"
#include "schema/prefixes.h"

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>

namespace attune::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Query {
    std::size_t line;  ///< 0-based line number in the queries file
    std::string text;
};

std::vector<Query> read_queries(const std::string& path, std::size_t every) {
    std::ifstream in(path);
    if (!in) throw UsageError("--queries: cannot open " + path);
    std::vector<Query> out;
    std::string line;
    for (std::size_t i = 0; std::getline(in, line); ++i) {
        if (i % every != 0) continue;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back({i, line});
    }
    if (out.empty()) throw UsageError(path + ": no queries");
    return out;
}

long peak_rss_kb() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

// Nearest-rank percentile of sorted values (the same definition as bench/peers/peer_common.h).
double percentile(const std::vector<double>& sorted, double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

void print_run(const std::string& mode, std::size_t run, std::vector<double> us, double wall_s) {
    std::sort(us.begin(), us.end());
    double sum = 0;
    for (double v : us) sum += v;
    std::printf("{\"peer\": \"attune\", \"phase\": \"query\", \"mode\": \"%s\", \"run\": %zu, \"count\": %zu, "
                "\"p50_us\": %.1f, \"p95_us\": %.1f, \"p99_us\": %.1f, \"mean_us\": %.1f, \"max_us\": %.1f, "
                "\"qps\": %.1f, \"peak_rss_kb\": %ld}\n",
                mode.c_str(), run, us.size(), percentile(us, 50), percentile(us, 95), percentile(us, 99),
                sum / static_cast<double>(us.size()), us.back(), static_cast<double>(us.size()) / wall_s, peak_rss_kb());
    std::fflush(stdout);
}

// One query through the chosen layers; returns its ids (articles, then clinicians) when asked.
class Runner {
public:
    Runner(service::SearchService& service, bool core) : m_service(service), m_core(core) {}

    std::vector<std::string> run(const std::string& text, bool want_ids) {
        service::SearchRequest request;
        request.query = text;
        std::vector<std::string> ids;
        if (m_core) {
            const std::vector<Xapian::MSet> sets = m_service.match_sets(request);
            if (want_ids)
                for (const Xapian::MSet& mset : sets)
                    for (auto it = mset.begin(); it != mset.end(); ++it)
                        ids.push_back(it.get_document().get_value(schema::slot::kId));
            return ids;
        }
        const results::SearchResponse response = m_service.search(request);
        const std::string json = results::to_json(response).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        m_bytes += json.size();  // keeps the JSON from being optimised away
        if (want_ids) {
            for (const auto& a : response.articles) ids.push_back(a.record.id);
            for (const auto& c : response.clinicians) ids.push_back(c.record.id);
        }
        return ids;
    }

private:
    service::SearchService& m_service;
    bool m_core;
    std::size_t m_bytes = 0;
};

}  // namespace

void setup_bench(CLI::App& app, BenchOptions& o) {
    add_db_option(app, o.db);
    app.add_option("--queries", o.queries, "Query file, one query per line")->required();
    app.add_option("--every", o.every, "Run query lines 0, K, 2K, ... (default 1: all)")->check(CLI::PositiveNumber);
    app.add_option("--runs", o.runs, "Timed passes after one untimed warm pass")->check(CLI::Range(1, 1000));
    app.add_option("--mode", o.mode, "full: search and its JSON, as `attune search --json`; core: concepts, "
                                     "query and match sets only")
        ->check(CLI::IsMember({"full", "core"}));
    app.add_option("--hits", o.hits, "Write one JSON line per query: {i, ids, us} (ids: articles, then clinicians)");
}

int run_bench(const BenchOptions& o) {
    const std::vector<Query> queries = read_queries(o.queries, o.every);
    std::ofstream hits;
    if (!o.hits.empty()) {
        hits.open(o.hits, std::ios::trunc);
        if (!hits) throw UsageError("--hits: cannot write " + o.hits);
    }
    service::SearchService service(o.db.resolved());
    Runner runner(service, o.mode == "core");

    // Warm pass: untimed; it also keeps the ids, and names the line of a query the service refuses.
    std::vector<std::vector<std::string>> ids(queries.size());
    for (std::size_t q = 0; q < queries.size(); ++q) {
        try {
            ids[q] = runner.run(queries[q].text, hits.is_open());
        } catch (const UsageError& e) {
            throw UsageError(o.queries + ":" + std::to_string(queries[q].line + 1) + ": " + e.what());
        }
    }

    std::vector<std::vector<double>> per_query(queries.size());
    for (std::size_t run = 1; run <= o.runs; ++run) {
        std::vector<double> us;
        us.reserve(queries.size());
        const auto pass_start = Clock::now();
        for (std::size_t q = 0; q < queries.size(); ++q) {
            const auto start = Clock::now();
            runner.run(queries[q].text, false);
            const double took = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
            us.push_back(took);
            per_query[q].push_back(took);
        }
        const double wall_s = std::chrono::duration<double>(Clock::now() - pass_start).count();
        print_run(o.mode, run, std::move(us), wall_s);
    }

    if (hits.is_open()) {
        for (std::size_t q = 0; q < queries.size(); ++q) {
            nlohmann::json line = {{"i", queries[q].line}, {"ids", ids[q]}, {"us", nlohmann::json::array()}};
            for (double v : per_query[q]) line["us"].push_back(std::round(v * 10) / 10);
            hits << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        }
        if (!hits.flush()) throw UsageError("--hits: cannot write " + o.hits);
    }
    return kExitOk;
}

}  // namespace attune::cli
