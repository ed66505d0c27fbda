#include "service/suggest.h"

#include "schema/prefixes.h"

#include <algorithm>

namespace attune::service {
namespace {

std::vector<std::string> folded_words(text::Analyzer& analyzer, const std::string& s) {
    std::vector<std::string> out;
    for (const auto& t : analyzer.analyze(s)) out.push_back(t.word);
    return out;
}

// Edit distance counting an adjacent transposition as one edit ("anxeity" is one slip from "anxiety").
std::size_t typo_distance(const std::string& a, const std::string& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

// How well `typed` starts `word`: 2 exact prefix, 1 prefix with one typo (4+ letters typed), 0 no.
int prefix_match(const std::string& typed, const std::string& word) {
    if (word.compare(0, typed.size(), typed) == 0) return 2;
    if (typed.size() < 4 || word.size() + 1 < typed.size()) return 0;
    const std::size_t n = std::min(word.size(), typed.size());
    return typo_distance(typed, word.substr(0, n)) <= 1 ? 1 : 0;
}

// How well a complete typed word matches `word`: 2 equal, 1 one typo away (4+ letters), 0 no.
int whole_match(const std::string& typed, const std::string& word) {
    if (typed == word) return 2;
    if (typed.size() < 4 || word.size() + 1 < typed.size() || typed.size() + 1 < word.size()) return 0;
    return typo_distance(typed, word) <= 1 ? 1 : 0;
}

}  // namespace

SuggestIndex::SuggestIndex(const Xapian::Database& db, const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer) {
    for (const auto& c : taxonomy.concepts())
        m_entries.push_back({{"concept", c.id, c.label}, folded_words(analyzer, c.label), 0});
    for (const char* type : {"article", "clinician"}) {
        const std::string term = std::string(schema::prefix::kType) + type;
        for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
            const Xapian::Document doc = db.get_document(*it);
            const std::string label = doc.get_value(schema::slot::kDisplay);
            const std::string id = doc.get_value(schema::slot::kId);
            if (label.empty() || id.empty()) continue;
            m_entries.push_back({{type, id, label}, folded_words(analyzer, label), type[0] == 'a' ? 1 : 2});
        }
    }
}

std::vector<Suggestion> SuggestIndex::suggest(const std::vector<text::Token>& tokens, std::size_t limit) const {
    if (tokens.empty()) return {};
    struct Scored {
        int score;
        const Entry* entry;
    };
    std::vector<Scored> scored;
    for (const Entry& e : m_entries) {
        int score = 0;
        bool all = true;
        for (std::size_t i = 0; i < tokens.size() && all; ++i) {
            const bool last = i + 1 == tokens.size();
            int best = 0;
            for (const std::string& w : e.words)
                best = std::max(best, last ? prefix_match(tokens[i].word, w) : whole_match(tokens[i].word, w));
            if (best == 0 && !last && tokens[i].stop) continue;  // "fear of int" keeps "of" optional
            all = best > 0;
            score += best;
        }
        if (!all) continue;
        // Concepts first, then articles, then people; a label that starts with the text beats one that contains it.
        const bool starts = prefix_match(tokens.front().word, e.words.empty() ? "" : e.words.front()) == 2;
        scored.push_back({score * 10 + (starts ? 5 : 0) - e.rank * 3 - static_cast<int>(e.words.size()), &e});
    }
    std::stable_sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) { return a.score > b.score; });
    std::vector<Suggestion> out;
    for (std::size_t i = 0; i < scored.size() && out.size() < limit; ++i) out.push_back(scored[i].entry->suggestion);
    return out;
}

}  // namespace attune::service
