#include "text/analyzer.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <unordered_set>

namespace attune::text {
namespace {

const std::unordered_set<std::string_view>& stop_words() {
    // Function words only: pronouns other than "me"/"myself", articles, auxiliaries and
    // prepositions. Words that carry meaning in how people describe problems ("down", "away",
    // "alone", "here", "anymore", "off", "out", "up") are deliberately kept.
    static const std::unordered_set<std::string_view> words = {
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
        "with", "from", "as", "into", "about", "is", "am", "are", "was", "were", "be", "been",
        "being", "do", "does", "did", "doing", "have", "has", "had", "having", "i", "my", "mine",
        "we", "our", "ours", "you", "your", "yours", "he", "him", "his", "she", "her", "hers",
        "they", "them", "their", "theirs", "it", "its", "itself", "this", "that", "these",
        "those", "so", "very", "really", "just", "can", "could", "will", "would", "shall",
        "should", "may", "might", "must", "wo", "ca", "what", "which", "who", "whom", "how",
        "why", "when", "where", "than", "then", "too", "some", "such", "there", "s", "t",
        "yourself", "himself", "herself", "themselves", "ourselves", "u", "ur", "im", "ive",
    };
    return words;
}

// Irregular forms the Snowball stemmer leaves apart ("lost" vs "lose"), mapped to the base verb
// so phrases and queries agree whatever the tense.
const std::unordered_map<std::string_view, std::string_view>& irregular_forms() {
    static const std::unordered_map<std::string_view, std::string_view> forms = {
        {"lost", "lose"}, {"felt", "feel"}, {"left", "leave"}, {"thought", "think"}, {"broke", "break"},
        {"broken", "break"}, {"went", "go"}, {"gone", "go"}, {"told", "tell"}, {"said", "say"},
        {"kept", "keep"}, {"slept", "sleep"}, {"ate", "eat"}, {"eaten", "eat"}, {"fought", "fight"},
        {"caught", "catch"}, {"gave", "give"}, {"given", "give"}, {"took", "take"}, {"taken", "take"},
        {"made", "make"}, {"became", "become"}, {"woke", "wake"}, {"woken", "wake"}, {"drank", "drink"},
        {"drunk", "drink"}, {"hid", "hide"}, {"hidden", "hide"}, {"ran", "run"}, {"began", "begin"},
        {"begun", "begin"}, {"knew", "know"}, {"known", "know"}, {"saw", "see"}, {"seen", "see"},
        {"found", "find"}, {"met", "meet"}, {"sent", "send"}, {"spent", "spend"}, {"stole", "steal"},
        {"stolen", "steal"}, {"swore", "swear"}, {"threw", "throw"}, {"thrown", "throw"}, {"wrote", "write"},
        {"written", "write"}, {"forgot", "forget"}, {"forgotten", "forget"}, {"forgave", "forgive"},
        {"forgiven", "forgive"}, {"fell", "fall"}, {"fallen", "fall"}, {"shook", "shake"}, {"shaken", "shake"},
        {"struck", "strike"}, {"beaten", "beat"}, {"bit", "bite"},
        {"bitten", "bite"}, {"froze", "freeze"}, {"frozen", "freeze"}, {"chose", "choose"}, {"chosen", "choose"},
        {"grew", "grow"}, {"grown", "grow"}, {"dreamt", "dream"}, {"meant", "mean"}, {"heard", "hear"},
        {"held", "hold"}, {"led", "lead"}, {"paid", "pay"}, {"sold", "sell"}, {"bought", "buy"},
        {"brought", "bring"}, {"built", "build"}, {"children", "child"}, {"men", "man"},
        {"women", "woman"}, {"wives", "wife"}, {"lives", "life"}, {"teeth", "tooth"}, {"feet", "foot"},
        {"people", "person"},
    };
    return forms;
}

bool is_negator_word(std::string_view w) {
    return w == "not" || w == "never" || w == "no" || w == "nor" || w == "cannot";
}

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::string fold_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string fold_unicode(std::string_view s) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error("ICU normalizers unavailable");
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
    icu::UnicodeString folded = nfkc_cf->normalize(u, status);
    icu::UnicodeString decomposed = nfd->normalize(folded, status);
    icu::UnicodeString stripped;
    for (int32_t i = 0; i < decomposed.length();) {
        UChar32 c = decomposed.char32At(i);
        i += U16_LENGTH(c);
        if (u_charType(c) == U_NON_SPACING_MARK) continue;
        // Curly and other apostrophes become the ASCII one.
        if (c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0xFF07 || c == 0x0060 || c == 0x00B4) c = '\'';
        stripped.append(c);
    }
    icu::UnicodeString composed = nfc->normalize(stripped, status);
    if (U_FAILURE(status)) return fold_ascii(s);
    std::string out;
    composed.toUTF8String(out);
    return out;
}

// Contractions typed without the apostrophe ("cant", "dont", "im"), as people do on phones.
const std::unordered_map<std::string_view, std::pair<std::string_view, bool>>& bare_contractions() {
    static const std::unordered_map<std::string_view, std::pair<std::string_view, bool>> forms = {
        {"cant", {"can", true}},       {"dont", {"do", true}},        {"doesnt", {"does", true}},
        {"didnt", {"did", true}},      {"isnt", {"is", true}},        {"arent", {"are", true}},
        {"wasnt", {"was", true}},      {"werent", {"were", true}},    {"couldnt", {"could", true}},
        {"shouldnt", {"should", true}}, {"wouldnt", {"would", true}}, {"havent", {"have", true}},
        {"hasnt", {"has", true}},      {"hadnt", {"had", true}},      {"aint", {"is", true}},
        {"im", {"i", false}},          {"ive", {"i", false}},         {"youre", {"you", false}},
        {"theyre", {"they", false}},   {"thats", {"that", false}},    {"whats", {"what", false}},
    };
    return forms;
}

// Splits a folded word at an apostrophe. Returns the base word and whether a "not" follows.
std::pair<std::string, bool> split_contraction(const std::string& w) {
    const auto pos = w.find('\'');
    if (pos == std::string::npos) {
        const auto& bare = bare_contractions();
        auto it = bare.find(w);
        if (it != bare.end()) return {std::string(it->second.first), it->second.second};
        return {w, false};
    }
    std::string base = w.substr(0, pos);
    std::string clitic = w.substr(pos + 1);
    if (clitic == "t" && base.size() > 1 && base.back() == 'n') {
        base.pop_back();  // don't -> do, isn't -> is
        if (base == "ca") base = "can";
        else if (base == "wo") base = "will";
        else if (base == "sha") base = "shall";
        return {base, true};
    }
    static const std::array<std::string_view, 6> clitics = {"s", "m", "re", "ve", "ll", "d"};
    if (std::find(clitics.begin(), clitics.end(), clitic) != clitics.end() || clitic.empty())
        return {base, false};
    base.erase(std::remove(base.begin(), base.end(), '\''), base.end());
    clitic.erase(std::remove(clitic.begin(), clitic.end(), '\''), clitic.end());
    return {base + clitic, false};  // o'brien -> obrien
}

std::size_t utf8_bytes(const icu::UnicodeString& u, int32_t from, int32_t to) {
    std::size_t bytes = 0;
    for (int32_t i = from; i < to;) {
        UChar32 c = u.char32At(i);
        i += U16_LENGTH(c);
        bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    return bytes;
}

bool has_punctuation(const icu::UnicodeString& u, int32_t from, int32_t to) {
    for (int32_t i = from; i < to;) {
        UChar32 c = u.char32At(i);
        i += U16_LENGTH(c);
        if (u_ispunct(c) && c != '\'' && c != 0x2019 && c != '-' && c != '"' && c != 0x201C && c != 0x201D) return true;
    }
    return false;
}

}  // namespace

std::string fold(std::string_view text) {
    if (is_ascii(text)) return fold_ascii(text);
    return fold_unicode(text);
}

bool is_stop_word(std::string_view folded_word) { return stop_words().count(folded_word) > 0; }

struct Analyzer::Impl {
    std::unique_ptr<icu::BreakIterator> breaker;
    Xapian::Stem stemmer{"english"};
    std::unordered_map<std::string, std::string> stem_cache;
};

Analyzer::Analyzer() : m_impl(std::make_unique<Impl>()) {
    UErrorCode status = U_ZERO_ERROR;
    m_impl->breaker.reset(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status) || !m_impl->breaker) throw std::runtime_error("ICU word break iterator unavailable");
}

