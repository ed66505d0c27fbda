#include "corpus_reader.h"

#include "schema/document.h"
#include "taxonomy/taxonomy_yaml.h"
#include "text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <unordered_map>

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

/** One JSONL line as an article or a clinician; InputError when it cannot be used. */
struct ParsedLine {
    std::optional<LoadedArticle> article;
    std::optional<LoadedClinician> clinician;
};

ParsedLine parse_jsonl(const std::string& path, int number, const std::string& line) {
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
    ParsedLine out;
    if (type == "article") out.article = parse_article_json(j, src);
    else if (type == "clinician") out.clinician = parse_clinician_json(j, src);
    else src.fail("type", "must be \"article\" or \"clinician\"");
    return out;
}

bool blank(const std::string& line) { return line.find_first_not_of(" \t\r") == std::string::npos; }

}  // namespace

struct CorpusScan::Pending {
    std::string id;
    std::string author;
    int id_line = 0;
    int author_line = 0;
    std::string concept_error;
};

CorpusScan::CorpusScan(const ReadOptions& options) : m_options(options) {
    std::string tax_path = options.taxonomy_path;
    if (tax_path.empty()) tax_path = (fs::path(options.corpus_dir.empty() ? "corpus" : options.corpus_dir) / "taxonomy.yaml").string();
    std::string crisis_path = options.crisis_path;
    if (crisis_path.empty()) crisis_path = (fs::path(tax_path).parent_path() / "crisis.yaml").string();
    m_taxonomy = taxonomy::load_taxonomy_yaml(tax_path);
    if (fs::exists(crisis_path)) m_crisis = taxonomy::load_crisis_yaml(crisis_path);

    if (!options.corpus_dir.empty()) {
        const fs::path dir(options.corpus_dir);
        if (!fs::is_directory(dir)) throw InputError(options.corpus_dir + ": not a directory");
        for (std::string& path : files_with_extension(dir / "articles", ".md")) m_files.push_back({std::move(path), File::Format::Markdown});
        for (std::string& path : files_with_extension(dir / "clinicians", ".json")) m_files.push_back({std::move(path), File::Format::Json});
    }
    for (const std::string& path : options.jsonl_files) m_files.push_back({path, File::Format::Jsonl});
    std::vector<Pending> pending;
    for (std::uint32_t f = 0; f < m_files.size(); ++f) scan_file(f, pending);
    check_references(pending);
}

void CorpusScan::reject(const InputError& e) {
    if (m_options.strict) throw e;
    m_errors.push_back(e.what());
}

void CorpusScan::scan_file(std::uint32_t f, std::vector<Pending>& pending) {
    const File& file = m_files[f];
    auto attempt = [&](auto&& fn) {
        try {
            fn();
        } catch (const InputError& e) { reject(e); }
    };
    if (file.format == File::Format::Markdown) {
        attempt([&] {
            const LoadedArticle a = parse_article_markdown(taxonomy::read_text_file(file.path), file.path);
            add_entry({0, schema::fnv1a64(a.article.id), f, 0, false}, a.source, &a.article, nullptr, pending);
        });
        return;
    }
    if (file.format == File::Format::Json) {
        attempt([&] {
            const LoadedClinician c = parse_clinician_file(taxonomy::read_text_file(file.path), file.path);
            add_entry({0, schema::fnv1a64(c.clinician.id), f, 0, true}, c.source, nullptr, &c.clinician, pending);
        });
        return;
    }
    std::ifstream in(file.path, std::ios::binary);
    if (!in) throw InputError(file.path + ": cannot open file");
    std::string line;
    std::uint64_t offset = 0;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const std::uint64_t start = offset;
        offset += line.size() + 1;
        if (blank(line)) continue;
        attempt([&] {
            const ParsedLine p = parse_jsonl(file.path, number, line);
            if (p.article)
                add_entry({start, schema::fnv1a64(p.article->article.id), f, number, false}, p.article->source, &p.article->article, nullptr, pending);
            else
                add_entry({start, schema::fnv1a64(p.clinician->clinician.id), f, number, true}, p.clinician->source, nullptr, &p.clinician->clinician, pending);
        });
    }
}

void CorpusScan::add_entry(const Entry& entry, const SourceRef& source, const schema::Article* article,
                           const schema::Clinician* clinician, std::vector<Pending>& pending) {
    using taxonomy::ConceptKind;
    Pending p;
    p.id = article ? article->id : clinician->id;
    p.id_line = source.line_of("id");
    try {
        const auto& concerns = article ? article->concerns : clinician->concerns;
        const auto& approaches = article ? article->approaches : clinician->approaches;
        check_concepts(concerns, ConceptKind::Concern, "concerns", m_taxonomy, source);
        check_concepts(approaches, ConceptKind::Approach, "approaches", m_taxonomy, source);
    } catch (const InputError& e) {
        p.concept_error = e.what();
    }
    if (article && !article->author.empty()) {
        p.author = article->author;
        p.author_line = source.line_of("author");
    }
    m_entries.push_back(entry);
    pending.push_back(std::move(p));
}

