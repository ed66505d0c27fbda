#pragma once
#include <string>

namespace attune::cli {

/** True when stdout is a terminal (colour and emphasis allowed). */
bool stdout_is_tty();

/** A JSON snippet (HTML-escaped, <mark> around matches) as terminal text, bold matches when `emphasis`. */
std::string render_snippet(const std::string& html, bool emphasis);

std::string bold(const std::string& s, bool emphasis);

}  // namespace attune::cli
