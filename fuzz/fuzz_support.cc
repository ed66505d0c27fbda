#include "fuzz_support.h"

#include "schema/document.h"
#include "taxonomy/taxonomy_yaml.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <vector>

namespace attune::fuzz {
namespace fs = std::filesystem;

namespace {

std::vector<std::string>& dirs_to_remove() {
    static auto* dirs = new std::vector<std::string>();  // never destroyed: the atexit handler reads it
    return *dirs;
}

void remove_scratch_dirs() {
    for (const auto& d : dirs_to_remove()) {
        std::error_code ec;
        fs::remove_all(d, ec);
    }
}

bool known(const std::vector<std::string>& ids, taxonomy::ConceptKind kind) {
    for (const auto& id : ids) {
        const auto* c = corpus_taxonomy().find(id);
        if (!c || c->kind != kind) return false;
    }
    return true;
}

}  // namespace

std::string corpus_dir() {
    if (const char* env = std::getenv("ATTUNE_FUZZ_CORPUS"); env && *env) return env;
    return ATTUNE_FUZZ_CORPUS;
}

const taxonomy::Taxonomy& corpus_taxonomy() {
    static const taxonomy::Taxonomy tax = taxonomy::load_taxonomy_yaml(corpus_dir() + "/taxonomy.yaml");
    return tax;
}

text::Analyzer& analyzer() {
    static text::Analyzer* a = new text::Analyzer();  // never destroyed: outlives every static user
    return *a;
}

std::string scratch_dir(const std::string& name) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/" + name + "-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    static std::once_flag once;
    std::call_once(once, [] { std::atexit(remove_scratch_dirs); });
    dirs_to_remove().emplace_back(buf.data());
    return buf.data();
}

void index_like_the_builder(const schema::Article& article) {
    using taxonomy::ConceptKind;
    if (!known(article.concerns, ConceptKind::Concern) || !known(article.approaches, ConceptKind::Approach)) return;
    schema::DocumentBuilder builder(corpus_taxonomy(), analyzer());
    const schema::BuiltDocument built = builder.build(article);
    const nlohmann::json stored = schema::decode_record(built.document.get_data());
    (void)schema::article_from_json(stored);
}

void index_like_the_builder(const schema::Clinician& clinician) {
    using taxonomy::ConceptKind;
    if (!known(clinician.concerns, ConceptKind::Concern) || !known(clinician.approaches, ConceptKind::Approach)) return;
    schema::DocumentBuilder builder(corpus_taxonomy(), analyzer());
    const schema::BuiltDocument built = builder.build(clinician);
    const nlohmann::json stored = schema::decode_record(built.document.get_data());
    (void)schema::clinician_from_json(stored);
}

}  // namespace attune::fuzz
