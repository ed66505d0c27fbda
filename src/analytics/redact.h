#pragma once
#include <string>
#include <string_view>

namespace attune::analytics {

/**
 * A query made safe to keep: e-mail addresses become "[email]", web addresses "[url]", phone
 * numbers (seven digits or more, with the usual separators) "[phone]", every other run of digits
 * "[number]", and the name after "my name is", "call me", "I'm called" (or a capitalised name
 * after "named"/"called") "[name]". Whitespace is collapsed and the text lower-cased, so the
 * same words typed twice count as one query. Never throws on any input.
 */
std::string redact_query(std::string_view text);

}  // namespace attune::analytics
