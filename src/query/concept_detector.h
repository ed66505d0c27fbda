#pragma once
#include "taxonomy/concept_profiles.h"
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
    std::vector<std::string> phrases;  ///< the taxonomy phrases they matched (empty: found by the profiles only)
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

/** How phrase matches and the statistical profiles combine; tuned on queries/ and the dev split. */
struct DetectorWeights {
    double profile_share = 1.0;      ///< the strongest profile concept is worth this many phrase units
    double profile_saturation = 6.0; ///< profile score at which its confidence is full
    double profile_min = 1.5;        ///< profile scores below this are ignored
    double profile_ratio = 0.5;      ///< profile concepts weaker than this share of the best are ignored
    std::size_t profile_max = 4;     ///< profile concepts considered per text
    double lead_boost = 3.0;         ///< weight of matches in the first `lead_tokens` words (people name the topic first)
    std::size_t lead_tokens = 20;
    double profile_per_token = 0.0;  ///< profile share grows with text length: share * (1 + this * tokens)
    double single_word_floor = 0.35; ///< weight of a one-word phrase the profiles say little for
    double single_word_full = 1.0;   ///< profile log-odds at which a one-word phrase counts fully
};

/**
 * Finds taxonomy concepts in analysed text: phrase matches first, then the statistical profiles
 * for words no phrase covers. Negated phrases do not count, except crisis phrases: safety comes
 * first, so "I'm not suicidal but..." still shows help. Profiles never raise a crisis on their own.
 */
class ConceptDetector {
public:
    ConceptDetector(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer,
                    const taxonomy::ConceptProfiles* profiles = nullptr, DetectorWeights weights = {});

    Detection detect(const std::vector<text::Token>& tokens, std::string_view original) const;

    const taxonomy::PhraseMatcher& matcher() const { return m_matcher; }

private:
    void add_profile_concepts(const std::vector<text::Token>& tokens, std::string_view original, Detection& out) const;

    const taxonomy::Taxonomy& m_taxonomy;
    taxonomy::PhraseMatcher m_matcher;
    const taxonomy::ConceptProfiles* m_profiles;
    DetectorWeights m_weights;
};

}  // namespace attune::query
