#include "query/concept_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace attune::query {
namespace {

double match_weight(const taxonomy::PhraseMatch& m) {
    const double length_factor = 1.0 + 0.5 * static_cast<double>(m.length - 1);
    return (m.is_label ? 1.2 : 1.0) * length_factor * std::pow(0.8, m.gaps);
}

bool contains(const taxonomy::PhraseMatch& outer, const taxonomy::PhraseMatch& inner) {
    return outer.first_token <= inner.first_token && inner.last_token <= outer.last_token &&
           outer.length > inner.length;
}

template <typename T>
void push_unique(std::vector<T>& v, const T& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

std::string Detection::describe() const {
    std::string out;
    char buf[32];
    for (const auto& c : concepts) {
        std::snprintf(buf, sizeof buf, "(%.2f)", c.score);
        out += (out.empty() ? "" : " ") + c.id + buf;
    }
    if (!crisis_concepts.empty()) {
        out += " crisis[";
        for (std::size_t i = 0; i < crisis_concepts.size(); ++i) out += (i ? "," : "") + crisis_concepts[i];
        out += "]";
    }
    return out;
}

ConceptDetector::ConceptDetector(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer,
                                 const taxonomy::ConceptProfiles* profiles, DetectorWeights weights)
    : m_taxonomy(taxonomy), m_matcher(taxonomy, analyzer), m_profiles(profiles), m_weights(weights) {}

void ConceptDetector::add_profile_concepts(const std::vector<text::Token>& tokens, std::string_view original,
                                           Detection& out) const {
    if (!m_profiles || m_profiles->empty()) return;
    std::vector<std::string> stems;
    for (const auto& t : tokens)
        if (!t.stop && !t.negator) stems.push_back(t.stem);
    const auto scores = m_profiles->score(stems);
    if (scores.empty() || scores.front().score < m_weights.profile_min) return;
    const double top = scores.front().score;
    const double confidence = std::min(1.0, top / m_weights.profile_saturation);
    for (std::size_t i = 0; i < scores.size() && i < m_weights.profile_max; ++i) {
        const auto& ps = scores[i];
        if (ps.score < m_weights.profile_min || ps.score < m_weights.profile_ratio * top) break;
        if (std::find(out.negated.begin(), out.negated.end(), ps.id) != out.negated.end()) continue;
        const taxonomy::Concept* def = m_taxonomy.find(ps.id);
        if (!def) continue;
        const double share = m_weights.profile_share * (1.0 + m_weights.profile_per_token * static_cast<double>(tokens.size()));
        const double add = share * confidence * ps.score / top;
        auto it = std::find_if(out.concepts.begin(), out.concepts.end(), [&](const auto& c) { return c.id == ps.id; });
        if (it == out.concepts.end()) {
            out.concepts.push_back({def->id, def->kind, def->label, 0.0, {}, {}});
            it = std::prev(out.concepts.end());
        }
        it->score += add;
        if (!it->phrases.empty()) continue;  // the phrases already say what matched
        for (const std::string& stem : ps.evidence)
            for (const auto& t : tokens)
                if (t.stem == stem) {
                    push_unique(it->matched, std::string(original.substr(t.start, t.end - t.start)));
                    break;
                }
    }
}

Detection ConceptDetector::detect(const std::vector<text::Token>& tokens, std::string_view original) const {
    const auto matches = m_matcher.match(tokens);
    const auto& concepts = m_taxonomy.concepts();
    Detection out;
    struct Acc {
        double best = 0;
        std::map<std::string, double> per_phrase;
        std::vector<std::string> matched, phrases;
    };
    std::map<std::size_t, Acc> acc;
    auto span_text = [&](const taxonomy::PhraseMatch& m) {
        const auto from = tokens[m.first_token].start;
        const auto to = tokens[m.last_token].end;
        return std::string(original.substr(from, to - from));
    };
    for (const auto& m : matches) {
        const taxonomy::Concept& c = concepts[m.concept_index];
        if (m.crisis) {
            push_unique(out.crisis_concepts, c.id);
            push_unique(out.crisis_matched, span_text(m));
        }
        if (m.negated && !m.crisis) {
            push_unique(out.negated, c.id);
            continue;
        }
        double w = match_weight(m);
        if (m.first_token < m_weights.lead_tokens && tokens.size() > m_weights.lead_tokens) w *= m_weights.lead_boost;
        // A one-word phrase ("family", "work", "stop") is only as telling as the word is specific
        // to its concept in the learned profiles; "anxiety" counts fully, "family" much less.
        if (m.length == 1 && m_profiles && !m_profiles->empty()) {
            const double specific = m_profiles->weight(c.id, tokens[m.first_token].stem) / m_weights.single_word_full;
            w *= std::clamp(specific, m_weights.single_word_floor, 1.0);
        }
        // A phrase inside a longer phrase of another concept is weaker evidence ("panic" in "panic room").
        for (const auto& other : matches)
            if (other.concept_index != m.concept_index && !other.negated && contains(other, m)) {
                w *= 0.5;
                break;
            }
        Acc& a = acc[m.concept_index];
        double& slot = a.per_phrase[m.phrase];
        // Repeats of the same phrase add a little; new phrases add fully.
        slot = slot == 0 ? w : slot + 0.25 * w;
        push_unique(a.matched, span_text(m));
        push_unique(a.phrases, m.phrase);
    }
    for (auto& [index, a] : acc) {
        double score = 0;
        for (const auto& [phrase, w] : a.per_phrase) score += w;
        const taxonomy::Concept& c = concepts[index];
        out.concepts.push_back({c.id, c.kind, c.label, score, std::move(a.matched), std::move(a.phrases)});
    }
    add_profile_concepts(tokens, original, out);
    std::stable_sort(out.concepts.begin(), out.concepts.end(),
                     [](const DetectedConcept& x, const DetectedConcept& y) { return x.score > y.score; });
    std::erase_if(out.negated, [&](const std::string& id) {
        return std::any_of(out.concepts.begin(), out.concepts.end(), [&](const auto& c) { return c.id == id; });
    });
    return out;
}

}  // namespace attune::query
