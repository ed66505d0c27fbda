#include "profile_training.h"

#include <set>

namespace attune::indexer {
namespace {

constexpr double kPrimary = 1.0;
constexpr double kSecondary = 0.5;
constexpr double kClinician = 0.3;
constexpr double kTaxonomyText = 2.0;
constexpr double kAncestorShare = 0.5;

// Names, places and languages say who wrote a text or where, not what it is about; a profile that
// learned "angeles" from one author's articles would read every Los Angeles search as infidelity.
std::set<std::string> incidental_stems(const Corpus& corpus, text::Analyzer& analyzer) {
    std::set<std::string> out;
    auto add = [&](const std::string& s) {
        for (const auto& t : analyzer.analyze(s)) out.insert(t.stem);
    };
    for (const auto& loaded : corpus.clinicians) {
        const auto& c = loaded.clinician;
        add(c.name);
        add(c.location.city);
        add(c.location.region);
        for (const auto& l : c.languages) add(l);
    }
    return out;
}

class ExampleBuilder {
public:
    ExampleBuilder(const taxonomy::Taxonomy& tax, text::Analyzer& analyzer, const std::set<std::string>& excluded)
        : m_tax(tax), m_analyzer(analyzer), m_excluded(excluded) {}

    void text(const std::string& s) {
        for (const auto& t : m_analyzer.analyze(s))
            if (!t.stop && !t.negator && t.word.size() > 1 && !m_excluded.count(t.stem)) m_example.stems.push_back(t.stem);
    }

    void concept_weight(const std::string& id, double w) {
        add(id, w);
        for (const std::string& up : m_tax.ancestors(id)) add(up, w * kAncestorShare);
    }

    taxonomy::ProfileExample take() { return std::move(m_example); }

private:
    void add(const std::string& id, double w) {
        for (auto& [cid, cw] : m_example.concepts)
            if (cid == id) { cw = std::max(cw, w); return; }
        m_example.concepts.emplace_back(id, w);
    }

    const taxonomy::Taxonomy& m_tax;
    text::Analyzer& m_analyzer;
    const std::set<std::string>& m_excluded;
    taxonomy::ProfileExample m_example;
};

}  // namespace

taxonomy::ConceptProfiles train_concept_profiles(const Corpus& corpus, text::Analyzer& analyzer) {
    std::vector<taxonomy::ProfileExample> examples;
    const std::set<std::string> excluded = incidental_stems(corpus, analyzer);
    for (const auto& loaded : corpus.articles) {
        const auto& a = loaded.article;
        ExampleBuilder b(corpus.taxonomy, analyzer, excluded);
        b.text(a.title);
        b.text(a.summary);
        for (const auto& h : a.headings) b.text(h);
        b.text(a.body);
        const auto& main_list = a.kind == "approach" ? a.approaches : a.concerns;
        for (std::size_t i = 0; i < a.concerns.size(); ++i)
            b.concept_weight(a.concerns[i], &main_list == &a.concerns && i == 0 ? kPrimary : kSecondary);
        for (std::size_t i = 0; i < a.approaches.size(); ++i)
            b.concept_weight(a.approaches[i], &main_list == &a.approaches && i == 0 ? kPrimary : kSecondary);
        examples.push_back(b.take());
    }
    for (const auto& loaded : corpus.clinicians) {
        const auto& c = loaded.clinician;
        ExampleBuilder b(corpus.taxonomy, analyzer, excluded);
        b.text(c.bio);
        for (const auto& id : c.concerns) b.concept_weight(id, kClinician);
        for (const auto& id : c.approaches) b.concept_weight(id, kClinician);
        examples.push_back(b.take());
    }
    for (const auto& concept_def : corpus.taxonomy.concepts()) {
        ExampleBuilder b(corpus.taxonomy, analyzer, excluded);
        b.text(concept_def.label);
        b.text(concept_def.description);
        for (const auto& p : concept_def.phrases) b.text(p);
        for (const auto& p : concept_def.crisis_phrases) b.text(p);
        b.concept_weight(concept_def.id, kTaxonomyText);
        examples.push_back(b.take());
    }
    return taxonomy::ConceptProfiles::learn(examples);
}

}  // namespace attune::indexer
