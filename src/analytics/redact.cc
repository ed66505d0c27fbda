#include "analytics/redact.h"

#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace attune::analytics {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

/** A whitespace-separated chunk split into leading punctuation, core and trailing punctuation. */
struct Chunk {
    std::string lead, core, trail;
    std::string text() const { return lead + core + trail; }
};

bool is_edge_punct(char c) { return std::string_view("\"'()[]{}<>,;:!?*").find(c) != std::string_view::npos; }

Chunk split_chunk(std::string_view w) {
    std::size_t b = 0, e = w.size();
    while (b < e && is_edge_punct(w[b])) ++b;
    while (e > b && (is_edge_punct(w[e - 1]) || w[e - 1] == '.')) --e;
    return {std::string(w.substr(0, b)), std::string(w.substr(b, e - b)), std::string(w.substr(e))};
}

bool looks_like_email(std::string_view w) {
    const auto at = w.find('@');
    if (at == std::string_view::npos || at == 0) return false;
    const auto dot = w.find('.', at + 2);
    return dot != std::string_view::npos && dot + 1 < w.size();
}

bool looks_like_url(std::string_view w) {
    const std::string l = ascii_lower(w);
    for (const char* scheme : {"http://", "https://", "ftp://", "www."})
        if (l.rfind(scheme, 0) == 0) return true;
    // A bare domain: letters, a dot, and a common top-level domain, optionally with a path.
    const std::string host = l.substr(0, l.find('/'));
    const auto dot = host.rfind('.');
    if (dot == std::string::npos || dot < 2) return false;
    static const std::array<std::string_view, 16> tlds = {"com", "org", "net", "edu", "gov", "io", "co", "uk",
                                                          "ca", "de", "info", "me", "us", "au", "ly", "app"};
    const std::string_view tld = std::string_view(host).substr(dot + 1);
    return std::find(tlds.begin(), tlds.end(), tld) != tlds.end();
}

bool starts_capitalised(std::string_view w) {
    if (w.empty()) return false;
    const auto c = static_cast<unsigned char>(w[0]);
    return (c >= 'A' && c <= 'Z') || c >= 0x80;  // non-ASCII letters: take the safe side
}

/** Words after which the next word is a name, whatever its case. */
bool introduces_name(const std::vector<std::string>& lower, std::size_t i) {
    auto at = [&](std::size_t back) -> std::string_view { return i >= back ? std::string_view(lower[i - back]) : ""; };
    if (at(0) == "is" && at(1) == "name" && (at(2) == "my" || at(2) == "first" || at(2) == "last")) return true;
    if (at(0) == "name's" && at(1) == "my") return true;
    if (at(0) == "names" && at(1) == "my") return true;
    if (at(0) == "me" && at(1) == "call") return true;
    if (at(0) == "called" && (at(1) == "i'm" || at(1) == "im" || at(1) == "am")) return true;
    return false;
}

/** "I" and its contractions start a new sentence after a name rather than a surname. */
bool is_pronoun_i(std::string_view lower) { return lower == "i" || lower.rfind("i'", 0) == 0 || lower == "im"; }

/** E-mail, URL and name chunks, on whitespace-separated chunks. */
std::string redact_chunks(std::string_view text) {
    std::vector<Chunk> chunks;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        const std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) chunks.push_back(split_chunk(text.substr(start, i - start)));
    }
    std::vector<std::string> lower;
    for (const auto& c : chunks) {
        std::string l = ascii_lower(c.core);
        for (std::size_t p; (p = l.find("\xE2\x80\x99")) != std::string::npos;) l.replace(p, 3, "'");
        lower.push_back(std::move(l));
    }
    std::string out;
    bool previous_was_name = false;
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        Chunk c = chunks[k];
        const bool after_intro = k > 0 && introduces_name(lower, k - 1) && chunks[k - 1].trail.empty();
        const bool after_named = k > 0 && (lower[k - 1] == "named" || lower[k - 1] == "called") &&
                                 chunks[k - 1].trail.empty() && starts_capitalised(c.core);
        const bool surname = previous_was_name && starts_capitalised(c.core) && c.lead.empty();
        previous_was_name = false;
        if (looks_like_email(c.core)) {
            c.core = "[email]";
        } else if (looks_like_url(c.core)) {
            c.core = "[url]";
        } else if (!c.core.empty() && (after_intro || after_named || surname) && !(surname && is_pronoun_i(lower[k]))) {
            c.core = "[name]";
            previous_was_name = c.trail.empty() && !surname;
        }
        if (!out.empty()) out += ' ';
        out += c.text();
    }
    return out;
}

}  // namespace

namespace {

/** Phone numbers and other runs of digits; placeholders carry no digits, so this runs last. */
std::string redact_digits(std::string_view text) {
    auto phone_char = [](char c) { return is_digit(c) || c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+'; };
    std::string out;
    std::size_t i = 0;
    while (i < text.size()) {
        const bool opens = is_digit(text[i]) ||
                           ((text[i] == '+' || text[i] == '(') && i + 1 < text.size() && is_digit(text[i + 1]));
        if (!opens) {
            out += text[i++];
            continue;
        }
        std::size_t end = i, digits = 0, last_digit = i;
        while (end < text.size() && phone_char(text[end])) {
            if (is_digit(text[end])) {
                ++digits;
                last_digit = end;
            }
            ++end;
        }
        end = last_digit + 1;
        if (end < text.size() && text[end] == ')') ++end;
        if (digits >= 7) {
            out += "[phone]";
        } else {
            for (std::size_t k = i; k < end;) {
                if (is_digit(text[k])) {
                    while (k < end && is_digit(text[k])) ++k;
                    out += "[number]";
                } else {
                    out += text[k++];
                }
            }
        }
        i = end;
    }
    return out;
}

std::string lower_case(const std::string& s) {
    std::string out;
    icu::UnicodeString::fromUTF8(s).toLower().toUTF8String(out);
    return out;
}

}  // namespace

std::string redact_query(std::string_view text) {
    return lower_case(redact_digits(redact_chunks(text)));
}

}  // namespace attune::analytics
