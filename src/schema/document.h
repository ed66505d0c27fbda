#pragma once
#include "schema/records.h"
#include "taxonomy/phrase_matcher.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace attune::schema {

/** A Xapian document ready to add, and the words it contributes to the spelling dictionary. */
struct BuiltDocument {
    Xapian::Document document;
    std::string id_term;
    std::vector<std::string> spelling_words;
};

/** The taxonomy phrases of one concept that a document's text uses, most used first. */
struct ConceptEvidence {
    std::string concept_id;
    std::vector<std::string> phrases;  ///< as written in the taxonomy, at most kMaxEvidencePhrases
};

inline constexpr std::size_t kMaxEvidencePhrases = 3;

/** Evidence comes from a concept's label and its shortest phrases, this many in all. */
inline constexpr std::size_t kEvidencePhrasesPerConcept = 3;

/**
 * Turns records into Xapian documents following docs/schema.md. Besides the words, it runs the
 * taxonomy's PhraseMatcher (the one concept detection and the audit use) over every text field
 * and adds one evidence term per concept found, so a query can reward "this text uses the
 * concept's phrases" with a single term instead of phrase queries over positions.
 */
class DocumentBuilder {
public:
    DocumentBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    BuiltDocument build(const Article& article);
    BuiltDocument build(const Clinician& clinician);

private:
    struct Found {
        Xapian::termcount wdf = 0;
        std::map<std::string, Xapian::termcount> phrases;  ///< phrase -> occurrences
    };

    void index_text(Xapian::Document& doc, const std::string& text, const char* field_prefix,
                    Xapian::termcount wdf, std::vector<std::string>* spelling);
    void collect_evidence(const std::vector<text::Token>& tokens, Xapian::termcount wdf);
    std::vector<ConceptEvidence> add_evidence(Xapian::Document& doc);
    void add_concepts(Xapian::Document& doc, const std::vector<std::string>& ids, const char* prefix);

    const taxonomy::Taxonomy& m_taxonomy;
    text::Analyzer& m_analyzer;
    taxonomy::PhraseMatcher m_matcher;
    std::set<std::pair<std::size_t, std::string>> m_evidence_phrases;  ///< (concept index, phrase) that count
    Xapian::termpos m_pos = 0;
    std::map<std::size_t, Found> m_found;  ///< concept index -> evidence in the document being built
};

/**
 * Document data is the record as JSON without the article body, a NUL byte, the concept evidence
 * (one line per concept: id, then its phrases, tab-separated), a NUL byte, then the body text. A
 * search parses only the small JSON part for display, reads the evidence for `why`, and hands the
 * body to the snippeter without parsing it as JSON.
 */
std::string encode_data(const nlohmann::json& record_without_body, const std::string& body,
                        const std::vector<ConceptEvidence>& evidence = {});

/** The parts of encode_data(). */
struct DataParts {
    std::string_view json;
    std::string_view evidence;
    std::string_view body;  ///< empty for clinicians
};
DataParts split_data(std::string_view data);

/** The phrases recorded for `concept_id` in the evidence part of document data (empty if none). */
std::vector<std::string> evidence_phrases(std::string_view evidence, std::string_view concept_id);

/** The full record (body put back) from document data, for `show` and the records API. */
nlohmann::json decode_record(std::string_view data);

/** 64-bit FNV-1a: stable across builds and machines (content hashes, shard assignment). */
std::uint64_t fnv1a64(std::string_view text);

/** A fingerprint of a record's JSON text (16 hex digits), so an update can skip unchanged documents. */
std::string content_hash(std::string_view text);

/** "2024-05-02" -> "20240502" for sortable date values. */
std::string date_value(const std::string& iso_date);

}  // namespace attune::schema
