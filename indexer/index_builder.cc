#include "index_builder.h"

#include "profile_training.h"
#include "schema/document.h"
#include "schema/prefixes.h"
#include "service/index_paths.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace attune::indexer {
namespace {

namespace fs = std::filesystem;
constexpr const char* kGenPrefix = "gen-";

long generation_number(const std::string& name) {
    if (name.rfind(kGenPrefix, 0) != 0) return -1;
    try {
        return std::stol(name.substr(4));
    } catch (...) {
        return -1;
    }
}

void write_stub(const std::string& db_dir, const std::string& generation) {
    const std::string pointer = service::stub_path(db_dir);
    const std::string tmp = pointer + ".tmp";
    {
        std::ofstream out(tmp, std::ios::trunc);
        out << "auto " << generation << "\n";
        out.flush();
        if (!out) throw IndexError("cannot write " + tmp);
    }
    const int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd >= 0) { ::fsync(fd); ::close(fd); }
    if (std::rename(tmp.c_str(), pointer.c_str()) != 0) throw IndexError("cannot rename " + tmp + " to " + pointer);
    const int dir_fd = ::open(db_dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (dir_fd >= 0) { ::fsync(dir_fd); ::close(dir_fd); }
}

std::string now_iso() {
    const std::time_t t = std::time(nullptr);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    return buf;
}

void add_taxonomy_spelling(Xapian::WritableDatabase& db, const taxonomy::Taxonomy& tax, text::Analyzer& analyzer) {
    for (const auto& c : tax.concepts()) {
        std::vector<const std::string*> texts{&c.label};
        for (const auto& p : c.phrases) texts.push_back(&p);
        for (const std::string* s : texts)
            for (const auto& t : analyzer.analyze(*s))
                if (!t.stop && t.word.size() > 2) db.add_spelling(t.word);
    }
}

// Past a file size limit (RLIMIT_FSIZE) the kernel kills a writer with SIGXFSZ, leaving no message.
// Ignored for the build, write() fails with EFBIG instead and Xapian throws, so the build fails like
// on a full disk: with an error naming the file, and the previous index still live.
class IgnoreFileSizeSignal {
public:
    IgnoreFileSizeSignal() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        ::sigemptyset(&ignore.sa_mask);
        m_saved = ::sigaction(SIGXFSZ, &ignore, &m_old) == 0;
    }
    ~IgnoreFileSizeSignal() {
        if (m_saved) ::sigaction(SIGXFSZ, &m_old, nullptr);
    }
    IgnoreFileSizeSignal(const IgnoreFileSizeSignal&) = delete;
    IgnoreFileSizeSignal& operator=(const IgnoreFileSizeSignal&) = delete;

private:
    struct sigaction m_old {};
    bool m_saved = false;
};

// Removes generations other than the live and the previous one, and abandoned build directories.
void clean_generations(const std::string& db_dir, const std::string& live, const std::string& previous) {
    for (const auto& entry : fs::directory_iterator(db_dir)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_directory() || generation_number(name) < 0) continue;
        if (name == live || name == previous) continue;
        std::error_code ec;
        fs::remove_all(entry.path(), ec);
    }
}

// The newest generation older than `live`: the one the last switch kept for readers that still had it.
std::string predecessor_of(const std::string& db_dir, const std::string& live) {
    const long live_number = generation_number(live);
    std::string best;
    long best_number = -1;
    for (const auto& entry : fs::directory_iterator(db_dir)) {
        const std::string name = entry.path().filename().string();
        const long n = generation_number(name);
        if (entry.is_directory() && n >= 0 && n < live_number && n > best_number) best = name, best_number = n;
    }
    return best;
}

// Xapian keeps a writer's changes in memory until XAPIAN_FLUSH_THRESHOLD documents (default 10,000)
// are buffered. Its buffer is a tree per term, so documents of a few hundred words each made one
// add cost a cache miss chain over hundreds of MB: 250 documents kept the 10k build 2-3x faster
// with a few MB of buffer (docs/benchmarks.md). Read when a WritableDatabase opens; a value
// already in the environment wins.
constexpr const char* kFlushThreshold = "250";

class ScopedFlushThreshold {
public:
    ScopedFlushThreshold() : m_set(std::getenv("XAPIAN_FLUSH_THRESHOLD") == nullptr) {
        if (m_set) ::setenv("XAPIAN_FLUSH_THRESHOLD", kFlushThreshold, 1);
    }
    ~ScopedFlushThreshold() {
        if (m_set) ::unsetenv("XAPIAN_FLUSH_THRESHOLD");
    }
    ScopedFlushThreshold(const ScopedFlushThreshold&) = delete;
    ScopedFlushThreshold& operator=(const ScopedFlushThreshold&) = delete;

private:
    bool m_set;
};

