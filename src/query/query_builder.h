#pragma once
#include "query/concept_detector.h"
#include "query/constraints.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <xapian.h>

#include <map>
#include <string>
#include <vector>

namespace attune::query {

/** Tunable weights of the query; defaults are tuned on queries/ (see docs/DESIGN.md). */
struct QueryWeights {
    double tag_boost = 1.5;      ///< per unit of concept score, for documents tagged with the concept
    double phrase_boost = 0.6;   ///< per unit of concept score, for documents using the concept's phrases (XE term)
    double main_boost = 1.0;     ///< per unit of concept score, for the Learn page whose main concept it is
    std::size_t max_phrases = 3;   ///< phrases per concept whose words `why` may list as related words
    std::size_t max_concepts = 5;  ///< concepts used in the query
    double constraint_boost = 4.0; ///< fixed weight for each constraint written in the text that a document meets
    double title_boost = 1.0;      ///< scale of BM25 on title and name words (navigational queries)
};

/** Hard filters: OR within a field, AND across fields. */
struct Filters {
    std::vector<std::string> types;  ///< article | clinician
    std::vector<std::string> concerns;
    std::vector<std::string> approaches;
    std::vector<std::string> languages;
    std::vector<std::string> populations;
    std::vector<std::string> formats;
    bool accepting_only = false;

    bool empty() const;
};

struct BuildOptions {
    bool prefix_last = false;  ///< as-you-type: the last word may be incomplete
    QueryWeights weights;
};

/** A built query and what went into it. */
struct QueryPlan {
    Xapian::Query text;       ///< the user's words (BM25 over all text fields)
    Xapian::Query concepts;   ///< concept boosts; empty when no concept was found
    Xapian::Query combined;   ///< text OR concepts, filtered
    std::vector<std::string> words;  ///< folded words used as terms
    std::map<std::string, std::string> display;  ///< stem -> a word to show for it in `why`
    std::vector<std::string> user_stems;         ///< stems of the user's own words
    std::vector<std::string> related_terms;      ///< Z terms of the concepts' label and phrase words: not
                                                 ///< searched, but `why` names those a result uses
    std::vector<TextConstraint> constraints;     ///< constraints found in the text (they boost, not filter)

    std::string describe() const { return combined.get_description(); }
};

/**
 * Builds Xapian queries from analysed text. Never throws on user text: there is no query syntax
 * to get wrong; a trailing '*' or prefix_last makes the last word a prefix.
 */
class QueryBuilder {
public:
    QueryBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    QueryPlan build(const std::vector<text::Token>& tokens, std::string_view original, const Detection& detection,
                    const std::vector<TextConstraint>& constraints, const Filters& filters,
                    const BuildOptions& options) const;

    /** The user's words only: the plain-BM25 baseline. */
    Xapian::Query text_query(const std::vector<text::Token>& tokens, std::string_view original, bool prefix_last,
                             QueryPlan* plan) const;

    Xapian::Query filter_query(const Filters& filters) const;

private:
    Xapian::Query concept_query(const DetectedConcept& c, double scale, const QueryWeights& w, QueryPlan& plan) const;
    using AnalyzedPhrase = std::vector<std::pair<std::string, std::string>>;  ///< (stem, word) of content words

    const taxonomy::Taxonomy& m_taxonomy;
    std::map<std::string, std::vector<AnalyzedPhrase>> m_phrases;  ///< concept id -> label, then phrases
};

}  // namespace attune::query
