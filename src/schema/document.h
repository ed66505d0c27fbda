#pragma once
#include "schema/records.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <nlohmann/json.hpp>
#include <xapian.h>

#include <cstdint>
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

/** Turns records into Xapian documents following docs/schema.md. */
class DocumentBuilder {
public:
    DocumentBuilder(const taxonomy::Taxonomy& taxonomy, text::Analyzer& analyzer);

    BuiltDocument build(const Article& article);
    BuiltDocument build(const Clinician& clinician);

private:
    void index_text(Xapian::Document& doc, const std::string& text, const char* field_prefix,
                    Xapian::termcount wdf, std::vector<std::string>* spelling);
    void add_concepts(Xapian::Document& doc, const std::vector<std::string>& ids, const char* prefix);

    const taxonomy::Taxonomy& m_taxonomy;
    text::Analyzer& m_analyzer;
    Xapian::termpos m_pos = 0;
};

/**
 * Document data is the record as JSON without the article body, then a NUL byte, then the body
 * text, so a search can parse the small part for display and hand the body to the snippeter
 * without parsing it as JSON.
 */
std::string encode_data(const nlohmann::json& record_without_body, const std::string& body);

/** The two parts of encode_data(): the JSON text and the body text (empty for clinicians). */
std::pair<std::string_view, std::string_view> split_data(std::string_view data);

/** The full record (body put back) from document data, for `show` and the records API. */
nlohmann::json decode_record(std::string_view data);

/** 64-bit FNV-1a: stable across builds and machines (content hashes, shard assignment). */
std::uint64_t fnv1a64(std::string_view text);

/** A fingerprint of a record's JSON text (16 hex digits), so an update can skip unchanged documents. */
std::string content_hash(std::string_view text);

/** "2024-05-02" -> "20240502" for sortable date values. */
std::string date_value(const std::string& iso_date);

}  // namespace attune::schema
