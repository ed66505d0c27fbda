#include "taxonomy/concept_profiles.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace attune::taxonomy {
namespace {

constexpr double kSmoothing = 0.5;
constexpr double kMinSupport = 0.9;      ///< about one document's worth of evidence
constexpr double kMinWeight = 0.4;       ///< log odds below this say little
constexpr std::size_t kTermsPerConcept = 600;

}  // namespace

std::uint32_t ProfileLearner::stem_id(const std::string& stem) {
    const auto [it, fresh] = m_stem_index.emplace(stem, static_cast<std::uint32_t>(m_stems.size()));
    if (fresh) {
        m_stems.push_back(stem);
        m_df.push_back(0);
    }
    return it->second;
}

std::uint32_t ProfileLearner::concept_id(const std::string& id) {
    const auto [it, fresh] = m_concept_index.emplace(id, static_cast<std::uint32_t>(m_concepts.size()));
    if (fresh) {
        m_concepts.push_back(id);
        m_mass.push_back(0);
        m_counts.emplace_back();
    }
    return it->second;
}

void ProfileLearner::add(const ProfileExample& ex) {
    m_distinct.clear();
    for (const auto& t : ex.stems) m_distinct.push_back(stem_id(t));
    std::sort(m_distinct.begin(), m_distinct.end());
    m_distinct.erase(std::unique(m_distinct.begin(), m_distinct.end()), m_distinct.end());
    for (const std::uint32_t t : m_distinct) m_df[t] += 1;
    for (const auto& [id, w] : ex.concepts) {
        const std::uint32_t c = concept_id(id);
        m_mass[c] += w;
        auto& counts = m_counts[c];
        if (counts.size() < m_stems.size()) counts.resize(m_stems.size(), 0.0);
        for (const std::uint32_t t : m_distinct) counts[t] += w;
    }
    m_examples += 1;
}

void ProfileLearner::merge(const ProfileLearner& other) {
    std::vector<std::uint32_t> stems(other.m_stems.size());
    for (std::uint32_t t = 0; t < other.m_stems.size(); ++t) {
        stems[t] = stem_id(other.m_stems[t]);
        m_df[stems[t]] += other.m_df[t];
    }
    for (std::uint32_t oc = 0; oc < other.m_concepts.size(); ++oc) {
        const std::uint32_t c = concept_id(other.m_concepts[oc]);
        m_mass[c] += other.m_mass[oc];
        auto& counts = m_counts[c];
        if (counts.size() < m_stems.size()) counts.resize(m_stems.size(), 0.0);
        const auto& theirs = other.m_counts[oc];
        for (std::uint32_t t = 0; t < theirs.size(); ++t)
            if (theirs[t] != 0) counts[stems[t]] += theirs[t];
    }
    m_examples += other.m_examples;
}

ConceptProfiles ProfileLearner::finish(const std::set<std::string>& excluded) const {
    ConceptProfiles out;
    out.m_concepts = m_concepts;
    const double n = m_examples;
    for (std::uint32_t c = 0; c < m_counts.size(); ++c) {
        std::vector<std::pair<double, std::string>> weights;
        for (std::uint32_t t = 0; t < m_counts[c].size(); ++t) {
            const double k = m_counts[c][t];
            if (k < kMinSupport || excluded.count(m_stems[t])) continue;
            const double w = std::log((k + kSmoothing) / (m_mass[c] + 2 * kSmoothing)) -
                             std::log((m_df[t] + kSmoothing) / (n + 2 * kSmoothing));
            if (w >= kMinWeight) weights.emplace_back(w, m_stems[t]);
        }
        std::sort(weights.begin(), weights.end(), std::greater<>());
        if (weights.size() > kTermsPerConcept) weights.resize(kTermsPerConcept);
        for (const auto& [w, t] : weights) out.m_terms[t].emplace_back(c, static_cast<float>(w));
    }
    return out;
}

ConceptProfiles ConceptProfiles::learn(const std::vector<ProfileExample>& examples) {
    ProfileLearner learner;
    for (const auto& ex : examples) learner.add(ex);
    return learner.finish();
}

std::vector<ProfileScore> ConceptProfiles::score(const std::vector<std::string>& stems) const {
    std::vector<double> totals(m_concepts.size(), 0.0);
    std::vector<std::vector<std::pair<double, std::string>>> evidence(m_concepts.size());
    std::set<std::string> seen;
    for (const std::string& s : stems) {
        if (!seen.insert(s).second) continue;
        auto it = m_terms.find(s);
        if (it == m_terms.end()) continue;
        for (const auto& [c, w] : it->second) {
            totals[c] += w;
            evidence[c].emplace_back(w, s);
        }
    }
    std::vector<ProfileScore> out;
    for (std::size_t c = 0; c < totals.size(); ++c) {
        if (totals[c] <= 0) continue;
        auto& ev = evidence[c];
        std::sort(ev.begin(), ev.end(), std::greater<>());
        ProfileScore ps{m_concepts[c], totals[c], {}};
        for (std::size_t i = 0; i < ev.size() && i < 3; ++i) ps.evidence.push_back(ev[i].second);
        out.push_back(std::move(ps));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.score > b.score; });
    return out;
}

double ConceptProfiles::weight(const std::string& id, const std::string& stem) const {
    auto it = m_terms.find(stem);
    if (it == m_terms.end()) return 0;
    for (const auto& [c, w] : it->second)
        if (m_concepts[c] == id) return w;
    return 0;
}

nlohmann::json ConceptProfiles::to_json() const {
    nlohmann::json terms = nlohmann::json::object();
    for (const auto& [t, list] : m_terms) {
        nlohmann::json arr = nlohmann::json::array();
        for (const auto& [c, w] : list) arr.push_back({c, std::round(w * 1000.0f) / 1000.0f});
        terms[t] = arr;
    }
    return {{"concepts", m_concepts}, {"terms", terms}};
}

ConceptProfiles ConceptProfiles::from_json(const nlohmann::json& j) {
    ConceptProfiles out;
    out.m_concepts = j.at("concepts").get<std::vector<std::string>>();
    for (const auto& [t, arr] : j.at("terms").items()) {
        auto& list = out.m_terms[t];
        for (const auto& pair : arr) {
            const auto c = pair.at(0).get<std::uint32_t>();
            if (c < out.m_concepts.size()) list.emplace_back(c, pair.at(1).get<float>());
        }
    }
    return out;
}

}  // namespace attune::taxonomy
