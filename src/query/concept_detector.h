#pragma once
#include "taxonomy/phrase_matcher.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <string>
#include <string_view>
#include <vector>

namespace attune::query {

/** A concept the query is about, with the evidence. */
struct DetectedConcept {
    std::string id;
    taxonomy::ConceptKind kind = taxonomy::ConceptKind::Concern;
    std::string label;
    double score = 0;                  ///< relative strength, larger is stronger
    std::vector<std::string> matched;  ///< the query's own words that matched, as typed
    std::vector<std::string> phrases;  ///< the taxonomy phrases they matched
};

/** What the query is about: concepts strongest first, and whether it signals danger. */
struct Detection {
    std::vector<DetectedConcept> concepts;
    std::vector<std::string> crisis_concepts;  ///< crisis concept ids found (e.g. suicidal-thoughts)
    std::vector<std::string> crisis_matched;   ///< the words that triggered it, as typed
    std::vector<std::string> negated;          ///< concept ids seen only under a negation

    /** Canonical text for golden tests: "anxiety(2.40) panic(1.00) crisis[...]". */
    std::string describe() const;
};

/**
 * Finds taxonomy concepts in analysed text with the phrase matcher. Negated phrases do not
 * count, except for crisis phrases: safety comes first, so "I'm not suicidal but..." still shows help.
 */
class ConceptDetector {
public:
    ConceptDetector(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    Detection detect(const std::vector<text::Token>& tokens, std::string_view original) const;

    const taxonomy::PhraseMatcher& matcher() const { return m_matcher; }

private:
    const taxonomy::Taxonomy& m_taxonomy;
    taxonomy::PhraseMatcher m_matcher;
};

}  // namespace attune::query
