#pragma once
#include <xapian.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace attune::text {

/** One word of analysed text. */
struct Token {
    std::string word;       ///< folded form: NFKC, case- and accent-folded, apostrophes resolved
    std::string stem;       ///< English Snowball stem of `word`
    std::uint32_t start = 0;  ///< byte offset of the source word in the original text
    std::uint32_t end = 0;    ///< byte offset just past it
    bool stop = false;        ///< a function word ("the", "my", "would")
    bool negator = false;     ///< "not", "never", "no" (including the "n't" of contractions)
    bool clause_start = false;  ///< punctuation separates it from the previous token
    bool at_end = false;      ///< the last token, with no space or punctuation after it
};

/** Fold text for matching: NFKC, case folding, accents removed, curly apostrophes made straight. */
std::string fold(std::string_view text);

/** True for the function words that analysis marks as `stop`. */
bool is_stop_word(std::string_view folded_word);

/**
 * The one analyser used for indexing, taxonomy phrases and queries, so all three agree.
 * Segments with ICU's word break iterator, folds with `fold`, splits contractions
 * ("don't" -> "do" + "not", "they'll" -> "they") and stems with Xapian's English stemmer.
 * Not thread-safe: give each thread its own.
 */
class Analyzer {
public:
    Analyzer();
    ~Analyzer();
    Analyzer(const Analyzer&) = delete;
    Analyzer& operator=(const Analyzer&) = delete;

    /** Analyse UTF-8 text (invalid bytes are replaced, never thrown on). */
    std::vector<Token> analyze(std::string_view text);

    /** Stem one folded word, with a small cache. */
    const std::string& stem(const std::string& folded_word);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace attune::text
