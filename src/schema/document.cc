#include "schema/document.h"

#include "schema/prefixes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

namespace attune::schema {
namespace {

// Positions of different fields are kept apart so phrases never match across a field boundary.
constexpr Xapian::termpos kFieldGap = 100;

}  // namespace

namespace {

// Tabs, newlines and NULs separate the evidence part; taxonomy text never needs them.
void append_clean(std::string& out, std::string_view text) {
    for (char c : text) out.push_back(c == '\t' || c == '\n' || c == '\0' ? ' ' : c);
}

}  // namespace

std::string encode_data(const nlohmann::json& record_without_body, const std::string& body,
                        const std::vector<ConceptEvidence>& evidence) {
    std::string out = record_without_body.dump();
    out.push_back('\0');
    for (const ConceptEvidence& e : evidence) {
        append_clean(out, e.concept_id);
        for (const std::string& p : e.phrases) {
            out.push_back('\t');
            append_clean(out, p);
        }
        out.push_back('\n');
    }
    out.push_back('\0');
    out += body;
    return out;
}

DataParts split_data(std::string_view data) {
    DataParts parts;
    const auto first = data.find('\0');
    if (first == std::string_view::npos) {
        parts.json = data;
        return parts;
    }
    parts.json = data.substr(0, first);
    const auto second = data.find('\0', first + 1);
    if (second == std::string_view::npos) {
        parts.body = data.substr(first + 1);
        return parts;
    }
    parts.evidence = data.substr(first + 1, second - first - 1);
    parts.body = data.substr(second + 1);
    return parts;
}

std::vector<std::string> evidence_phrases(std::string_view evidence, std::string_view concept_id) {
    constexpr auto npos = std::string_view::npos;
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < evidence.size()) {
        std::size_t eol = evidence.find('\n', start);
        if (eol == npos) eol = evidence.size();
        const std::string_view line = evidence.substr(start, eol - start);
        start = eol + 1;
        std::size_t tab = line.find('\t');
        if (line.substr(0, tab) != concept_id) continue;
        while (tab != npos) {
            const std::size_t next = line.find('\t', tab + 1);
            out.emplace_back(line.substr(tab + 1, next == npos ? npos : next - tab - 1));
            tab = next;
        }
        break;
    }
    return out;
}

nlohmann::json decode_record(std::string_view data) {
    const DataParts parts = split_data(data);
    nlohmann::json record = nlohmann::json::parse(parts.json);
    if (record.value("type", "") == "article") record["body"] = std::string(parts.body);
    return record;
}

std::string date_value(const std::string& iso_date) {
    std::string out;
    for (char c : iso_date)
        if (c != '-') out.push_back(c);
    return out;
}

DocumentBuilder::DocumentBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer)
    : m_taxonomy(taxonomy), m_analyzer(analyzer), m_matcher(taxonomy, analyzer) {
    // The label and the shortest phrases generalise best; long first-person sentences and their
    // loose matches would count passing mentions as evidence.
    const auto& concepts = taxonomy.concepts();
    for (std::size_t i = 0; i < concepts.size(); ++i) {
        std::vector<const std::string*> ordered;
        for (const std::string& p : concepts[i].phrases) ordered.push_back(&p);
        std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->size() < b->size(); });
        ordered.insert(ordered.begin(), &concepts[i].label);
        for (std::size_t k = 0; k < ordered.size() && k < kEvidencePhrasesPerConcept; ++k)
            m_evidence_phrases.emplace(i, *ordered[k]);
    }
}

void DocumentBuilder::index_text(Xapian::Document& doc, const std::string& text, const char* field_prefix,
                                 Xapian::termcount wdf, std::vector<std::string>* spelling) {
    const auto tokens = m_analyzer.analyze(text);
    for (const auto& t : tokens) {
        ++m_pos;
        doc.add_posting(std::string(prefix::kText) + t.stem, m_pos, wdf);
        doc.add_term(std::string(field_prefix) + t.stem);
        if (spelling && !t.stop && t.word.size() > 2) spelling->push_back(t.word);
    }
    m_pos += kFieldGap;
    collect_evidence(tokens, wdf);
}

void DocumentBuilder::collect_evidence(const std::vector<text::Token>& tokens, Xapian::termcount wdf) {
    // One occurrence per concept and starting word: "panic attack" also matching "panic" counts once.
    std::set<std::pair<std::size_t, std::size_t>> counted;
    for (const taxonomy::PhraseMatch& m : m_matcher.match(tokens)) {
        if (m.negated) continue;  // "I was never anxious" is no evidence of anxiety
        if (!m_evidence_phrases.count({m.concept_index, m.phrase})) continue;
        Found& f = m_found[m.concept_index];
        ++f.phrases[m.phrase];
        if (counted.emplace(m.concept_index, m.first_token).second) f.wdf += wdf;
    }
}

std::vector<ConceptEvidence> DocumentBuilder::add_evidence(Xapian::Document& doc) {
    std::vector<ConceptEvidence> out;
    const auto& concepts = m_taxonomy.concepts();
    for (const auto& [index, found] : m_found) {
        doc.add_term(std::string(prefix::kEvidence) + concepts[index].id, found.wdf);
        std::vector<std::pair<std::string, Xapian::termcount>> ranked(found.phrases.begin(), found.phrases.end());
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) { return x.second > y.second; });
        if (ranked.size() > kMaxEvidencePhrases) ranked.resize(kMaxEvidencePhrases);
        ConceptEvidence e{concepts[index].id, {}};
        for (auto& [phrase, count] : ranked) e.phrases.push_back(std::move(phrase));
        out.push_back(std::move(e));
    }
    m_found.clear();
    return out;
}