// Cross-document checks, clinicians first (an article cannot take a clinician's id), then articles:
// unique ids, known concepts, known authors. Failing documents are left out.
void CorpusScan::check_references(std::vector<Pending>& pending) {
    std::unordered_map<std::string, std::uint32_t> first_seen;  // id -> entry; authors are looked up here too
    first_seen.reserve(m_entries.size());
    std::vector<char> ok(m_entries.size(), 0);
    auto where = [&](std::uint32_t k, int line) { return m_files[m_entries[k].file].path + ":" + std::to_string(line); };
    for (const bool clinicians : {true, false}) {
        for (std::uint32_t k = 0; k < m_entries.size(); ++k) {
            if (m_entries[k].clinician != clinicians) continue;
            const Pending& p = pending[k];
            try {
                const auto [it, fresh] = first_seen.emplace(p.id, k);
                if (!fresh)
                    throw InputError(where(k, p.id_line) + ": id: duplicate id '" + p.id + "' (first defined at " +
                                     where(it->second, pending[it->second].id_line) + ")");
                if (!p.concept_error.empty()) throw InputError(p.concept_error);
                if (!p.author.empty()) {
                    const auto author = first_seen.find(p.author);
                    if (author == first_seen.end() || !m_entries[author->second].clinician || !ok[author->second])
                        throw InputError(where(k, p.author_line) + ": author: unknown clinician id '" + p.author + "'");
                }
                ok[k] = 1;
            } catch (const InputError& e) { reject(e); }
        }
    }
    for (std::uint32_t k = 0; k < m_entries.size(); ++k)
        if (ok[k]) m_accepted.push_back(k);
}

void CorpusScan::read(std::size_t begin, std::size_t end, const DocumentVisitor& visit) const {
    std::ifstream in;
    std::uint32_t open_file = std::numeric_limits<std::uint32_t>::max();
    std::uint64_t next_offset = 0;
    std::string line;
    for (std::size_t i = begin; i < end && i < m_accepted.size(); ++i) {
        const Entry& e = m_entries[m_accepted[i]];
        const File& file = m_files[e.file];
        const auto changed = [&] {
            return InputError(file.path + (e.line ? ":" + std::to_string(e.line) : "") +
                              ": changed while it was being indexed; index again");
        };
        ParsedLine doc;
        try {
            if (file.format == File::Format::Markdown) {
                doc.article = parse_article_markdown(taxonomy::read_text_file(file.path), file.path);
            } else if (file.format == File::Format::Json) {
                doc.clinician = parse_clinician_file(taxonomy::read_text_file(file.path), file.path);
            } else {
                if (open_file != e.file) {
                    in = std::ifstream(file.path, std::ios::binary);
                    open_file = e.file;
                    next_offset = 0;
                }
                if (next_offset != e.offset) {
                    in.clear();
                    in.seekg(static_cast<std::streamoff>(e.offset));
                }
                if (!in || !std::getline(in, line)) throw changed();
                next_offset = e.offset + line.size() + 1;
                doc = parse_jsonl(file.path, e.line, line);
            }
        } catch (const InputError&) {
            throw changed();
        }
        const std::string& id = doc.article ? doc.article->article.id : doc.clinician->clinician.id;
        if (schema::fnv1a64(id) != e.id_hash || doc.clinician.has_value() != e.clinician) throw changed();
        if (doc.article) visit.article(*doc.article);
        else visit.clinician(*doc.clinician);
    }
}

void read_jsonl_line(Corpus& corpus, const std::string& path, int number, const std::string& line) {
    ParsedLine p = parse_jsonl(path, number, line);
    if (p.article) corpus.articles.push_back(std::move(*p.article));
    else corpus.clinicians.push_back(std::move(*p.clinician));
}

Corpus read_corpus(const ReadOptions& options) {
    const CorpusScan scan(options);
    Corpus corpus;
    corpus.taxonomy = scan.taxonomy();
    corpus.crisis = scan.crisis();
    corpus.errors = scan.errors();
    scan.read(0, scan.size(), {[&](const LoadedArticle& a) { corpus.articles.push_back(a); },
                               [&](const LoadedClinician& c) { corpus.clinicians.push_back(c); }});
    return corpus;
}

}  // namespace attune::indexer
