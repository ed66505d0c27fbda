#include "results/result.h"

#include "schema/document.h"
#include "schema/prefixes.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <cmath>

namespace attune::results {
namespace {

// The subset of `wanted` (sorted) that the document has, read in one pass over its termlist
// (each termlist_begin() decodes the whole list, so asking term by term costs far more).
std::vector<std::string_view> present_terms(const Xapian::Document& doc, const std::vector<std::string>& wanted) {
    std::vector<std::string_view> present;
    Xapian::TermIterator it = doc.termlist_begin();
    const Xapian::TermIterator end = doc.termlist_end();
    for (const std::string& term : wanted) {
        it.skip_to(term);
        if (it == end) break;
        if (*it == term) present.push_back(term);
    }
    return present;
}

double round3(double v) { return std::round(v * 1000.0) / 1000.0; }

std::string quote_list(const std::vector<std::string>& items) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? " and " : ", ";
        out += "\"" + items[i] + "\"";
    }
    return out;
}

}  // namespace

namespace {
namespace p = schema::prefix;
struct FieldName {
    const char* prefix;
    const char* name;
};
constexpr FieldName kFields[] = {{p::kTitle, "title"}, {p::kHeading, "headings"}, {p::kSummary, "summary"},
                                 {p::kTopics, "listed concerns"}, {p::kBody, "text"}};

std::string concept_term(const query::DetectedConcept& c) {
    return (c.kind == taxonomy::ConceptKind::Concern ? p::kConcern : p::kApproach) + c.id;
}

std::string evidence_term(const query::DetectedConcept& c) { return p::kEvidence + c.id; }

bool is_word_term(const std::string& t) { return t.size() >= 2 && t[0] == 'Z' && !(t[1] >= 'A' && t[1] <= 'Z'); }
}  // namespace

WhyTerms::WhyTerms(const WhyContext& ctx, std::vector<std::string> query_terms) : m_query_terms(std::move(query_terms)) {
    std::sort(m_query_terms.begin(), m_query_terms.end());
    m_query_terms.erase(std::unique(m_query_terms.begin(), m_query_terms.end()), m_query_terms.end());
    for (const auto& c : ctx.detection.concepts) {
        m_wanted.push_back(concept_term(c));
        m_wanted.push_back(evidence_term(c));
    }
    for (const auto& c : ctx.constraints) m_wanted.push_back(c.term);
    for (const std::string& term : m_query_terms)
        if (is_word_term(term)) {
            m_wanted.push_back(term);
            for (const auto& f : kFields) m_wanted.push_back(f.prefix + term.substr(1));
        }
    std::sort(m_wanted.begin(), m_wanted.end());
    m_wanted.erase(std::unique(m_wanted.begin(), m_wanted.end()), m_wanted.end());
}

