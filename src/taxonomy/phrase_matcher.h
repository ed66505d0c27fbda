#pragma once
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace attune::taxonomy {

/** One occurrence of a taxonomy phrase (or label) in analysed text. */
struct PhraseMatch {
    std::size_t concept_index = 0;  ///< index into Taxonomy::concepts()
    std::string phrase;             ///< the phrase as written in the taxonomy
    std::size_t first_token = 0;    ///< index of the first matched token in the analysed text
    std::size_t last_token = 0;     ///< index of the last matched token
    std::size_t length = 0;         ///< content words in the phrase
    int gaps = 0;                   ///< extra words skipped inside the match
    bool negated = false;           ///< "not", "never" or "no" just before it
    bool crisis = false;            ///< the phrase signals danger
    bool is_label = false;          ///< the concept's label rather than one of its phrases
};

/**
 * The taxonomy's labels and phrases compiled into a trie over stemmed content words.
 * Matching allows inflections (through stemming), up to two skipped words between phrase words
 * (three in all), never across punctuation, and flags matches preceded by a simple negation.
 */
class PhraseMatcher {
public:
    PhraseMatcher() = default;
    PhraseMatcher(const Taxonomy& taxonomy, text::Analyzer& analyzer);

    std::vector<PhraseMatch> match(const std::vector<text::Token>& tokens) const;

    std::size_t phrase_count() const { return m_phrases.size(); }

private:
    struct Phrase {
        std::size_t concept_index;
        std::string text;
        std::size_t length;
        bool crisis;
        bool is_label;
        bool starts_negated;
    };
    struct Cursor;
    void add(std::size_t concept_index, const std::string& text, bool crisis, bool is_label, text::Analyzer& analyzer);
    void walk(const Cursor& cur, const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& raw,
              const std::vector<text::Token>& tokens, std::vector<PhraseMatch>& out) const;
    bool negated_before(const std::vector<text::Token>& tokens, std::size_t raw_index) const;

    std::unordered_map<std::string, std::uint32_t> m_term_ids;
    std::unordered_map<std::uint64_t, std::uint32_t> m_edges;  ///< (node << 32 | term) -> child node
    std::vector<std::vector<std::uint32_t>> m_ends;            ///< node -> phrases ending there
    std::vector<Phrase> m_phrases;
};

}  // namespace attune::taxonomy
