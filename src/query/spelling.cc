#include "query/spelling.h"

#include "schema/prefixes.h"

#include <algorithm>

namespace attune::query {
namespace {

constexpr std::size_t kMaxSpellingWords = 40;

bool all_letters(const std::string& w) {
    return std::all_of(w.begin(), w.end(), [](char c) { return (c >= 'a' && c <= 'z') || static_cast<unsigned char>(c) >= 0x80; });
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

/** "June", "Ana" written mid-sentence: a capital followed by lower case marks a name, not a typo. */
bool looks_like_name(std::string_view original, const text::Token& t, bool first) {
    if (first || t.end <= t.start + 1 || t.end > original.size()) return false;
    const std::string_view w = original.substr(t.start, t.end - t.start);
    return is_upper(w[0]) && !std::any_of(w.begin() + 1, w.end(), is_upper);
}

/**
 * Whether a correction is confident enough to apply. People rarely mistype the first letter of a
 * short word, and a one-letter change to a short word usually makes another real word ("dump" and
 * "jump", "June" and "jun"); the index not knowing a word does not make it a typo. So a correction
 * keeps the first letter unless the word is long, and never yields a word under four letters.
 */
bool confident(const std::string& word, const std::string& fix) {
    if (fix.size() < 4) return false;
    return word.front() == fix.front() || word.size() >= 7;
}

}  // namespace

SpellingResult correct_spelling(const Xapian::Database& db, text::Analyzer& analyzer, std::vector<text::Token> tokens,
                                std::string_view original, bool last_is_partial) {
    SpellingResult out;
    // "Did you mean" is for search-box queries; a long intake note carries its meaning in many
    // words, and checking each against the index would cost more than the rest of the pipeline.
    if (tokens.size() > kMaxSpellingWords) {
        out.tokens = std::move(tokens);
        return out;
    }
    std::string corrected;
    std::size_t copied = 0;
    bool changed = false;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        text::Token& t = tokens[i];
        if (t.stop || t.negator || t.word.size() < 4 || !all_letters(t.word)) continue;
        if (last_is_partial && i + 1 == tokens.size() && t.at_end) continue;
        if (db.term_exists(std::string(schema::prefix::kText) + t.stem)) continue;
        if (looks_like_name(original, t, i == 0)) continue;
        const unsigned max_edits = t.word.size() >= 8 ? 2 : 1;
        const std::string fix = db.get_spelling_suggestion(t.word, max_edits);
        if (fix.empty() || fix == t.word || !confident(t.word, fix)) continue;
        corrected.append(original.substr(copied, t.start - copied));
        corrected += fix;
        copied = t.end;
        t.word = fix;
        t.stem = analyzer.stem(fix);
        changed = true;
    }
    if (changed) {
        corrected.append(original.substr(std::min(copied, original.size())));
        out.suggestion = corrected;
    }
    out.tokens = std::move(tokens);
    return out;
}

}  // namespace attune::query
