#include "profile_training.h"

namespace attune::indexer {
namespace {

constexpr double kPrimary = 1.0;
constexpr double kSecondary = 0.5;
constexpr double kClinician = 0.3;
constexpr double kTaxonomyText = 2.0;
constexpr double kAncestorShare = 0.5;

class ExampleBuilder {
public:
    ExampleBuilder(const taxonomy::Taxonomy& tax, text::Analyzer& analyzer) : m_tax(tax), m_analyzer(analyzer) {}

    void text(const std::string& s) {
        for (const auto& t : m_analyzer.analyze(s))
            if (!t.stop && !t.negator && t.word.size() > 1) m_example.stems.push_back(t.stem);
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
    taxonomy::ProfileExample m_example;
};

}  // namespace

taxonomy::ConceptProfiles train_concept_profiles(const Corpus& corpus, text::Analyzer& analyzer) {
    std::vector<taxonomy::ProfileExample> examples;
    for (const auto& loaded : corpus.articles) {
        const auto& a = loaded.article;
        ExampleBuilder b(corpus.taxonomy, analyzer);
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
        ExampleBuilder b(corpus.taxonomy, analyzer);
        b.text(c.bio);
        for (const auto& id : c.concerns) b.concept_weight(id, kClinician);
        for (const auto& id : c.approaches) b.concept_weight(id, kClinician);
        examples.push_back(b.take());
    }
    for (const auto& concept_def : corpus.taxonomy.concepts()) {
        ExampleBuilder b(corpus.taxonomy, analyzer);
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