std::vector<std::string> explain_match(const WhyContext& ctx, const WhyTerms& terms, const Xapian::Document& doc,
                                       std::string_view evidence) {
    const std::vector<std::string_view> present = present_terms(doc, terms.wanted());
    auto doc_has_term = [&](const std::string& term) {
        return std::binary_search(present.begin(), present.end(), std::string_view(term));
    };
    const auto& query_terms = terms.query_terms();
    const auto& fields = kFields;

    std::vector<std::string> why;
    for (const auto& c : ctx.detection.concepts) {
        if (doc_has_term(concept_term(c))) {
            why.push_back("about " + c.label + (c.phrases.empty() ? " (suggested by " : " (you wrote ") +
                          quote_list(c.matched) + ")");
        } else if (doc_has_term(evidence_term(c))) {
            const std::vector<std::string> phrases = schema::evidence_phrases(evidence, c.id);
            why.push_back("discusses " + c.label + (phrases.empty() ? "" : " (uses " + quote_list(phrases) + ")"));
        }
    }
    for (const auto& c : ctx.constraints) {
        if (!doc_has_term(c.term)) continue;
        if (c.field == "language") why.push_back("speaks " + c.words);
        else if (c.field == "city" || c.field == "region") why.push_back("in " + c.words);
        else if (c.field == "insurance") why.push_back("takes " + c.words);
        else if (c.field == "format") why.push_back("offers " + c.value);
        else why.push_back("works with " + c.value);
    }
    std::vector<std::string> own_words, related_words;
    for (const std::string& term : query_terms) {
        if (!is_word_term(term) || !doc_has_term(term)) continue;
        const std::string stem = term.substr(1);
        const bool own = std::find(ctx.user_stems.begin(), ctx.user_stems.end(), stem) != ctx.user_stems.end();
        std::string where;
        for (const auto& f : fields)
            if (doc_has_term(f.prefix + stem)) { where = f.name; break; }
        const auto shown = ctx.display.find(stem);
        const std::string word = shown == ctx.display.end() ? stem : shown->second;
        const std::string desc = word + (where.empty() ? "" : " (" + where + ")");
        (own ? own_words : related_words).push_back(desc);
    }
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
        return out;
    };
    if (!own_words.empty()) why.push_back("matches your words: " + join(own_words));
    if (related_words.size() > 5) related_words.resize(5);
    if (!related_words.empty()) why.push_back("uses related words: " + join(related_words));
    return why;
}

nlohmann::json concepts_json(const query::Detection& detection) {
    nlohmann::json concepts = nlohmann::json::array();
    for (const auto& c : detection.concepts)
        concepts.push_back({{"id", c.id}, {"kind", taxonomy::kind_name(c.kind)}, {"label", c.label},
                            {"score", round3(c.score)}, {"matched", c.matched}});
    return concepts;
}

nlohmann::json crisis_json(const std::optional<CrisisNotice>& crisis) {
    if (!crisis) return nullptr;
    nlohmann::json res = nlohmann::json::array();
    for (const auto& x : crisis->resources) res.push_back({{"name", x.name}, {"contact", x.contact}, {"url", x.url}});
    return {{"message", crisis->message}, {"concepts", crisis->concepts}, {"resources", res}};
}

nlohmann::json to_json(const SearchResponse& r) {
    using nlohmann::json;
    const json concepts = concepts_json(r.detection);
    const json crisis = crisis_json(r.crisis);
    json articles = json::array();
    for (const auto& a : r.articles)
        articles.push_back({{"id", a.record.id}, {"title", a.record.title}, {"url", a.record.url},
                            {"kind", a.record.kind}, {"score", round3(a.score)}, {"concerns", a.record.concerns},
                            {"approaches", a.record.approaches}, {"summary", a.record.summary},
                            {"author", a.record.author}, {"updated", a.record.updated}, {"snippet", a.snippet},
                            {"why", a.why}});
    json clinicians = json::array();
    for (const auto& h : r.clinicians) {
        const auto& c = h.record;
        clinicians.push_back({{"id", c.id}, {"name", c.name}, {"credentials", c.credentials}, {"url", c.url},
                              {"score", round3(h.score)}, {"concerns", c.concerns}, {"approaches", c.approaches},
                              {"populations", c.populations}, {"languages", c.languages}, {"formats", c.formats},
                              {"accepting_new_clients", c.accepting_new_clients},
                              {"location", schema::to_json(c.location)}, {"fictional", c.fictional},
                              {"snippet", h.snippet}, {"why", h.why}});
    }
    json out = {{"query", r.query},
                {"concepts", concepts},
                {"crisis", crisis},
                {"suggestion", r.suggestion ? json(*r.suggestion) : json(nullptr)},
                {"articles", articles},
                {"clinicians", clinicians},
                {"total", {{"articles", r.total_articles}, {"clinicians", r.total_clinicians}}},
                {"took_ms", round3(r.took_ms)}};
    if (!r.explain.empty()) out["explain"] = r.explain;
    if (r.facets) out["facets"] = *r.facets;
    return out;
}

}  // namespace attune::results
