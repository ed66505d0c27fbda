#include "index_builder.h"

#include "profile_training.h"
#include "schema/document.h"
#include "schema/prefixes.h"
#include "service/index_paths.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>

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

std::string live_generation(const std::string& db_dir) {
    std::ifstream in(service::stub_path(db_dir));
    std::string backend, name;
    if (!(in >> backend >> name)) return {};
    return name;
}

BuildStats build_index(const Corpus& corpus, const std::string& db_dir, const ProgressFn& progress) {
    const auto started = std::chrono::steady_clock::now();
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
        for (const auto& a : corpus.articles) { add(builder.build(a.article)); ++stats.articles; }
        for (const auto& c : corpus.clinicians) { add(builder.build(c.clinician)); ++stats.clinicians; }
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

}  // namespace attune::indexer