// A corpus held in memory as a DocumentSource: its articles, then its clinicians.
class MemorySource : public DocumentSource {
public:
    explicit MemorySource(const Corpus& corpus) : m_corpus(corpus) {}
    const taxonomy::Taxonomy& taxonomy() const override { return m_corpus.taxonomy; }
    const taxonomy::CrisisResources& crisis() const override { return m_corpus.crisis; }
    const std::vector<std::string>& errors() const override { return m_corpus.errors; }
    std::size_t size() const override { return m_corpus.articles.size() + m_corpus.clinicians.size(); }
    void read(std::size_t begin, std::size_t end, const DocumentVisitor& visit) const override {
        const std::size_t articles = m_corpus.articles.size();
        for (std::size_t i = begin; i < end && i < size(); ++i) {
            if (i < articles) visit.article(m_corpus.articles[i]);
            else visit.clinician(m_corpus.clinicians[i - articles]);
        }
    }

private:
    const Corpus& m_corpus;
};

constexpr std::size_t kParallelMinDocs = 2000;
constexpr std::size_t kMaxWorkers = 4;
constexpr std::size_t kProgressEvery = 200;

std::size_t worker_count(const BuildOptions& options, std::size_t total) {
    if (options.workers > 0) return std::min(options.workers, std::max<std::size_t>(total, 1));
    if (total < kParallelMinDocs) return 1;
    return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, kMaxWorkers);
}

// Thrown inside a worker to stop it when another part of the build failed.
struct Cancelled {};

// One contiguous range of the documents, indexed by one thread into its own database.
struct Part {
    std::string path;
    std::size_t begin = 0, end = 0;
    std::unique_ptr<Xapian::WritableDatabase> db;
    std::unique_ptr<text::Analyzer> analyzer;
    std::unique_ptr<ProfileTrainer> trainer;
    std::size_t articles = 0, clinicians = 0;
    std::exception_ptr error;
};

// Indexes part.begin..part.end; every document trains the profiles, the shard's ones are added.
void fill_part(const DocumentSource& source, const ShardSpec& shard, Part& part, const std::function<void()>& tick) {
    schema::DocumentBuilder builder(source.taxonomy(), *part.analyzer);
    auto add = [&](schema::BuiltDocument built) {
        part.db->add_document(built.document);
        for (const std::string& w : built.spelling_words) part.db->add_spelling(w);
    };
    source.read(part.begin, part.end,
                {[&](const LoadedArticle& a) {
                     part.trainer->add(a.article);
                     if (shard.holds(a.article.id)) { add(builder.build(a.article)); ++part.articles; }
                     tick();
                 },
                 [&](const LoadedClinician& c) {
                     part.trainer->add(c.clinician);
                     if (shard.holds(c.clinician.id)) { add(builder.build(c.clinician)); ++part.clinicians; }
                     tick();
                 }});
}

// Runs fill_part for every part, on threads when there are several, calling `progress` from this thread.
void fill_parts(const DocumentSource& source, const BuildOptions& options, std::vector<Part>& parts) {
    const std::size_t total = source.size();
    if (parts.size() == 1) {
        std::size_t done = 0;
        fill_part(source, options.shard, parts[0], [&] {
            if (options.progress && (++done % kProgressEvery == 0 || done == total)) options.progress(done, total);
        });
        return;
    }
    std::atomic<std::size_t> done{0};
    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable finished;
    std::size_t running = parts.size();
    std::vector<std::thread> threads;
    for (Part& part : parts)
        threads.emplace_back([&, p = &part] {
            try {
                fill_part(source, options.shard, *p, [&] {
                    if (cancel) throw Cancelled{};
                    ++done;
                });
            } catch (const Cancelled&) {
            } catch (...) {
                p->error = std::current_exception();
                cancel = true;
            }
            const std::lock_guard lock(mutex);
            --running;
            finished.notify_one();
        });
    std::exception_ptr progress_error;
    {
        std::unique_lock lock(mutex);
        std::size_t reported = 0;
        while (running > 0) {
            finished.wait_for(lock, std::chrono::milliseconds(200));
            const std::size_t now = done;
            if (!options.progress || progress_error || now == reported) continue;
            reported = now;
            lock.unlock();
            try {
                options.progress(now, total);
            } catch (...) {
                progress_error = std::current_exception();
                cancel = true;
            }
            lock.lock();
        }
    }
    for (auto& t : threads) t.join();
    if (progress_error) std::rethrow_exception(progress_error);
    for (const Part& part : parts)
        if (part.error) std::rethrow_exception(part.error);
}

}  // namespace

