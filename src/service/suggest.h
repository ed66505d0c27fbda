#pragma once
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <xapian.h>

#include <string>
#include <vector>

namespace attune::service {

/** One as-you-type completion. */
struct Suggestion {
    std::string type;   ///< concept | article | clinician
    std::string id;
    std::string label;  ///< concept label, article title or clinician name
};

/**
 * As-you-type completions over concept labels, article titles and clinician names, held in memory
 * (titles and names come from a value slot, so loading does not parse document data). Every word
 * typed must start a word of the entry; the last may be incomplete and may hold one typo.
 */
class SuggestIndex {
public:
    SuggestIndex() = default;
    SuggestIndex(const Xapian::Database& db, const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    std::vector<Suggestion> suggest(const std::vector<text::Token>& tokens, std::size_t limit) const;

private:
    struct Entry {
        Suggestion suggestion;
        std::vector<std::string> words;  ///< folded words of the label
        int rank;                        ///< 0 concept, 1 article, 2 clinician
    };
    std::vector<Entry> m_entries;
};

}  // namespace attune::service