void DocumentBuilder::add_concepts(Xapian::Document& doc, const std::vector<std::string>& ids, const char* prefix) {
    // Concept terms carry wdf 1 (not boolean) so concept boosts can weight them with BM25.
    for (const std::string& id : ids) {
        doc.add_term(std::string(prefix) + id);
        for (const std::string& up : m_taxonomy.ancestors(id)) doc.add_term(std::string(prefix) + up);
    }
}

BuiltDocument DocumentBuilder::build(const Article& a) {
    BuiltDocument out;
    Xapian::Document& doc = out.document;
    m_pos = 0;
    m_found.clear();
    out.id_term = std::string(prefix::kId) + a.id;
    doc.add_boolean_term(out.id_term);
    doc.add_boolean_term(std::string(prefix::kType) + "article");
    doc.add_boolean_term(std::string(prefix::kArticleKind) + a.kind);
    if (!a.author.empty()) doc.add_boolean_term(std::string(prefix::kAuthor) + a.author);
    index_text(doc, a.title, prefix::kTitle, weight::kTitle, &out.spelling_words);
    for (const std::string& h : a.headings) index_text(doc, h, prefix::kHeading, weight::kHeading, nullptr);
    index_text(doc, a.summary, prefix::kSummary, weight::kSummary, nullptr);
    index_text(doc, a.body, prefix::kBody, weight::kBody, nullptr);
    add_concepts(doc, a.concerns, prefix::kConcern);
    add_concepts(doc, a.approaches, prefix::kApproach);
    const auto& main_list = a.kind == "approach" ? a.approaches : a.concerns;
    if ((a.kind == "approach" || a.kind == "concern") && !main_list.empty())
        doc.add_term(std::string(prefix::kMainConcept) + main_list.front());
    doc.add_value(slot::kUpdated, date_value(a.updated));
    doc.add_value(slot::kDisplay, a.title);
    doc.add_value(slot::kId, a.id);
    nlohmann::json record = to_json(a);
    doc.add_value(slot::kContentHash, content_hash(record.dump()));
    record.erase("body");
    doc.set_data(encode_data(record, a.body, add_evidence(doc)));
    return out;
}

BuiltDocument DocumentBuilder::build(const Clinician& c) {
    BuiltDocument out;
    Xapian::Document& doc = out.document;
    m_pos = 0;
    m_found.clear();
    out.id_term = std::string(prefix::kId) + c.id;
    doc.add_boolean_term(out.id_term);
    doc.add_boolean_term(std::string(prefix::kType) + "clinician");
    index_text(doc, c.name, prefix::kTitle, weight::kTitle, &out.spelling_words);
    std::string topics;
    for (const auto* ids : {&c.concerns, &c.approaches})
        for (const std::string& id : *ids)
            if (const auto* def = m_taxonomy.find(id)) topics += def->label + ". ";
    index_text(doc, topics, prefix::kTopics, weight::kTopics, nullptr);
    index_text(doc, c.bio, prefix::kBody, weight::kBody, nullptr);
    std::string facts = c.credentials + ". " + c.location.city + ". ";
    for (const auto* list : {&c.languages, &c.populations, &c.formats})
        for (const std::string& s : *list) facts += s + ". ";
    index_text(doc, facts, prefix::kBody, weight::kBody, nullptr);
    add_concepts(doc, c.concerns, prefix::kConcern);
    add_concepts(doc, c.approaches, prefix::kApproach);
    for (const std::string& p : c.populations) doc.add_boolean_term(std::string(prefix::kPopulation) + p);
    for (const std::string& l : c.languages) doc.add_boolean_term(std::string(prefix::kLanguage) + text::fold(l));
    for (const std::string& f : c.formats) doc.add_boolean_term(std::string(prefix::kFormat) + f);
    for (const std::string& i : c.insurance) doc.add_boolean_term(std::string(prefix::kInsurance) + text::fold(i));
    if (c.accepting_new_clients) doc.add_boolean_term(std::string(prefix::kAccepting) + "yes");
    if (!c.location.city.empty()) doc.add_boolean_term(std::string(prefix::kCity) + text::fold(c.location.city));
    if (!c.location.region.empty()) doc.add_boolean_term(std::string(prefix::kRegion) + text::fold(c.location.region));
    if (!c.location.country.empty()) doc.add_boolean_term(std::string(prefix::kCountry) + text::fold(c.location.country));
    if (c.fee.min) doc.add_value(slot::kFeeMin, Xapian::sortable_serialise(*c.fee.min));
    if (c.fee.max) doc.add_value(slot::kFeeMax, Xapian::sortable_serialise(*c.fee.max));
    if (c.location.lat && c.location.lon)
        doc.add_value(slot::kLatLong, Xapian::LatLongCoord(*c.location.lat, *c.location.lon).serialise());
    if (!c.availability_confirmed.empty()) doc.add_value(slot::kConfirmed, date_value(c.availability_confirmed));
    doc.add_value(slot::kAccepting, c.accepting_new_clients ? "1" : "0");
    doc.add_value(slot::kDisplay, c.name);
    doc.add_value(slot::kId, c.id);
    const nlohmann::json record = to_json(c);
    doc.add_value(slot::kContentHash, content_hash(record.dump()));
    doc.set_data(encode_data(record, "", add_evidence(doc)));
    return out;
}

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : text) h = (h ^ c) * 0x100000001b3ull;
    return h;
}

std::string content_hash(std::string_view text) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(fnv1a64(text)));
    return buf;
}

}  // namespace attune::schema
