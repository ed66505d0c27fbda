#include "taxonomy/phrase_matcher.h"

#include <algorithm>

namespace attune::taxonomy {
namespace {

constexpr std::uint32_t kUnknown = 0xFFFFFFFFu;
constexpr int kMaxStepGap = 2;
constexpr int kMaxTotalGap = 3;
constexpr std::size_t kNegationWindow = 3;
constexpr int kMaxCrisisGap = 1;

bool particle_follows(const std::vector<text::Token>& tokens, std::size_t last) {
    if (last + 1 >= tokens.size() || tokens[last + 1].clause_start) return false;
    const std::string& w = tokens[last + 1].word;
    return w == "back" || w == "down" || w == "off" || w == "out" || w == "up" || w == "ties";
}

std::uint64_t edge_key(std::uint32_t node, std::uint32_t term) {
    return (static_cast<std::uint64_t>(node) << 32) | term;
}

}  // namespace

struct PhraseMatcher::Cursor {
    std::uint32_t node;
    std::size_t start;  ///< content index of the first word
    std::size_t pos;    ///< content index of the last matched word
    int gaps;
};

PhraseMatcher::PhraseMatcher(const Taxonomy& taxonomy, text::Analyzer& analyzer) {
    m_ends.emplace_back();  // root
    const auto& concepts = taxonomy.concepts();
    for (std::size_t i = 0; i < concepts.size(); ++i) {
        const Concept& c = concepts[i];
        add(i, c.label, c.crisis, true, analyzer);
        for (const std::string& p : c.phrases) add(i, p, c.crisis, false, analyzer);
        for (const std::string& p : c.crisis_phrases) add(i, p, true, false, analyzer);
    }
}

void PhraseMatcher::add(std::size_t concept_index, const std::string& text, bool crisis, bool is_label,
                        text::Analyzer& analyzer) {
    const auto tokens = analyzer.analyze(text);
    std::uint32_t node = 0;
    std::size_t length = 0;
    bool starts_negated = false;
    for (const auto& t : tokens) {
        if (t.stop) continue;
        if (length == 0) starts_negated = t.negator;
        auto [it, fresh] = m_term_ids.emplace(t.stem, static_cast<std::uint32_t>(m_term_ids.size()));
        const auto key = edge_key(node, it->second);
        auto e = m_edges.find(key);
        if (e == m_edges.end()) {
            const auto child = static_cast<std::uint32_t>(m_ends.size());
            m_ends.emplace_back();
            e = m_edges.emplace(key, child).first;
        }
        node = e->second;
        ++length;
    }
    if (length == 0) return;
    // The same concept reaching the same node twice (a label repeated as a phrase) counts once.
    for (std::uint32_t p : m_ends[node])
        if (m_phrases[p].concept_index == concept_index) {
            m_phrases[p].crisis = m_phrases[p].crisis || crisis;
            return;
        }
    m_ends[node].push_back(static_cast<std::uint32_t>(m_phrases.size()));
    m_phrases.push_back({concept_index, text, length, crisis, is_label, starts_negated});
}

bool PhraseMatcher::negated_before(const std::vector<text::Token>& tokens, std::size_t raw_index) const {
    for (std::size_t k = 1; k <= kNegationWindow && k <= raw_index; ++k) {
        if (tokens[raw_index - k + 1].clause_start) return false;
        const text::Token& t = tokens[raw_index - k];
        if (!t.negator) continue;
        if (t.word == "no" && raw_index - k + 1 < tokens.size() && tokens[raw_index - k + 1].word == "longer")
            return false;
        // "can't sleep", "couldn't stop crying": inability, which is itself the complaint.
        if (t.word == "not" && raw_index >= k + 1) {
            const std::string& before = tokens[raw_index - k - 1].word;
            if (before == "can" || before == "could" || before == "will" || before == "would") return false;
        }
        if (t.word == "cannot") return false;
        // "how do I not get so angry", "trying not to cry": the speaker has the problem.
        const std::size_t neg = raw_index - k;
        for (std::size_t b = 1; b <= 3 && b <= neg; ++b) {
            const std::string& w = tokens[neg - b].word;
            if (w == "how" || w == "try" || w == "trying" || w == "tried" || w == "want" || w == "learn") return false;
        }
        return true;
    }
    return false;
}

void PhraseMatcher::walk(const Cursor& cur, const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& raw,
                         const std::vector<text::Token>& tokens, std::vector<PhraseMatch>& out) const {
    for (std::uint32_t p : m_ends[cur.node]) {
        const Phrase& ph = m_phrases[p];
        // Crisis phrases allow at most one skipped word: "I can't go on anymore" must not be read
        // into "I don't like going outside anymore".
        if (ph.crisis && cur.gaps > kMaxCrisisGap) continue;
        // Nor does a crisis phrase's last verb take a particle that makes it an everyday phrasal
        // verb: "the urge to cut" is self-harm, "the urge to cut back on sugar" is not.
        if (ph.crisis && particle_follows(tokens, raw[cur.pos])) continue;
        PhraseMatch m;
        m.concept_index = ph.concept_index;
        m.phrase = ph.text;
        m.first_token = raw[cur.start];
        m.last_token = raw[cur.pos];
        m.length = ph.length;
        m.gaps = cur.gaps;
        m.crisis = ph.crisis;
        m.is_label = ph.is_label;
        m.negated = !ph.starts_negated && negated_before(tokens, raw[cur.start]);
        out.push_back(std::move(m));
    }
    for (int skip = 0; skip <= kMaxStepGap && cur.gaps + skip <= kMaxTotalGap; ++skip) {
        const std::size_t next = cur.pos + 1 + static_cast<std::size_t>(skip);
        if (next >= ids.size()) break;
        // A phrase never spans punctuation.
        bool crosses = false;
        for (std::size_t r = raw[cur.pos] + 1; r <= raw[next]; ++r)
            if (tokens[r].clause_start) { crosses = true; break; }
        if (crosses) break;
        if (ids[next] == kUnknown) continue;
        auto e = m_edges.find(edge_key(cur.node, ids[next]));
        if (e == m_edges.end()) continue;
        walk({e->second, cur.start, next, cur.gaps + skip}, ids, raw, tokens, out);
    }
}

std::vector<PhraseMatch> PhraseMatcher::match(const std::vector<text::Token>& tokens) const {
    std::vector<std::uint32_t> ids;
    std::vector<std::size_t> raw;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].stop) continue;
        auto it = m_term_ids.find(tokens[i].stem);
        ids.push_back(it == m_term_ids.end() ? kUnknown : it->second);
        raw.push_back(i);
    }
    std::vector<PhraseMatch> out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (ids[i] == kUnknown) continue;
        auto e = m_edges.find(edge_key(0, ids[i]));
        if (e == m_edges.end()) continue;
        walk({e->second, i, i, 0}, ids, raw, tokens, out);
    }
    return out;
}

}  // namespace attune::taxonomy
