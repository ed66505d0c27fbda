#include "corpus_reader.h"

#include "taxonomy/taxonomy_yaml.h"
#include "text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_set>

namespace attune::indexer {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> files_with_extension(const fs::path& dir, const std::string& ext) {
    std::vector<std::string> out;
    if (!fs::is_directory(dir)) return out;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ext) out.push_back(entry.path().string());
    std::sort(out.begin(), out.end());
    return out;
}

class Reader {
public:
    Reader(Corpus& corpus, bool strict) : m_corpus(corpus), m_strict(strict) {}

    template <typename Fn>
    void attempt(Fn&& fn) {
        try {
            fn();
        } catch (const InputError& e) {
            if (m_strict) throw;
            m_corpus.errors.push_back(e.what());
        }
    }

    void read_jsonl(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw InputError(path + ": cannot open file");
        std::string line;
        int number = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            attempt([&] { read_jsonl_line(m_corpus, path, number, line); });
        }
    }

private:
    Corpus& m_corpus;
    bool m_strict;
};

void check_concepts(const std::vector<std::string>& ids, taxonomy::ConceptKind kind, const char* field,
                    const taxonomy::Taxonomy& tax, const SourceRef& src) {
    for (const std::string& id : ids) {
        const taxonomy::Concept* c = tax.find(id);
        if (!c) src.fail(field, "unknown concept id '" + id + "' (did you mean '" + tax.closest_id(id) + "'?)");
        if (c->kind != kind)
            src.fail(field, "'" + id + "' is a" + (c->kind == taxonomy::ConceptKind::Approach ? "n approach" : " concern") +
                                ", not a" + (kind == taxonomy::ConceptKind::Approach ? "n approach" : " concern"));
    }
}

// Cross-document checks: unique ids, known concepts, known authors. Failing documents are removed.
void validate_references(Corpus& corpus, bool strict) {
    using taxonomy::ConceptKind;
    std::map<std::string, std::string> first_seen;
    auto reject = [&](const InputError& e) {
        if (strict) throw e;
        corpus.errors.push_back(e.what());
    };
    auto unique = [&](const std::string& id, const SourceRef& src) {
        auto [it, fresh] = first_seen.emplace(id, src.where("id"));
        if (!fresh) src.fail("id", "duplicate id '" + id + "' (first defined at " + it->second + ")");
    };
    std::vector<LoadedClinician> clinicians;
    for (auto& c : corpus.clinicians) {
        try {
            unique(c.clinician.id, c.source);
            check_concepts(c.clinician.concerns, ConceptKind::Concern, "concerns", corpus.taxonomy, c.source);
            check_concepts(c.clinician.approaches, ConceptKind::Approach, "approaches", corpus.taxonomy, c.source);
            clinicians.push_back(std::move(c));
        } catch (const InputError& e) { reject(e); }
    }
    corpus.clinicians = std::move(clinicians);
    std::unordered_set<std::string> clinician_ids;  // authors are looked up here: linear scans were O(n^2)
    for (const auto& c : corpus.clinicians) clinician_ids.insert(c.clinician.id);
    std::vector<LoadedArticle> articles;
    for (auto& a : corpus.articles) {
        try {
            unique(a.article.id, a.source);
            check_concepts(a.article.concerns, ConceptKind::Concern, "concerns", corpus.taxonomy, a.source);
            check_concepts(a.article.approaches, ConceptKind::Approach, "approaches", corpus.taxonomy, a.source);
            if (!a.article.author.empty() && !clinician_ids.count(a.article.author))
                a.source.fail("author", "unknown clinician id '" + a.article.author + "'");
            articles.push_back(std::move(a));
        } catch (const InputError& e) { reject(e); }
    }
    corpus.articles = std::move(articles);
}

}  // namespace

void read_jsonl_line(Corpus& corpus, const std::string& path, int number, const std::string& line) {
    SourceRef src{path, number, {}};
    if (line.size() > taxonomy::kMaxFileBytes) src.fail("line", "longer than 1 MiB");
    if (text::find_invalid_utf8(line) != std::string::npos) src.fail("line", "invalid UTF-8");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(line);
    } catch (const nlohmann::json::parse_error& e) {
        src.fail("json", std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
    } catch (const nlohmann::json::out_of_range& e) {
        // A number beyond the range of a double ("1e999").
        const std::string what = e.what();
        const auto quote = what.find('\'');
        src.fail("json", "number out of range: " +
                             (quote == std::string::npos ? what : what.substr(quote + 1, what.rfind('\'') - quote - 1)));
    }
    if (!j.is_object()) src.fail("line", "expected a JSON object");
    // Not j.value("type", ""): that throws a json type_error when "type" is not a string.
    const auto type_field = j.find("type");
    const std::string type = type_field != j.end() && type_field->is_string() ? type_field->get<std::string>() : "";
    if (type == "article") corpus.articles.push_back(parse_article_json(j, src));
    else if (type == "clinician") corpus.clinicians.push_back(parse_clinician_json(j, src));
    else src.fail("type", "must be \"article\" or \"clinician\"");
}

Corpus read_corpus(const ReadOptions& options) {
    Corpus corpus;
    std::string tax_path = options.taxonomy_path;
    if (tax_path.empty()) tax_path = (fs::path(options.corpus_dir.empty() ? "corpus" : options.corpus_dir) / "taxonomy.yaml").string();
    std::string crisis_path = options.crisis_path;
    if (crisis_path.empty()) crisis_path = (fs::path(tax_path).parent_path() / "crisis.yaml").string();
    corpus.taxonomy = taxonomy::load_taxonomy_yaml(tax_path);
    if (fs::exists(crisis_path)) corpus.crisis = taxonomy::load_crisis_yaml(crisis_path);

    Reader reader(corpus, options.strict);
    if (!options.corpus_dir.empty()) {
        const fs::path dir(options.corpus_dir);
        if (!fs::is_directory(dir)) throw InputError(options.corpus_dir + ": not a directory");
        for (const std::string& path : files_with_extension(dir / "articles", ".md"))
            reader.attempt([&] { corpus.articles.push_back(parse_article_markdown(taxonomy::read_text_file(path), path)); });
        for (const std::string& path : files_with_extension(dir / "clinicians", ".json"))
            reader.attempt([&] { corpus.clinicians.push_back(parse_clinician_file(taxonomy::read_text_file(path), path)); });
    }
    for (const std::string& path : options.jsonl_files) reader.read_jsonl(path);
    validate_references(corpus, options.strict);
    return corpus;
}

}  // namespace attune::indexer