IndexLock::IndexLock(const std::string& db_dir) {
    std::error_code ec;
    fs::create_directories(db_dir, ec);
    if (ec) throw IndexError("cannot create " + db_dir + ": " + ec.message());
    const std::string path = db_dir + "/.lock";
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (m_fd < 0) throw IndexError("cannot open " + path);
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_fd);
        m_fd = -1;
        throw IndexLockedError("the index at " + db_dir + " is locked by another build; try again when it finishes");
    }
}

IndexLock::~IndexLock() {
    if (m_fd >= 0) ::close(m_fd);
}

std::string live_generation(const std::string& db_dir) { return service::live_generation(db_dir); }

bool ShardSpec::holds(const std::string& id) const {
    return count <= 1 || schema::fnv1a64(id) % count == index;
}

BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress) {
    return build_index(corpus, db_dir, progress, ShardSpec{});
}

BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress, const ShardSpec& shard) {
    BuildOptions options;
    options.shard = shard;
    options.progress = progress;
    return build_index(MemorySource(corpus), db_dir, options);
}

BuildStats build_index(const DocumentSource& source, const std::string& db_dir, const BuildOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    const IgnoreFileSizeSignal ignore_sigxfsz;
    const std::string previous = live_generation(db_dir);
    long next = 0;
    for (const auto& entry : fs::directory_iterator(db_dir))
        next = std::max(next, generation_number(entry.path().filename().string()));
    char name[32];
    std::snprintf(name, sizeof name, "%s%06ld", kGenPrefix, next + 1);
    const std::string generation = name;
    const std::string gen_path = db_dir + "/" + generation;
    // Abandoned builds from killed runs go first, so at most one is ever left behind.
    clean_generations(db_dir, previous, "");

    BuildStats stats;
    stats.generation = generation;
    try {
        // Each part is a database under the new generation's directory; compaction merges them into it.
        fs::create_directories(gen_path);
        const std::size_t total = source.size();
        std::vector<Part> parts(worker_count(options, total));
        {
            const ScopedFlushThreshold threshold;
            for (std::size_t k = 0; k < parts.size(); ++k) {
                Part& part = parts[k];
                part.path = gen_path + "/part-" + std::to_string(k);
                part.begin = total * k / parts.size();
                part.end = total * (k + 1) / parts.size();
                part.db = std::make_unique<Xapian::WritableDatabase>(part.path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
                part.analyzer = std::make_unique<text::Analyzer>();
                part.trainer = std::make_unique<ProfileTrainer>(source.taxonomy(), *part.analyzer);
            }
        }
        fill_parts(source, options, parts);
        for (std::size_t k = 1; k < parts.size(); ++k) parts[0].trainer->merge(*parts[k].trainer);
        Xapian::WritableDatabase& first = *parts[0].db;
        add_taxonomy_spelling(first, source.taxonomy(), *parts[0].analyzer);
        first.set_metadata(schema::meta::kTaxonomy, source.taxonomy().to_json().dump());
        first.set_metadata(schema::meta::kCrisis, source.crisis().to_json().dump());
        first.set_metadata(schema::meta::kProfiles, parts[0].trainer->finish().to_json().dump());
        first.set_metadata(schema::meta::kBuildErrors, nlohmann::json(source.errors()).dump());
        first.set_metadata(schema::meta::kGeneration, generation);
        first.set_metadata(schema::meta::kBuiltAt, now_iso());
        first.set_metadata(schema::meta::kSchema, schema::kSchemaVersion);
        Xapian::Database merged;
        for (Part& part : parts) {
            part.db->commit();
            part.db->close();
            merged.add_database(Xapian::Database(part.path));
            stats.articles += part.articles;
            stats.clinicians += part.clinicians;
        }
        // Small flushes leave the part databases' blocks part-empty: compaction packs them, and
        // renumbers the parts' documents one after another, so ids follow the input order.
        merged.compact(gen_path);
        merged.close();
        for (const Part& part : parts) fs::remove_all(part.path);
        stats.committed = std::chrono::steady_clock::now();
    } catch (const Xapian::Error& e) {
        std::error_code ec;
        fs::remove_all(gen_path, ec);
        throw IndexError("building " + gen_path + " failed: " + e.get_description() + "; the previous index is unchanged");
    } catch (const InputError&) {
        std::error_code ec;
        fs::remove_all(gen_path, ec);
        throw;
    }
    write_stub(db_dir, generation);
    clean_generations(db_dir, generation, previous);
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

UpdateStats update_index(const Corpus& corpus, const std::string& db_dir) {
    return update_index(MemorySource(corpus), db_dir);
}

UpdateStats update_index(const DocumentSource& source, const std::string& db_dir) {
    const auto started = std::chrono::steady_clock::now();
    const IgnoreFileSizeSignal ignore_sigxfsz;
    UpdateStats stats;
    stats.generation = live_generation(db_dir);
    if (stats.generation.empty()) {
        stats.rebuild_reason = "there is no index yet";
        return stats;
    }
    const std::string gen_path = db_dir + "/" + stats.generation;
    // The caller holds the build lock, so directories other than these two are abandoned builds.
    const std::string predecessor = predecessor_of(db_dir, stats.generation);
    for (const auto& entry : fs::directory_iterator(db_dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.is_directory() && generation_number(name) >= 0 && name != stats.generation && name != predecessor)
            ++stats.abandoned_removed;
    }
    clean_generations(db_dir, stats.generation, predecessor);
    try {
        Xapian::WritableDatabase db(gen_path, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
        if (db.get_metadata(schema::meta::kSchema) != schema::kSchemaVersion) stats.rebuild_reason = "the index schema changed";
        else if (db.get_metadata(schema::meta::kTaxonomy) != source.taxonomy().to_json().dump()) stats.rebuild_reason = "the taxonomy changed";
        else if (db.get_metadata(schema::meta::kCrisis) != source.crisis().to_json().dump()) stats.rebuild_reason = "the crisis resources changed";
        if (!stats.rebuild_reason.empty()) return stats;

        // id -> content hash of every document in the index, read from two value streams in docid order.
        std::unordered_map<std::string, std::string> indexed;
        indexed.reserve(db.get_doccount());
        auto ids = db.valuestream_begin(schema::slot::kId);
        for (auto h = db.valuestream_begin(schema::slot::kContentHash); h != db.valuestream_end(schema::slot::kContentHash); ++h) {
            ids.skip_to(h.get_docid());
            if (ids == db.valuestream_end(schema::slot::kId) || ids.get_docid() != h.get_docid()) continue;
            indexed.emplace(*ids, *h);
        }
        if (indexed.size() != db.get_doccount()) {
            stats.rebuild_reason = "the index was built without content hashes";
            return stats;
        }
        text::Analyzer analyzer;
        schema::DocumentBuilder builder(source.taxonomy(), analyzer);
        std::unordered_set<std::string> seen;
        db.begin_transaction();
        // The record's hash, as DocumentBuilder stores it, is checked before the document is built,
        // so unchanged documents cost a JSON dump rather than text analysis; the built document's own
        // hash still decides when the two differ.
        auto apply = [&](const auto& record) {
            seen.insert(record.id);
            const auto it = indexed.find(record.id);
            if (it != indexed.end() && it->second == schema::content_hash(schema::to_json(record).dump())) {
                ++stats.unchanged;
                return;
            }
            const schema::BuiltDocument built = builder.build(record);
            if (it != indexed.end() && it->second == built.document.get_value(schema::slot::kContentHash)) {
                ++stats.unchanged;
                return;
            }
            ++(it == indexed.end() ? stats.added : stats.changed);
            db.replace_document(built.id_term, built.document);
            for (const std::string& w : built.spelling_words) db.add_spelling(w);
        };
        source.read(0, source.size(), {[&](const LoadedArticle& a) { apply(a.article); },
                                       [&](const LoadedClinician& c) { apply(c.clinician); }});
        for (const auto& [id, hash] : indexed)
            if (!seen.count(id)) {
                db.delete_document(std::string(schema::prefix::kId) + id);
                ++stats.removed;
            }
        db.set_metadata(schema::meta::kBuildErrors, nlohmann::json(source.errors()).dump());
        db.set_metadata(schema::meta::kBuiltAt, now_iso());
        db.commit_transaction();
        db.close();
    } catch (const Xapian::Error& e) {
        throw IndexError("updating " + gen_path + " failed: " + e.get_description() +
                         "; the transaction was not committed, so the index is unchanged");
    }
    // Same generation, new revision: servers notice the commit through the generation's iamglass file.
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

}  // namespace attune::indexer
