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

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
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
        Xapian::WritableDatabase db(gen_path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
        text::Analyzer analyzer;
        schema::DocumentBuilder builder(corpus.taxonomy, analyzer);
        const std::size_t total = corpus.articles.size() + corpus.clinicians.size();
        std::size_t done = 0;
        auto add = [&](schema::BuiltDocument built) {
            db.replace_document(built.id_term, built.document);
            for (const std::string& w : built.spelling_words) db.add_spelling(w);
            if (progress && (++done % 200 == 0 || done == total)) progress(done, total);
        };
        for (const auto& a : corpus.articles)
            if (shard.holds(a.article.id)) { add(builder.build(a.article)); ++stats.articles; }
        for (const auto& c : corpus.clinicians)
            if (shard.holds(c.clinician.id)) { add(builder.build(c.clinician)); ++stats.clinicians; }
        add_taxonomy_spelling(db, corpus.taxonomy, analyzer);
        db.set_metadata(schema::meta::kTaxonomy, corpus.taxonomy.to_json().dump());
        db.set_metadata(schema::meta::kCrisis, corpus.crisis.to_json().dump());
        db.set_metadata(schema::meta::kProfiles, train_concept_profiles(corpus, analyzer).to_json().dump());
        db.set_metadata(schema::meta::kBuildErrors, nlohmann::json(corpus.errors).dump());
        db.set_metadata(schema::meta::kGeneration, generation);
        db.set_metadata(schema::meta::kBuiltAt, now_iso());
        db.set_metadata(schema::meta::kSchema, schema::kSchemaVersion);
        db.commit();
        db.close();
        stats.committed = std::chrono::steady_clock::now();
    } catch (const Xapian::Error& e) {
        std::error_code ec;
        fs::remove_all(gen_path, ec);
        throw IndexError("building " + gen_path + " failed: " + e.get_description() + "; the previous index is unchanged");
    }
    write_stub(db_dir, generation);
    clean_generations(db_dir, generation, previous);
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

UpdateStats update_index(const Corpus& corpus, const std::string& db_dir) {
    const auto started = std::chrono::steady_clock::now();
    const IgnoreFileSizeSignal ignore_sigxfsz;
    UpdateStats stats;
    stats.generation = live_generation(db_dir);
    if (stats.generation.empty()) {
        stats.rebuild_reason = "there is no index yet";
        return stats;
    }
    const std::string gen_path = db_dir + "/" + stats.generation;
    try {
        Xapian::WritableDatabase db(gen_path, Xapian::DB_OPEN | Xapian::DB_BACKEND_GLASS);
        if (db.get_metadata(schema::meta::kSchema) != schema::kSchemaVersion) stats.rebuild_reason = "the index schema changed";
        else if (db.get_metadata(schema::meta::kTaxonomy) != corpus.taxonomy.to_json().dump()) stats.rebuild_reason = "the taxonomy changed";
        else if (db.get_metadata(schema::meta::kCrisis) != corpus.crisis.to_json().dump()) stats.rebuild_reason = "the crisis resources changed";
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
        schema::DocumentBuilder builder(corpus.taxonomy, analyzer);
        std::unordered_set<std::string> seen;
        db.begin_transaction();
        auto apply = [&](const std::string& id, schema::BuiltDocument built) {
            seen.insert(id);
            const auto it = indexed.find(id);
            const std::string hash = built.document.get_value(schema::slot::kContentHash);
            if (it != indexed.end() && it->second == hash) {
                ++stats.unchanged;
                return;
            }
            ++(it == indexed.end() ? stats.added : stats.changed);
            db.replace_document(built.id_term, built.document);
            for (const std::string& w : built.spelling_words) db.add_spelling(w);
        };
        for (const auto& a : corpus.articles) apply(a.article.id, builder.build(a.article));
        for (const auto& c : corpus.clinicians) apply(c.clinician.id, builder.build(c.clinician));
        for (const auto& [id, hash] : indexed)
            if (!seen.count(id)) {
                db.delete_document(std::string(schema::prefix::kId) + id);
                ++stats.removed;
            }
        db.set_metadata(schema::meta::kBuildErrors, nlohmann::json(corpus.errors).dump());
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
