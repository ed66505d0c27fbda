#include "schema/records.h"

#include <nlohmann/json.hpp>

namespace attune::schema {
namespace {

template <typename T>
nlohmann::json opt(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

std::optional<double> opt_double(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
    return j.at(key).get<double>();
}

}  // namespace

nlohmann::json to_json(const Location& l) {
    return {{"city", l.city}, {"region", l.region}, {"country", l.country}, {"lat", opt(l.lat)}, {"lon", opt(l.lon)}};
}

nlohmann::json to_json(const Article& a) {
    return {{"type", "article"}, {"id", a.id}, {"title", a.title}, {"kind", a.kind}, {"summary", a.summary},
            {"concerns", a.concerns}, {"approaches", a.approaches}, {"author", a.author}, {"url", a.url},
            {"updated", a.updated}, {"headings", a.headings}, {"body", a.body}};
}

nlohmann::json to_json(const Clinician& c) {
    return {{"type", "clinician"},
            {"id", c.id},
            {"fictional", c.fictional},
            {"name", c.name},
            {"credentials", c.credentials},
            {"pronouns", c.pronouns},
            {"bio", c.bio},
            {"concerns", c.concerns},
            {"approaches", c.approaches},
            {"populations", c.populations},
            {"languages", c.languages},
            {"location", to_json(c.location)},
            {"formats", c.formats},
            {"accepting_new_clients", c.accepting_new_clients},
            {"availability_confirmed", c.availability_confirmed},
            {"free_consultation", c.free_consultation},
            {"fee", {{"min", opt(c.fee.min)}, {"max", opt(c.fee.max)}, {"sliding_scale", c.fee.sliding_scale}}},
            {"insurance", c.insurance},
            {"url", c.url},
            {"video_url", c.video_url}};
}

Article article_from_json(const nlohmann::json& j) {
    Article a;
    a.id = j.value("id", "");
    a.title = j.value("title", "");
    a.kind = j.value("kind", "");
    a.summary = j.value("summary", "");
    a.concerns = j.value("concerns", std::vector<std::string>{});
    a.approaches = j.value("approaches", std::vector<std::string>{});
    a.author = j.value("author", "");
    a.url = j.value("url", "");
    a.updated = j.value("updated", "");
    a.headings = j.value("headings", std::vector<std::string>{});
    a.body = j.value("body", "");
    return a;
}

Clinician clinician_from_json(const nlohmann::json& j) {
    Clinician c;
    c.id = j.value("id", "");
    c.fictional = j.value("fictional", false);
    c.name = j.value("name", "");
    c.credentials = j.value("credentials", "");
    c.pronouns = j.value("pronouns", "");
    c.bio = j.value("bio", "");
    c.concerns = j.value("concerns", std::vector<std::string>{});
    c.approaches = j.value("approaches", std::vector<std::string>{});
    c.populations = j.value("populations", std::vector<std::string>{});
    c.languages = j.value("languages", std::vector<std::string>{});
    if (j.contains("location") && j.at("location").is_object()) {
        const auto& l = j.at("location");
        c.location = {l.value("city", ""), l.value("region", ""), l.value("country", ""), opt_double(l, "lat"),
                      opt_double(l, "lon")};
    }
    c.formats = j.value("formats", std::vector<std::string>{});
    c.accepting_new_clients = j.value("accepting_new_clients", false);
    c.availability_confirmed = j.value("availability_confirmed", "");
    c.free_consultation = j.value("free_consultation", false);
    if (j.contains("fee") && j.at("fee").is_object()) {
        const auto& f = j.at("fee");
        c.fee = {opt_double(f, "min"), opt_double(f, "max"), f.value("sliding_scale", false)};
    }
    c.insurance = j.value("insurance", std::vector<std::string>{});
    c.url = j.value("url", "");
    c.video_url = j.value("video_url", "");
    return c;
}

}  // namespace attune::schema
