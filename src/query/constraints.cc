#include "query/constraints.h"

#include "schema/prefixes.h"

#include <algorithm>
#include <map>

namespace attune::query {
namespace {

// Everyday words for populations and formats, by stem.
const std::map<std::string, std::pair<std::string, std::string>>& word_values() {
    static const std::map<std::string, std::pair<std::string, std::string>> values = {
        {"teen", {"population", "teens"}},        {"teenag", {"population", "teens"}},
        {"adolesc", {"population", "teens"}},     {"child", {"population", "children"}},
        {"kid", {"population", "children"}},      {"toddler", {"population", "children"}},
        {"coupl", {"population", "couples"}},     {"elder", {"population", "older-adults"}},
        {"senior", {"population", "older-adults"}}, {"older", {"population", "older-adults"}},
        {"onlin", {"format", "telehealth"}},      {"virtual", {"format", "telehealth"}},
        {"telehealth", {"format", "telehealth"}}, {"teletherapi", {"format", "telehealth"}},
        {"remot", {"format", "telehealth"}},      {"video", {"format", "telehealth"}},
        {"zoom", {"format", "telehealth"}},
    };
    return values;
}

// Province and state names to the region codes profiles use.
const std::map<std::string, std::string>& region_names() {
    static const std::map<std::string, std::string> names = {
        {"ontario", "on"}, {"quebec", "qc"}, {"british columbia", "bc"}, {"alberta", "ab"}, {"manitoba", "mb"},
        {"saskatchewan", "sk"}, {"nova scotia", "ns"}, {"new brunswick", "nb"}, {"newfoundland", "nl"},
        {"prince edward island", "pe"}, {"california", "ca"}, {"florida", "fl"}, {"texas", "tx"},
        {"new york state", "ny"}, {"illinois", "il"}, {"washington state", "wa"}, {"colorado", "co"},
        {"oregon", "or"}, {"arizona", "az"}, {"georgia", "ga"}, {"minnesota", "mn"}, {"massachusetts", "ma"},
    };
    return names;
}

// "ideally in Spanish", "we'd prefer online", "open to video sessions", "a woman if possible", "video
// is fine": a wish, not a requirement.
bool worded_as_wish(const std::vector<text::Token>& tokens, std::size_t from, std::size_t to) {
    static const std::set<std::string> before = {"ideal", "ideally", "prefer", "preferably", "prefered", "preferred",
                                                 "rather", "nice", "bonus", "hope", "hopefully", "possibly", "open"};
    for (std::size_t k = 1; k <= 5 && k <= from; ++k) {
        const text::Token& t = tokens[from - k];
        if (before.count(t.word) || before.count(t.stem)) return true;
        if (t.clause_start && k > 1) break;
    }
    for (std::size_t k = to + 1; k < tokens.size() && k <= to + 3; ++k) {
        if (tokens[k].clause_start) break;
        static const std::set<std::string> after = {"possible", "ideally", "preferably", "fine", "ok", "okay"};
        if (after.count(tokens[k].word)) return true;
    }
    return false;
}

int as_number(const std::string& w) {
    if (w.empty() || w.size() > 3 || !std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; })) return -1;
    return std::stoi(w);
}

}  // namespace

ConstraintVocabulary::ConstraintVocabulary(const Xapian::Database& db) {
    namespace p = schema::prefix;
    for (const char* prefix : {p::kLanguage, p::kCity, p::kInsurance, p::kRegion})
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) m_terms.insert(*it);
}

bool ConstraintVocabulary::has(const std::string& term) const { return m_terms.count(term) > 0; }

std::vector<TextConstraint> find_constraints(const std::vector<text::Token>& tokens, std::string_view original,
                                             const ConstraintVocabulary& db) {
    namespace p = schema::prefix;
    std::vector<TextConstraint> out;
    auto add = [&](std::string field, std::string value, std::string term, std::size_t from, std::size_t to) {
        if (std::any_of(out.begin(), out.end(), [&](const auto& c) { return c.term == term; })) return;
        const auto words = std::string(original.substr(tokens[from].start, tokens[to].end - tokens[from].start));
        out.push_back({std::move(field), std::move(value), std::move(term), words, worded_as_wish(tokens, from, to)});
    };
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const text::Token& t = tokens[i];
        // "my 15 year old", "a 7-year-old": an age says child or teen.
        const int age = as_number(t.word);
        if (age >= 0 && i + 2 < tokens.size() && tokens[i + 1].stem == "year" && tokens[i + 2].stem == "old") {
            if (age <= 12) add("population", "children", std::string(p::kPopulation) + "children", i, i + 2);
            else if (age <= 19) add("population", "teens", std::string(p::kPopulation) + "teens", i, i + 2);
        }
        if (t.word == "in" && i + 1 < tokens.size() && tokens[i + 1].word == "person")
            add("format", "in-person", std::string(p::kFormat) + "in-person", i, i + 1);
        if (t.stop) continue;
        auto wv = word_values().find(t.stem);
        if (wv != word_values().end()) {
            const char* prefix = wv->second.first == "population" ? p::kPopulation : p::kFormat;
            add(wv->second.first, wv->second.second, prefix + wv->second.second, i, i);
        }
        // Languages, cities, regions and insurers: n-grams of up to three words the index knows.
        std::string gram;
        for (std::size_t n = 0; n < 3 && i + n < tokens.size(); ++n) {
            gram += (n ? " " : "") + tokens[i + n].word;
            if (n == 0 && t.word != "english" && db.has(std::string(p::kLanguage) + gram))
                add("language", gram, std::string(p::kLanguage) + gram, i, i);
            if (db.has(std::string(p::kCity) + gram)) add("city", gram, std::string(p::kCity) + gram, i, i + n);
            if (db.has(std::string(p::kInsurance) + gram))
                add("insurance", gram, std::string(p::kInsurance) + gram, i, i + n);
            auto region = region_names().find(gram);
            if (region != region_names().end() && db.has(std::string(p::kRegion) + region->second))
                add("region", region->second, std::string(p::kRegion) + region->second, i, i + n);
        }
    }
    return out;
}

}  // namespace attune::query
