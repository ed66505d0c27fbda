#include "taxonomy/taxonomy.h"

#include "errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace attune::taxonomy {

std::string_view kind_name(ConceptKind kind) {
    return kind == ConceptKind::Concern ? "concern" : "approach";
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diag = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diag = up;
        }
    }
    return row[b.size()];
}

Taxonomy::Taxonomy(std::vector<Concept> concepts, const std::string& source) : m_concepts(std::move(concepts)) {
    static const std::regex slug("[a-z0-9]+(-[a-z0-9]+)*");
    auto where = [&](const Concept& c) { return source + (c.line > 0 ? ":" + std::to_string(c.line) : std::string()); };
    for (std::size_t i = 0; i < m_concepts.size(); ++i) {
        const Concept& c = m_concepts[i];
        if (!std::regex_match(c.id, slug))
            throw InputError(where(c) + ": id: '" + c.id + "' is not a slug (lowercase letters, digits and dashes)");
        if (!m_index.emplace(c.id, i).second)
            throw InputError(where(c) + ": id: duplicate concept id '" + c.id + "' (first defined at " + where(m_concepts[m_index[c.id]]) + ")");
    }
    for (const Concept& c : m_concepts) {
        for (const auto* links : {&c.broader, &c.related})
            for (const std::string& target : *links)
                if (!find(target))
                    throw InputError(where(c) + ": " + (links == &c.broader ? "broader" : "related") + ": unknown concept id '" +
                                     target + "' in '" + c.id + "' (did you mean '" + closest_id(target) + "'?)");
        if (c.phrases.empty() && c.label.empty())
            throw InputError(where(c) + ": phrases: concept '" + c.id + "' needs a label or phrases");
    }
    for (const Concept& c : m_concepts) {
        const auto up = ancestors(c.id);
        if (std::find(up.begin(), up.end(), c.id) != up.end())
            throw InputError(where(c) + ": broader: '" + c.id + "' is its own ancestor (a cycle)");
    }
}

const Concept* Taxonomy::find(std::string_view id) const {
    auto it = m_index.find(std::string(id));
    return it == m_index.end() ? nullptr : &m_concepts[it->second];
}

std::vector<std::string> Taxonomy::ancestors(std::string_view id) const {
    std::vector<std::string> out;
    std::vector<std::string> frontier{std::string(id)};
    while (!frontier.empty() && out.size() < m_concepts.size()) {
        std::vector<std::string> next;
        for (const std::string& f : frontier) {
            const Concept* c = find(f);
            if (!c) continue;
            for (const std::string& b : c->broader)
                if (std::find(out.begin(), out.end(), b) == out.end()) {
                    out.push_back(b);
                    next.push_back(b);
                }
        }
        frontier = std::move(next);
    }
    return out;
}

std::string Taxonomy::closest_id(std::string_view id) const {
    std::string best;
    std::size_t best_d = std::string::npos;
    for (const Concept& c : m_concepts) {
        const std::size_t d = edit_distance(id, c.id);
        if (d < best_d) { best_d = d; best = c.id; }
    }
    return best;
}

nlohmann::json Taxonomy::to_json() const {
    nlohmann::json arr = nlohmann::json::array();
    for (const Concept& c : m_concepts)
        arr.push_back({{"id", c.id}, {"kind", kind_name(c.kind)}, {"label", c.label},
                       {"description", c.description}, {"broader", c.broader}, {"related", c.related},
                       {"phrases", c.phrases}, {"crisis_phrases", c.crisis_phrases}, {"crisis", c.crisis}});
    return {{"concepts", arr}};
}

Taxonomy Taxonomy::from_json(const nlohmann::json& j) {
    std::vector<Concept> concepts;
    for (const auto& o : j.at("concepts")) {
        Concept c;
        c.id = o.at("id").get<std::string>();
        c.kind = o.at("kind").get<std::string>() == "approach" ? ConceptKind::Approach : ConceptKind::Concern;
        c.label = o.at("label").get<std::string>();
        c.description = o.value("description", "");
        c.broader = o.value("broader", std::vector<std::string>{});
        c.related = o.value("related", std::vector<std::string>{});
        c.phrases = o.value("phrases", std::vector<std::string>{});
        c.crisis_phrases = o.value("crisis_phrases", std::vector<std::string>{});
        c.crisis = o.value("crisis", false);
        concepts.push_back(std::move(c));
    }
    return Taxonomy(std::move(concepts), "index taxonomy");
}

}  // namespace attune::taxonomy
