#pragma once
#include "text/analyzer.h"

#include <xapian.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attune::query {

/** Tokens after spelling correction, and the corrected query text for "did you mean". */
struct SpellingResult {
    std::vector<text::Token> tokens;
    std::optional<std::string> suggestion;  ///< set when at least one word was corrected
};

/**
 * Corrects words the index does not know, with Xapian's spelling table (built from titles, names
 * and taxonomy phrases). A word is corrected only when confident: it is not in the index at all,
 * has at least four letters, is not a name (capitalised mid-sentence), and a known word of at least
 * four letters lies within one edit (two for words of eight or more letters) that keeps the first
 * letter (words of seven or more letters may change it). The last word is left alone when it may
 * be incomplete (as-you-type). Texts longer than 40 words (intake notes) are not corrected.
 */
SpellingResult correct_spelling(const Xapian::Database& db, text::Analyzer& analyzer,
                                std::vector<text::Token> tokens, std::string_view original, bool last_is_partial);

}  // namespace attune::query