Analyzer::~Analyzer() = default;

const std::string& Analyzer::stem(const std::string& folded_word) {
    auto it = m_impl->stem_cache.find(folded_word);
    if (it != m_impl->stem_cache.end()) return it->second;
    if (m_impl->stem_cache.size() > 200000) m_impl->stem_cache.clear();
    const auto& irregular = irregular_forms();
    const auto base = irregular.find(folded_word);
    std::string stemmed = base != irregular.end() ? m_impl->stemmer(std::string(base->second)) : m_impl->stemmer(folded_word);
    return m_impl->stem_cache.emplace(folded_word, std::move(stemmed)).first->second;
}

std::vector<Token> Analyzer::analyze(std::string_view text) {
    std::vector<Token> tokens;
    icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
    icu::BreakIterator& bi = *m_impl->breaker;
    bi.setText(u);
    std::size_t byte_pos = 0;
    int32_t prev = bi.first();
    int32_t last_word_end = 0;
    for (int32_t next = bi.next(); next != icu::BreakIterator::DONE; prev = next, next = bi.next()) {
        const std::size_t seg_bytes = utf8_bytes(u, prev, next);
        const int32_t status = bi.getRuleStatus();
        if (status == UBRK_WORD_NONE) { byte_pos += seg_bytes; continue; }
        std::string raw;
        u.tempSubStringBetween(prev, next).toUTF8String(raw);
        const auto [base, negated] = split_contraction(fold(raw));
        const bool clause = !tokens.empty() && has_punctuation(u, last_word_end, prev);
        last_word_end = next;
        const auto start = static_cast<std::uint32_t>(std::min(byte_pos, text.size()));
        byte_pos += seg_bytes;
        const auto end = static_cast<std::uint32_t>(std::min(byte_pos, text.size()));
        if (!base.empty()) {
            Token t;
            t.word = base;
            t.stem = stem(base);
            t.start = start;
            t.end = end;
            t.stop = is_stop_word(base);
            t.negator = is_negator_word(base);
            t.clause_start = clause;
            tokens.push_back(std::move(t));
        }
        if (negated) {
            Token t;
            t.word = "not";
            t.stem = "not";
            t.start = start;
            t.end = end;
            t.negator = true;
            t.clause_start = clause && base.empty();
            tokens.push_back(std::move(t));
        }
    }
    if (!tokens.empty() && last_word_end == u.length()) tokens.back().at_end = true;
    return tokens;
}

}  // namespace attune::text
