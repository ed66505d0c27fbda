#include "query/query_builder.h"

#include "schema/prefixes.h"

#include <algorithm>

namespace attune::query {
namespace {

Xapian::Query or_of(const std::vector<Xapian::Query>& parts, Xapian::Query::op op = Xapian::Query::OP_OR) {
    if (parts.empty()) return Xapian::Query();
    if (parts.size() == 1) return parts.front();
    return Xapian::Query(op, parts.begin(), parts.end());
}

Xapian::Query terms_of(const char* prefix, const std::vector<std::string>& values, bool fold_values) {
    std::vector<Xapian::Query> parts;
    for (const std::string& v : values) parts.emplace_back(prefix + (fold_values ? text::fold(v) : v));
    return or_of(parts);
}

}  // namespace

bool Filters::empty() const {
    return types.empty() && concerns.empty() && approaches.empty() && languages.empty() && populations.empty() &&
           formats.empty() && !accepting_only;
}

QueryBuilder::QueryBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer)
    : m_taxonomy(taxonomy) {
    // Phrases are analysed once here, not per query: the label first, then the shortest phrases,
    // which generalise best (long first-person sentences rarely occur verbatim in documents).
    for (const auto& def : taxonomy.concepts()) {
        std::vector<const std::string*> ordered;
        for (const std::string& p : def.phrases) ordered.push_back(&p);
        std::stable_sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) { return a->size() < b->size(); });
        ordered.insert(ordered.begin(), &def.label);
        auto& list = m_phrases[def.id];
        for (const std::string* p : ordered) {
            AnalyzedPhrase phrase;
            for (const auto& t : analyzer.analyze(*p))
                if (!t.stop) phrase.emplace_back(t.stem, t.word);
            if (!phrase.empty()) list.push_back(std::move(phrase));
        }
    }
}

Xapian::Query QueryBuilder::text_query(const std::vector<text::Token>& tokens, std::string_view original,
                                       bool prefix_last, QueryPlan* plan) const {
    const bool all_stop = std::all_of(tokens.begin(), tokens.end(), [](const auto& t) { return t.stop; });
    std::vector<Xapian::Query> parts;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const text::Token& t = tokens[i];
        if (t.stop && !all_stop) continue;
        const bool star = t.end < original.size() && original[t.end] == '*';
        const bool last_partial = prefix_last && i + 1 == tokens.size() && t.at_end;
        if ((star || last_partial) && t.word.size() >= 2) {
            // Wildcards expand to at most 100 terms; the most frequent are kept.
            parts.emplace_back(Xapian::Query::OP_WILDCARD, std::string(schema::prefix::kText) + t.word, 100,
                               Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
            // The word itself may also be complete ("anxiety" typed in full).
            parts.emplace_back(std::string(schema::prefix::kText) + t.stem);
        } else {
            parts.emplace_back(std::string(schema::prefix::kText) + t.stem);
        }
        if (plan) {
            plan->words.push_back(t.word);
            plan->user_stems.push_back(t.stem);
            plan->display.emplace(t.stem, t.word);
        }
    }
    return or_of(parts);
}

Xapian::Query QueryBuilder::concept_query(const DetectedConcept& c, double scale, const QueryWeights& w,
                                          QueryPlan& plan) const {
    const taxonomy::Concept* def = m_taxonomy.find(c.id);
    if (!def) return Xapian::Query();
    const char* prefix = c.kind == taxonomy::ConceptKind::Concern ? schema::prefix::kConcern : schema::prefix::kApproach;
    Xapian::Query tag(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(prefix + c.id), w.tag_boost * scale);
    // Documents whose text uses the concept's label or phrases carry its evidence term (found at
    // index time by the same PhraseMatcher as concept detection): one posting list, no positions.
    Xapian::Query evidence(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(schema::prefix::kEvidence + c.id),
                           w.phrase_boost * scale);
    Xapian::Query main(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(schema::prefix::kMainConcept + c.id),
                       w.main_boost * scale);
    if (auto found = m_phrases.find(c.id); found != m_phrases.end())
        for (std::size_t i = 0; i < found->second.size() && i < w.max_phrases; ++i)
            for (const auto& [stem, word] : found->second[i]) {
                plan.related_terms.push_back(std::string(schema::prefix::kText) + stem);
                plan.display.emplace(stem, word);
            }
    const Xapian::Query parts[] = {tag, evidence, main};
    return Xapian::Query(Xapian::Query::OP_OR, std::begin(parts), std::end(parts));
}

Xapian::Query QueryBuilder::filter_query(const Filters& f) const {
    namespace p = schema::prefix;
    std::vector<Xapian::Query> parts;
    auto add = [&](Xapian::Query q) { if (!q.empty()) parts.push_back(std::move(q)); };
    std::vector<std::string> concern_terms, approach_terms;
    add(terms_of(p::kType, f.types, false));
    add(terms_of(p::kConcern, f.concerns, false));
    add(terms_of(p::kApproach, f.approaches, false));
    add(terms_of(p::kLanguage, f.languages, true));
    add(terms_of(p::kPopulation, f.populations, false));
    add(terms_of(p::kFormat, f.formats, false));
    if (f.accepting_only) add(Xapian::Query(std::string(p::kAccepting) + "yes"));
    return or_of(parts, Xapian::Query::OP_AND);
}

QueryPlan QueryBuilder::build(const std::vector<text::Token>& tokens, std::string_view original,
                              const Detection& detection, const std::vector<TextConstraint>& constraints,
                              const Filters& filters, const BuildOptions& options) const {
    QueryPlan plan;
    plan.text = text_query(tokens, original, options.prefix_last, &plan);
    std::vector<Xapian::Query> boosts;
    // Words of the title or name count again, so a visitor typing a title or a clinician's name finds it.
    std::vector<Xapian::Query> title_terms;
    for (const std::string& stem : plan.user_stems) title_terms.emplace_back(std::string(schema::prefix::kTitle) + stem);
    if (!title_terms.empty() && options.weights.title_boost > 0)
        boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, or_of(title_terms), options.weights.title_boost);
    plan.constraints = constraints;
    for (const TextConstraint& c : constraints) {
        auto* source = new Xapian::FixedWeightPostingSource(options.weights.constraint_boost);
        boosts.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(source->release()), Xapian::Query(c.term));
    }
    const double top = detection.concepts.empty() ? 1.0 : detection.concepts.front().score;
    for (std::size_t i = 0; i < detection.concepts.size() && i < options.weights.max_concepts; ++i) {
        const DetectedConcept& c = detection.concepts[i];
        Xapian::Query q = concept_query(c, c.score / top, options.weights, plan);
        if (!q.empty()) boosts.push_back(std::move(q));
    }
    plan.concepts = or_of(boosts);
    Xapian::Query matcher = plan.concepts.empty() ? plan.text
                            : plan.text.empty()   ? plan.concepts
                                                  : Xapian::Query(Xapian::Query::OP_OR, plan.text, plan.concepts);
    const Xapian::Query filter = filter_query(filters);
    if (matcher.empty()) matcher = filter.empty() ? Xapian::Query() : Xapian::Query::MatchAll;
    plan.combined = filter.empty() ? matcher : Xapian::Query(Xapian::Query::OP_FILTER, matcher, filter);
    return plan;
}

}  // namespace attune::query
