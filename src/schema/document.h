#pragma once
#include "schema/records.h"
#include "taxonomy/taxonomy.h"
#include "text/analyzer.h"

#include <xapian.h>

#include <string>
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

/** "2024-05-02" -> "20240502" for sortable date values. */
std::string date_value(const std::string& iso_date);

}  // namespace attune::schema
