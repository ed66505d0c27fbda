#pragma once
// What the two benchmark peers (peer_xapian, peer_fts5) share: the command line, reading the JSONL
// import format into the same text fields attune indexes, the query file, and the JSON lines they
// print. Each peer supplies an Engine; main() is peer_main(). See docs/benchmarks.md.
//
//   PEER index --jsonl FILE --db PATH [--taxonomy FILE]
//   PEER query --db PATH --queries FILE [--every K] [--runs N] [--hits FILE]
//   PEER version
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace peer {

using Clock = std::chrono::steady_clock;

/**
 * One article or clinician as four text fields, the same text attune's DocumentBuilder indexes
 * (src/schema/document.cc). Articles: title, summary, headings (Markdown headings below the first
 * level) and body (the rest of the Markdown). Clinicians: name as title; the labels of their
 * concerns and approaches as summary; credentials, city, languages, populations and formats as
 * headings; bio as body.
 */
struct Doc {
    std::string id;
    std::string title, summary, headings, body;
};

/** Errors the peers report as "peer: message" with exit code 1. */
struct Failure : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/** Concept id -> label from a taxonomy.yaml (docs/corpus.md). */
inline std::map<std::string, std::string> read_labels(const std::string& path) {
    std::map<std::string, std::string> labels;
    try {
        const YAML::Node root = YAML::LoadFile(path);
        for (const auto& c : root["concepts"]) labels[c["id"].as<std::string>()] = c["label"].as<std::string>();
    } catch (const YAML::Exception& e) {
        throw Failure(path + ": " + e.what());
    }
    return labels;
}

inline std::string join_strings(const nlohmann::json& j, const char* key, const char* sep) {
    std::string out;
    if (!j.contains(key) || !j.at(key).is_array()) return out;
    for (const auto& v : j.at(key))
        if (v.is_string()) out += v.get<std::string>() + sep;
    return out;
}

/** Splits an article's Markdown: "# " lines are dropped (attune keeps only `title`), "## ..." go to headings. */
inline void split_markdown(const std::string& md, std::string& headings, std::string& body) {
    std::size_t pos = 0;
    while (pos < md.size()) {
        std::size_t eol = md.find('\n', pos);
        if (eol == std::string::npos) eol = md.size();
        const std::string_view line(md.data() + pos, eol - pos);
        if (line.rfind("# ", 0) == 0) {
            // the page title: attune indexes the front-matter title instead
        } else if (line.rfind("##", 0) == 0) {
            const std::size_t text = line.find_first_not_of("# ");
            if (text != std::string_view::npos) headings.append(line.substr(text)).append("\n");
        } else {
            body.append(line).append("\n");
        }
        pos = eol + 1;
    }
}

/** Reads a JSONL import file line by line, calling `add` with each document. Failure names file:line. */
inline std::size_t read_jsonl(const std::string& path, const std::map<std::string, std::string>& labels,
                              const std::function<void(const Doc&)>& add) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Failure(path + ": cannot open file");
    std::string line;
    std::size_t number = 0, docs = 0;
    Doc doc;
    while (std::getline(in, line)) {
        ++number;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
            doc = Doc{};
            doc.id = j.at("id").get<std::string>();
            const std::string type = j.at("type").get<std::string>();
            if (type == "article") {
                doc.title = j.at("title").get<std::string>();
                doc.summary = j.at("summary").get<std::string>();
                split_markdown(j.value("body", ""), doc.headings, doc.body);
            } else if (type == "clinician") {
                doc.title = j.at("name").get<std::string>();
                for (const char* key : {"concerns", "approaches"})
                    if (j.contains(key))
                        for (const auto& id : j.at(key)) {
                            auto it = labels.find(id.get<std::string>());
                            if (it != labels.end()) doc.summary += it->second + ". ";
                        }
                doc.headings = j.value("credentials", "") + ". ";
                if (j.contains("location")) doc.headings += j.at("location").value("city", "") + ". ";
                doc.headings += join_strings(j, "languages", ". ") + join_strings(j, "populations", ". ") +
                                join_strings(j, "formats", ". ");
                doc.body = j.at("bio").get<std::string>();
            } else {
                throw Failure("type: must be \"article\" or \"clinician\"");
            }
        } catch (const nlohmann::json::exception& e) {
            throw Failure(path + ":" + std::to_string(number) + ": " + e.what());
        } catch (const Failure& e) {
            throw Failure(path + ":" + std::to_string(number) + ": " + e.what());
        }
        add(doc);
        ++docs;
    }
    return docs;
}

inline long peak_rss_kb() {
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

/** Bytes of the regular files under `path` (a file or a directory). */
inline std::uintmax_t disk_bytes(const std::string& path) {
    namespace fs = std::filesystem;
    if (fs::is_regular_file(path)) return fs::file_size(path);
    std::uintmax_t total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(path))
        if (entry.is_regular_file()) total += entry.file_size();
    return total;
}

