#pragma once
#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>
#include <vector>

namespace attune::schema {

/** A Learn page: an approach, a concern, a guide or an FAQ. */
struct Article {
    std::string id;
    std::string title;
    std::string kind;  ///< approach | concern | guide | faq
    std::string summary;
    std::vector<std::string> concerns;
    std::vector<std::string> approaches;
    std::string author;  ///< clinician id or empty
    std::string url;
    std::string updated;  ///< YYYY-MM-DD
    std::vector<std::string> headings;
    std::string body;  ///< plain text, paragraphs separated by blank lines
};

struct Location {
    std::string city;
    std::string region;
    std::string country;
    std::optional<double> lat;
    std::optional<double> lon;
};

struct Fee {
    std::optional<double> min;
    std::optional<double> max;
    bool sliding_scale = false;
};

/** A clinician's public profile. */
struct Clinician {
    std::string id;
    bool fictional = false;
    std::string name;
    std::string credentials;
    std::string pronouns;
    std::string bio;
    std::vector<std::string> concerns;
    std::vector<std::string> approaches;
    std::vector<std::string> populations;
    std::vector<std::string> languages;
    Location location;
    std::vector<std::string> formats;
    bool accepting_new_clients = false;
    std::string availability_confirmed;  ///< YYYY-MM-DD or empty
    bool free_consultation = false;
    Fee fee;
    std::vector<std::string> insurance;
    std::string url;
    std::string video_url;
};

nlohmann::json to_json(const Article& a);
nlohmann::json to_json(const Clinician& c);
nlohmann::json to_json(const Location& l);
Article article_from_json(const nlohmann::json& j);
Clinician clinician_from_json(const nlohmann::json& j);

inline const std::vector<std::string>& known_populations() {
    static const std::vector<std::string> v = {"individuals", "couples", "families", "children", "teens", "older-adults"};
    return v;
}
inline const std::vector<std::string>& known_formats() {
    static const std::vector<std::string> v = {"in-person", "telehealth"};
    return v;
}
inline const std::vector<std::string>& known_article_kinds() {
    static const std::vector<std::string> v = {"approach", "concern", "guide", "faq"};
    return v;
}

}  // namespace attune::schema
