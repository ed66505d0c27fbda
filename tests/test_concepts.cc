#include "query/concept_detector.h"
#include "taxonomy/taxonomy_yaml.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace attune;

namespace {

struct Fixture {
    taxonomy::Taxonomy tax = taxonomy::load_taxonomy_yaml(std::string(ATTUNE_SOURCE_DIR) + "/corpus/taxonomy.yaml");
    text::Analyzer analyzer;
    query::ConceptDetector detector{tax, analyzer};

    query::Detection detect(const std::string& q) { return detector.detect(analyzer.analyze(q), q); }
};

std::vector<std::string> top_ids(const query::Detection& d, std::size_t n) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < d.concepts.size() && i < n; ++i) out.push_back(d.concepts[i].id);
    return out;
}

bool has(const std::vector<std::string>& v, const std::string& id) { return std::find(v.begin(), v.end(), id) != v.end(); }

struct Case {
    const char* query;
    std::vector<std::string> expect;  ///< each must be among the top 3 concepts
    std::vector<std::string> absent;  ///< none may be detected at all
    bool crisis;
};

}  // namespace

TEST_CASE("lay phrasing, negation, typos and crisis map to the right concepts", "[golden]") {
    Fixture f;
    const std::vector<Case> cases = {
        // lay phrasing about oneself
        {"I get anxious when my partner pulls away", {"anxiety"}, {}, false},
        {"scared my boyfriend will leave", {"fear-of-abandonment"}, {}, false},
        {"I push people away when they get close", {"fear-of-intimacy"}, {}, false},
        {"my teenager won't talk to me", {"child-adolescent"}, {}, false},
        {"fear of intimacy", {"fear-of-intimacy"}, {}, false},
        {"can't stop worrying about everything", {"anxiety"}, {}, false},
        {"my heart races and I feel like I'm dying", {"panic"}, {}, false},
        {"I keep checking that the door is locked", {"ocd"}, {}, false},
        {"I always say yes and then resent it", {"boundaries"}, {}, false},
        {"found texts from another woman on his phone", {"infidelity"}, {}, false},
        {"we are getting divorced and the kids are struggling", {"breakup-divorce"}, {}, false},
        {"I have no friends and feel lonely", {"friendships-loneliness"}, {}, false},
        {"my boss yells at me every day", {"workplace"}, {}, false},
        {"lying awake at 3am every night", {"sleep"}, {}, false},
        {"since my dad passed away I can't function", {"grief-loss"}, {}, false},
        {"I drink every night to calm down", {"substance-use"}, {}, false},
        {"nightmares and flashbacks since the accident", {"ptsd"}, {}, false},
        {"I binge and then feel disgusted with myself", {"eating-disorders"}, {}, false},
        {"coming out to my parents as gay", {"lgbtq"}, {}, false},
        {"back from deployment and can't adjust", {"military-veterans"}, {}, false},
        {"I lose my temper and yell at my kids", {"anger"}, {}, false},
        {"I feel worthless and hate myself", {"self-esteem"}, {}, false},
        {"can't focus and always lose my keys, maybe ADHD", {"adhd"}, {}, false},
        {"just retired and don't know who I am anymore", {"life-transitions"}, {}, false},
        {"I can't sleep", {"sleep"}, {}, false},
        // approaches by name and abbreviation
        {"EMDR therapist", {"emdr"}, {}, false},
        {"emotionally focused couples therapy", {"eft"}, {}, false},
        {"CBT for worry", {"cbt"}, {}, false},
        {"internal family systems parts work", {"ifs"}, {}, false},
        {"dialectical behavior therapy skills group", {"dbt"}, {}, false},
        // negation
        {"I'm not depressed, just tired", {}, {"depression"}, false},
        {"I am not anxious about it", {}, {"anxiety"}, false},
        {"never had a panic attack but my heart races", {}, {}, false},
        // crisis, with variants
        {"thinking about ending it all", {"suicidal-thoughts"}, {}, true},
        {"everyone would be better off without me", {"suicidal-thoughts"}, {}, true},
        {"been cutting again", {"self-harm"}, {}, true},
        {"I want to die", {"suicidal-thoughts"}, {}, true},
        {"I don't want to be here anymore", {"suicidal-thoughts"}, {}, true},
        {"he said he would kill me if I leave", {"domestic-violence"}, {}, true},
        // idioms are not crises
        {"killing it at work but stressed", {}, {"suicidal-thoughts", "self-harm"}, false},
        {"my plants are dying", {}, {"suicidal-thoughts"}, false},
        {"how to kill weeds in the garden", {}, {"suicidal-thoughts"}, false},
        {"dying to try the new cafe", {}, {"suicidal-thoughts"}, false},
    };
    for (const Case& c : cases) {
        INFO("query: " << c.query);
        const query::Detection d = f.detect(c.query);
        INFO("detected: " << d.describe());
        const auto top = top_ids(d, 3);
        for (const std::string& id : c.expect) CHECK(has(top, id));
        for (const std::string& id : c.absent) CHECK_FALSE(has(top_ids(d, 100), id));
        CHECK(d.crisis_concepts.empty() == !c.crisis);
    }
}

TEST_CASE("long intake texts yield several concepts, strongest first", "[golden]") {
    Fixture f;
    const auto d = f.detect(
        "My wife and I argue constantly and I shut down when we fight. Since I lost my job I can't sleep, "
        "I lie awake worrying about money, and I have been drinking more than I should to take the edge off.");
    const auto ids = top_ids(d, 10);
    CHECK(ids.size() >= 3);
    CHECK(has(ids, "marriage-couples"));
    CHECK(has(ids, "sleep"));
    CHECK(has(ids, "substance-use"));
    for (std::size_t i = 1; i < d.concepts.size(); ++i) CHECK(d.concepts[i - 1].score >= d.concepts[i].score);
}

TEST_CASE("a concept reports the words the visitor typed", "[unit]") {
    Fixture f;
    const auto d = f.detect("Scared my boyfriend will LEAVE");
    REQUIRE_FALSE(d.concepts.empty());
    CHECK(d.concepts.front().matched.front() == "Scared my boyfriend will LEAVE");
}