/** Nearest-rank percentile of sorted values (the same definition as cli/cmd_bench.cc). */
inline double percentile(const std::vector<double>& sorted, double p) {
    const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

/** What each peer implements. */
struct Engine {
    const char* name;
    /** Creates the index at `db` from the JSONL file; returns the number of documents. */
    std::function<std::size_t(const std::string& jsonl, const std::string& db, const std::map<std::string, std::string>&)>
        index;
    /** Opens the index at `db` for querying. */
    std::function<void(const std::string& db)> open;
    /** Answers one query: the ids of the top 10. */
    std::function<std::vector<std::string>(const std::string& query)> query;
    /** Library version for the report. */
    std::function<std::string()> version;
};

struct Args {
    std::string command, jsonl, db, taxonomy = "corpus/taxonomy.yaml", queries, hits;
    std::size_t every = 1, runs = 5;
};

inline std::size_t positive(const std::string& flag, const std::string& v) {
    try {
        std::size_t used = 0;
        const long n = std::stol(v, &used);
        if (used == v.size() && n > 0) return static_cast<std::size_t>(n);
    } catch (const std::exception&) {
    }
    throw Failure(flag + ": expected a positive number, not '" + v + "'");
}

inline Args parse_args(int argc, char** argv) {
    Args a;
    if (argc < 2) throw Failure("usage: peer index|query|version [options] (see bench/peers/peer_common.h)");
    a.command = argv[1];
    for (int i = 2; i < argc; i += 2) {
        const std::string k = argv[i];
        if (i + 1 >= argc) throw Failure(k + ": missing value");
        const std::string v = argv[i + 1];
        if (k == "--jsonl") a.jsonl = v;
        else if (k == "--db") a.db = v;
        else if (k == "--taxonomy") a.taxonomy = v;
        else if (k == "--queries") a.queries = v;
        else if (k == "--hits") a.hits = v;
        else if (k == "--every") a.every = positive(k, v);
        else if (k == "--runs") a.runs = positive(k, v);
        else throw Failure("unknown option " + k);
    }
    if (a.command == "index" && (a.jsonl.empty() || a.db.empty())) throw Failure("index needs --jsonl FILE --db PATH");
    if (a.command == "query" && (a.db.empty() || a.queries.empty())) throw Failure("query needs --db PATH --queries FILE");
    if (a.command != "index" && a.command != "query" && a.command != "version")
        throw Failure("unknown command " + a.command + " (index, query or version)");
    return a;
}

inline int run_index(const Engine& e, const Args& a) {
    const auto start = Clock::now();
    const auto labels = read_labels(a.taxonomy);
    const std::size_t docs = e.index(a.jsonl, a.db, labels);
    const double wall = std::chrono::duration<double>(Clock::now() - start).count();
    rusage ru{};
    ::getrusage(RUSAGE_SELF, &ru);
    const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                       static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    std::printf("{\"peer\": \"%s\", \"phase\": \"index\", \"docs\": %zu, \"wall_s\": %.3f, \"docs_per_s\": %.1f, "
                "\"index_bytes\": %ju, \"peak_rss_kb\": %ld, \"cpu_s\": %.3f}\n",
                e.name, docs, wall, wall > 0 ? static_cast<double>(docs) / wall : 0.0, disk_bytes(a.db), peak_rss_kb(), cpu);
    return 0;
}

inline int run_queries(const Engine& e, const Args& a) {
    std::ifstream in(a.queries);
    if (!in) throw Failure("--queries: cannot open " + a.queries);
    std::vector<std::pair<std::size_t, std::string>> queries;
    std::string line;
    for (std::size_t i = 0; std::getline(in, line); ++i) {
        if (i % a.every != 0) continue;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        queries.emplace_back(i, line);
    }
    if (queries.empty()) throw Failure(a.queries + ": no queries");
    std::ofstream hits;
    if (!a.hits.empty()) {
        hits.open(a.hits, std::ios::trunc);
        if (!hits) throw Failure("--hits: cannot write " + a.hits);
    }
    e.open(a.db);
    std::vector<std::vector<std::string>> ids(queries.size());
    for (std::size_t q = 0; q < queries.size(); ++q) ids[q] = e.query(queries[q].second);  // warm, untimed
    std::vector<std::vector<double>> per_query(queries.size());
    for (std::size_t run = 1; run <= a.runs; ++run) {
        std::vector<double> us;
        const auto pass_start = Clock::now();
        for (std::size_t q = 0; q < queries.size(); ++q) {
            const auto start = Clock::now();
            e.query(queries[q].second);
            us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            per_query[q].push_back(us.back());
        }
        const double wall = std::chrono::duration<double>(Clock::now() - pass_start).count();
        std::sort(us.begin(), us.end());
        double sum = 0;
        for (double v : us) sum += v;
        std::printf("{\"peer\": \"%s\", \"phase\": \"query\", \"mode\": \"plain\", \"run\": %zu, \"count\": %zu, "
                    "\"p50_us\": %.1f, \"p95_us\": %.1f, \"p99_us\": %.1f, \"mean_us\": %.1f, \"max_us\": %.1f, "
                    "\"qps\": %.1f, \"peak_rss_kb\": %ld}\n",
                    e.name, run, us.size(), percentile(us, 50), percentile(us, 95), percentile(us, 99),
                    sum / static_cast<double>(us.size()), us.back(), static_cast<double>(us.size()) / wall, peak_rss_kb());
        std::fflush(stdout);
    }
    if (hits.is_open()) {
        for (std::size_t q = 0; q < queries.size(); ++q) {
            nlohmann::json j = {{"i", queries[q].first}, {"ids", ids[q]}, {"us", nlohmann::json::array()}};
            for (double v : per_query[q]) j["us"].push_back(std::round(v * 10) / 10);
            hits << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        }
    }
    return 0;
}

/** The whole program of a peer. */
inline int peer_main(const Engine& e, int argc, char** argv) {
    try {
        const Args a = parse_args(argc, argv);
        if (a.command == "version") {
            std::printf("%s\n", e.version().c_str());
            return 0;
        }
        return a.command == "index" ? run_index(e, a) : run_queries(e, a);
    } catch (const std::exception& ex) {
        std::cerr << e.name << ": " << ex.what() << "\n";
        return 1;
    }
}

}  // namespace peer
