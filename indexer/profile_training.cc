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

    const taxonomy::ProfileExample& example() const { return m_example; }

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

ProfileTrainer::ProfileTrainer(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer)
    : m_taxonomy(taxonomy), m_analyzer(analyzer) {}

void ProfileTrainer::add(const schema::Article& a) {
    ExampleBuilder b(m_taxonomy, m_analyzer);
    b.text(a.title);
    b.text(a.summary);
    for (const auto& h : a.headings) b.text(h);
    b.text(a.body);
    const auto& main_list = a.kind == "approach" ? a.approaches : a.concerns;
    for (std::size_t i = 0; i < a.concerns.size(); ++i)
        b.concept_weight(a.concerns[i], &main_list == &a.concerns && i == 0 ? kPrimary : kSecondary);
    for (std::size_t i = 0; i < a.approaches.size(); ++i)
        b.concept_weight(a.approaches[i], &main_list == &a.approaches && i == 0 ? kPrimary : kSecondary);
    m_learner.add(b.example());
}

void ProfileTrainer::add(const schema::Clinician& c) {
    // Names, places and languages say who wrote a text or where, not what it is about; a profile that
    // learned "angeles" from one author's articles would read every Los Angeles search as infidelity.
    // Leaving a stem out of every example only drops that stem's own figures, so it is done at the end.
    for (const std::string* s : {&c.name, &c.location.city, &c.location.region})
        for (const auto& t : m_analyzer.analyze(*s)) m_incidental.insert(t.stem);
    for (const auto& l : c.languages)
        for (const auto& t : m_analyzer.analyze(l)) m_incidental.insert(t.stem);
    ExampleBuilder b(m_taxonomy, m_analyzer);
    b.text(c.bio);
    for (const auto& id : c.concerns) b.concept_weight(id, kClinician);
    for (const auto& id : c.approaches) b.concept_weight(id, kClinician);
    m_learner.add(b.example());
}

void ProfileTrainer::merge(const ProfileTrainer& other) {
    m_learner.merge(other.m_learner);
    m_incidental.insert(other.m_incidental.begin(), other.m_incidental.end());
}

taxonomy::ConceptProfiles ProfileTrainer::finish() {
    for (const auto& concept_def : m_taxonomy.concepts()) {
        ExampleBuilder b(m_taxonomy, m_analyzer);
        b.text(concept_def.label);
        b.text(concept_def.description);
        for (const auto& p : concept_def.phrases) b.text(p);
        for (const auto& p : concept_def.crisis_phrases) b.text(p);
        b.concept_weight(concept_def.id, kTaxonomyText);
        m_learner.add(b.example());
    }
    return m_learner.finish(m_incidental);
}

taxonomy::ConceptProfiles train_concept_profiles(const Corpus& corpus, text::Analyzer& analyzer) {
    ProfileTrainer trainer(corpus.taxonomy, analyzer);
    for (const auto& loaded : corpus.articles) trainer.add(loaded.article);
    for (const auto& loaded : corpus.clinicians) trainer.add(loaded.clinician);
    return trainer.finish();
}

}  // namespace attune::indexer
