#include "terminal.h"

#include <unistd.h>

#include <utility>

namespace attune::cli {

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) != 0; }

std::string bold(const std::string& s, bool emphasis) { return emphasis ? "\033[1m" + s + "\033[0m" : s; }

std::string render_snippet(const std::string& html, bool emphasis) {
    static const std::pair<const char*, const char*> entities[] = {
        {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&apos;", "'"}};
    std::string out;
    for (std::size_t i = 0; i < html.size();) {
        if (html.compare(i, 6, "<mark>") == 0) { out += emphasis ? "\033[1m" : ""; i += 6; continue; }
        if (html.compare(i, 7, "</mark>") == 0) { out += emphasis ? "\033[0m" : ""; i += 7; continue; }
        bool replaced = false;
        if (html[i] == '&')
            for (const auto& [from, to] : entities)
                if (html.compare(i, std::char_traits<char>::length(from), from) == 0) {
                    out += to;
                    i += std::char_traits<char>::length(from);
                    replaced = true;
                    break;
                }
        if (replaced) continue;
        out += html[i] == '\n' ? ' ' : html[i];
        ++i;
    }
    return out;
}

}  // namespace attune::cli
