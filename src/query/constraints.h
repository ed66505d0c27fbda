#pragma once
#include "text/analyzer.h"

#include <xapian.h>

#include <string>
#include <vector>

namespace attune::query {

/** A practical constraint written in the query text: "speaks Spanish", "in Toronto", "online", "my teen". */
struct TextConstraint {
    std::string field;  ///< language | city | region | population | format | insurance
    std::string value;  ///< the index value, e.g. "spanish", "los angeles", "teens"
    std::string term;   ///< the boolean term it stands for, e.g. "XLspanish"
    std::string words;  ///< the words as typed
};

/**
 * Finds constraints in the query: languages, cities, regions and insurers that the index knows
 * (checked against its boolean terms), and populations and formats from everyday words
 * ("teenager", "my 15-year-old", "online", "face to face").
 */
std::vector<TextConstraint> find_constraints(const std::vector<text::Token>& tokens, std::string_view original,
                                             const Xapian::Database& db);

}  // namespace attune::query
