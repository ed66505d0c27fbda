#include "commands.h"

#include "errors.h"
#include "index_builder.h"
#include "service/index_paths.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace attune::cli {

namespace {

// Bytes of the regular files under `dir` (the size on disk of one index generation).
std::uintmax_t directory_bytes(const std::string& dir) {
    std::uintmax_t total = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir))
        if (entry.is_regular_file()) total += entry.file_size();
    return total;
}

}  // namespace

std::string DbOptions::resolved() const {
    if (shards.empty()) return db.empty() ? service::default_db_path() : db;
    std::string path = service::kShardsPrefix;
    for (std::size_t i = 0; i < shards.size(); ++i) path += (i ? "," : "") + shards[i];
    return path;
}

void add_shard_option(CLI::App& app, DbOptions& opts) {
    app.add_option("--shard", opts.shards,
                   "Search these xapian-tcpsrv shards (HOST:PORT, repeatable) as one index instead of --db")
        ->excludes(app.get_option("--db"));
}

void add_db_option(CLI::App& app, DbOptions& opts) {
    app.add_option("--db", opts.db, "Index directory (default: $ATTUNE_DB, else .attune/index)");
}

void setup_index(CLI::App& app, IndexOptions& opts) {
    add_db_option(app, opts.db);
    auto* corpus = app.add_option("--corpus", opts.corpus, "Corpus directory (taxonomy.yaml, articles/, clinicians/)");
    auto* jsonl = app.add_option("--jsonl", opts.jsonl, "JSONL import files, one article or clinician per line");
    corpus->excludes(jsonl);
    app.add_option("--taxonomy", opts.taxonomy, "Taxonomy file (default: CORPUS/taxonomy.yaml or corpus/taxonomy.yaml)");
    app.add_flag("--strict", opts.strict, "Stop at the first bad document without touching the live index");
    app.add_option("--shard", opts.shard,
                   "Build shard I of N (I/N, 0-based): only the documents whose id hashes to it, with the "
                   "taxonomy and profiles of the whole corpus (docs/scaling.md)");
    app.add_flag("--update", opts.update,
                 "Apply only changed, new and deleted documents to the live index in one transaction "
                 "(a taxonomy or schema change still rebuilds); also removes build directories of killed builds");
    app.add_flag("--stats-json", opts.stats_json,
                 "After the build, print one JSON line to stdout: docs, wall_s, docs_per_s, index_bytes, peak_rss_kb");
}

int run_index(const IndexOptions& opts) {
    const auto started = std::chrono::steady_clock::now();
    const std::string db_dir = opts.db.resolved();
    indexer::ReadOptions read;
    read.corpus_dir = opts.corpus.empty() && opts.jsonl.empty() ? "corpus" : opts.corpus;
    read.jsonl_files = opts.jsonl;
    read.taxonomy_path = opts.taxonomy;
    read.strict = opts.strict;

    indexer::ShardSpec shard;
    if (!opts.shard.empty()) {
        unsigned long i = 0, n = 0;
        char extra = 0;
        if (std::sscanf(opts.shard.c_str(), "%lu/%lu%c", &i, &n, &extra) != 2 || n == 0 || i >= n || n > 1024)
            throw UsageError("--shard: expected I/N with 0 <= I < N <= 1024, e.g. 0/2");
        if (opts.update) throw UsageError("--shard: cannot be combined with --update");
        shard = {n, i};
    }
    indexer::IndexLock lock(db_dir);
    // Two passes over the input (validate, then index), so memory does not grow with the corpus.
    const indexer::CorpusScan corpus(read);
    for (const std::string& e : corpus.errors()) std::cerr << e << "\n";
    if (opts.update) {
        const indexer::UpdateStats up = indexer::update_index(corpus, db_dir);
        if (up.rebuild_reason.empty()) {
            char secs[32];
            std::snprintf(secs, sizeof secs, "%.3f", up.seconds);
            std::cerr << "updated " << db_dir << " (" << up.generation << ") in " << secs << " s: " << up.added
                      << " added, " << up.changed << " changed, " << up.removed << " removed, " << up.unchanged
                      << " unchanged, " << corpus.errors().size() << " rejected";
            if (up.abandoned_removed) std::cerr << "; removed " << up.abandoned_removed << " abandoned build director" << (up.abandoned_removed == 1 ? "y" : "ies");
            std::cerr << "\n";
            return corpus.errors().empty() ? kExitOk : kExitInput;
        }
        std::cerr << "attune: " << up.rebuild_reason << ": building a new generation instead\n";
    }
    const bool tty = ::isatty(STDERR_FILENO);
    auto progress = [tty](std::size_t done, std::size_t total) {
        if (tty) std::cerr << "\rindexing " << done << "/" << total << std::flush;
    };
    indexer::BuildOptions build;
    build.shard = shard;
    build.progress = progress;
    const indexer::BuildStats stats = indexer::build_index(corpus, db_dir, build);
    if (tty) std::cerr << "\r\033[K";
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f", stats.seconds);
    std::cerr << "indexed " << stats.articles << " articles, " << stats.clinicians << " clinicians, "
              << corpus.errors().size() << " rejected in " << seconds << " s into " << db_dir << " ("
              << stats.generation << ")\n";
    if (opts.stats_json) {
        // wall_s runs from the start of the command (parsing included) to the new generation's last commit.
        const double wall = std::chrono::duration<double>(stats.committed - started).count();
        const std::size_t docs = stats.articles + stats.clinicians;
        rusage ru{};
        ::getrusage(RUSAGE_SELF, &ru);
        // cpu_s (user + system) is less disturbed than wall_s by other work on a shared machine.
        const double cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                           static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        std::printf("{\"peer\": \"attune\", \"phase\": \"index\", \"docs\": %zu, \"wall_s\": %.3f, "
                    "\"docs_per_s\": %.1f, \"index_bytes\": %ju, \"peak_rss_kb\": %ld, \"cpu_s\": %.3f}\n",
                    docs, wall, wall > 0 ? static_cast<double>(docs) / wall : 0.0,
                    directory_bytes(db_dir + "/" + stats.generation), ru.ru_maxrss, cpu);
        std::fflush(stdout);
    }
    return corpus.errors().empty() ? kExitOk : kExitInput;
}

}  // namespace attune::cli
