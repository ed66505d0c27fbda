#pragma once
#include "text/analyzer.h"

#include <xapian.h>

#include <set>
#include <string>
#include <vector>

namespace attune::query {

/** A practical constraint written in the query text: "speaks Spanish", "in Toronto", "online", "my teen". */
struct TextConstraint {
    std::string field;  ///< language | city | region | population | format | insurance
    std::string value;  ///< the index value, e.g. "spanish", "los angeles", "teens"
    std::string term;   ///< the boolean term it stands for, e.g. "XLspanish"
    std::string words;  ///< the words as typed
    bool preference = false;  ///< worded as a wish ("ideally", "would prefer", "if possible"), not a must
};

/** The values the index holds for each constraint field, read once (allterms with the prefix). */
class ConstraintVocabulary {
public:
    ConstraintVocabulary() = default;
    explicit ConstraintVocabulary(const Xapian::Database& db);
    /** True when the index has the boolean term `term` (e.g. "XLspanish"). */
    bool has(const std::string& term) const;

private:
    std::set<std::string> m_terms;
};

/**
 * Finds constraints in the query: languages, cities, regions and insurers that the index knows
 * (checked against its boolean terms), and populations and formats from everyday words
 * ("teenager", "my 15-year-old", "online", "face to face").
 */
std::vector<TextConstraint> find_constraints(const std::vector<text::Token>& tokens, std::string_view original,
                                             const ConstraintVocabulary& vocabulary);

}  // namespace attune::query
