#include "text/analyzer.h"

#include <catch2/catch.hpp>

using attune::text::Analyzer;

namespace {

std::string words(Analyzer& a, const std::string& text) {
    std::string out;
    for (const auto& t : a.analyze(text)) out += (out.empty() ? "" : " ") + t.word;
    return out;
}

std::string stems(Analyzer& a, const std::string& text) {
    std::string out;
    for (const auto& t : a.analyze(text)) out += (out.empty() ? "" : " ") + t.stem;
    return out;
}

}  // namespace

TEST_CASE("normalisation folds case, accents, compatibility forms and apostrophes", "[unit][golden]") {
    Analyzer a;
    struct Case { const char* input; const char* expected; };
    const Case cases[] = {
        {"ANXIETY", "anxiety"},
        {"Café naïve résumé", "cafe naive resume"},
        {"Straße", "strasse"},
        {"\xEF\xAC\x81ne", "fine"},                       // the "fi" ligature
        {"\xEF\xBC\xA1\xEF\xBC\xA2\xEF\xBC\xA3", "abc"},  // full-width letters
        {"don't", "do not"},
        {"don\xE2\x80\x99t", "do not"},                   // curly apostrophe
        {"can't sleep", "can not sleep"},
        {"cant sleep", "can not sleep"},
        {"i dont know", "i do not know"},
        {"im so tired", "i so tired"},
        {"won't talk", "will not talk"},
        {"They'll leave", "they leave"},
        {"I'm scared", "i scared"},
        {"my mom's house", "my mom house"},
        {"O'Brien", "obrien"},
        {"15-year-old son", "15 year old son"},
        {"fear-of-intimacy", "fear of intimacy"},
        {"((((\"\"\" ", ""},
        {"", ""},
        {"Ñandú", "nandu"},
        {"e-mail: a@b.com", "e mail a@b.com"},
    };
    for (const auto& c : cases) {
        INFO(c.input);
        CHECK(words(a, c.input) == c.expected);
    }
}

TEST_CASE("inflections share a stem so 'pulled away' matches 'pulls away'", "[unit]") {
    Analyzer a;
    CHECK(stems(a, "pulled away") == stems(a, "pulls away"));
    CHECK(stems(a, "worrying") == stems(a, "worries"));
    CHECK(stems(a, "Anxieties") == stems(a, "anxiety"));
}

TEST_CASE("offsets point at the original words, even after folding", "[unit]") {
    Analyzer a;
    const std::string text = "Très anxieux, vraiment";
    const auto tokens = a.analyze(text);
    REQUIRE(tokens.size() == 3);
    CHECK(text.substr(tokens[0].start, tokens[0].end - tokens[0].start) == "Très");
    CHECK(text.substr(tokens[1].start, tokens[1].end - tokens[1].start) == "anxieux");
    CHECK(tokens[2].clause_start);
    CHECK_FALSE(tokens[1].clause_start);
}

TEST_CASE("invalid UTF-8 and NUL bytes never throw", "[unit]") {
    Analyzer a;
    CHECK_NOTHROW(a.analyze(std::string("\xff\xfe abc \xc3", 9)));
    CHECK(words(a, std::string("abc\0def", 7)) == "abc def");
    CHECK(words(a, "\xff worry") == "worry");
}

TEST_CASE("function words are marked stop and negations are marked", "[unit]") {
    Analyzer a;
    const auto tokens = a.analyze("I am not the one");
    REQUIRE(tokens.size() == 5);
    CHECK(tokens[0].stop);
    CHECK(tokens[2].negator);
    CHECK_FALSE(tokens[4].stop);
    CHECK(a.analyze("anxi").back().at_end);
    CHECK_FALSE(a.analyze("anxi ").back().at_end);
}
