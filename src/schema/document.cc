#include "schema/document.h"

#include "schema/prefixes.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>

namespace attune::schema {
namespace {

// Positions of different fields are kept apart so phrases never match across a field boundary.
constexpr Xapian::termpos kFieldGap = 100;

}  // namespace

std::string encode_data(const nlohmann::json& record_without_body, const std::string& body) {
    std::string out = record_without_body.dump();
    out.push_back('\0');
    out += body;
    return out;
}

std::pair<std::string_view, std::string_view> split_data(std::string_view data) {
    const auto nul = data.find('\0');
    if (nul == std::string_view::npos) return {data, {}};
    return {data.substr(0, nul), data.substr(nul + 1)};
}

nlohmann::json decode_record(std::string_view data) {
    const auto [json_text, body] = split_data(data);
    nlohmann::json record = nlohmann::json::parse(json_text);
    if (record.value("type", "") == "article") record["body"] = std::string(body);
    return record;
}

std::string date_value(const std::string& iso_date) {
    std::string out;
    for (char c : iso_date)
        if (c != '-') out.push_back(c);
    return out;
}

DocumentBuilder::DocumentBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer)
    : m_taxonomy(taxonomy), m_analyzer(analyzer) {}

void DocumentBuilder::index_text(Xapian::Document& doc, const std::string& text, const char* field_prefix,
                                 Xapian::termcount wdf, std::vector<std::string>* spelling) {
    for (const auto& t : m_analyzer.analyze(text)) {
        ++m_pos;
        doc.add_posting(std::string(prefix::kText) + t.stem, m_pos, wdf);
        doc.add_term(std::string(field_prefix) + t.stem);
        if (spelling && !t.stop && t.word.size() > 2) spelling->push_back(t.word);
    }
    m_pos += kFieldGap;
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
    doc.set_data(encode_data(record, a.body));
    return out;
}

BuiltDocument DocumentBuilder::build(const Clinician& c) {
    BuiltDocument out;
    Xapian::Document& doc = out.document;
    m_pos = 0;
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
    doc.set_data(encode_data(record, ""));
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
