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

ConceptProfiles ConceptProfiles::learn(const std::vector<ProfileExample>& examples) {
    std::map<std::string, std::uint32_t> concept_index;
    std::unordered_map<std::string, double> df;
    std::vector<double> mass;
    std::vector<std::unordered_map<std::string, double>> counts;
    for (const auto& ex : examples) {
        const std::set<std::string> distinct(ex.stems.begin(), ex.stems.end());
        for (const auto& t : distinct) df[t] += 1;
        for (const auto& [id, w] : ex.concepts) {
            auto [it, fresh] = concept_index.emplace(id, static_cast<std::uint32_t>(concept_index.size()));
            if (fresh) { mass.push_back(0); counts.emplace_back(); }
            mass[it->second] += w;
            for (const auto& t : distinct) counts[it->second][t] += w;
        }
    }
    ConceptProfiles out;
    out.m_concepts.resize(concept_index.size());
    for (const auto& [id, i] : concept_index) out.m_concepts[i] = id;
    const double n = static_cast<double>(examples.size());
    for (std::uint32_t c = 0; c < counts.size(); ++c) {
        std::vector<std::pair<double, std::string>> weights;
        for (const auto& [t, k] : counts[c]) {
            if (k < kMinSupport) continue;
            const double w = std::log((k + kSmoothing) / (mass[c] + 2 * kSmoothing)) -
                             std::log((df[t] + kSmoothing) / (n + 2 * kSmoothing));
            if (w >= kMinWeight) weights.emplace_back(w, t);
        }
        std::sort(weights.begin(), weights.end(), std::greater<>());
        if (weights.size() > kTermsPerConcept) weights.resize(kTermsPerConcept);
        for (const auto& [w, t] : weights) out.m_terms[t].emplace_back(c, static_cast<float>(w));
    }
    return out;
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
