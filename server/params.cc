#include "params.h"

#include "text/utf8.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

namespace attune::server {
namespace {

const std::set<std::string>& known_search_params() {
    static const std::set<std::string> known = {"q", "type", "limit", "offset", "concern", "approach", "language",
                                                "population", "format", "accepting", "prefix", "explain", "country"};
    return known;
}

std::vector<std::string> values(const httplib::Params& params, const char* name) {
    std::vector<std::string> out;
    auto range = params.equal_range(name);
    for (auto it = range.first; it != range.second; ++it) out.push_back(it->second);
    return out;
}

std::string single(const httplib::Params& params, const char* name) {
    const auto all = values(params, name);
    if (all.size() > 1) throw ParamError(name, std::string(name) + " may be given once");
    return all.empty() ? std::string() : all.front();
}

bool bool_param(const httplib::Params& params, const char* name) {
    const std::string v = single(params, name);
    if (v.empty() || v == "false" || v == "0") return false;
    if (v == "true" || v == "1") return true;
    throw ParamError(name, std::string(name) + " must be true or false");
}

void check_text(const std::string& value, const char* name, std::size_t max_chars) {
    if (text::find_invalid_utf8(value) != std::string::npos) throw ParamError(name, std::string(name) + " is not valid UTF-8");
    if (text::utf8_length(value) > max_chars)
        throw ParamError(name, std::string(name) + " is longer than " + std::to_string(max_chars) + " characters");
}

std::vector<std::string> enum_values(const httplib::Params& params, const char* name, const std::vector<std::string>& allowed) {
    auto out = values(params, name);
    for (const auto& v : out)
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            throw ParamError(name, std::string(name) + " must be one of " + list);
        }
    return out;
}

std::vector<std::string> slug_values(const httplib::Params& params, const char* name) {
    auto out = values(params, name);
    for (const auto& v : out) {
        check_text(v, name, 100);
        if (v.empty()) throw ParamError(name, std::string(name) + " must not be empty");
    }
    return out;
}

}  // namespace

std::size_t integer_param(const httplib::Params& params, const char* name, std::size_t fallback, std::size_t min,
                          std::size_t max) {
    const std::string v = single(params, name);
    if (v.empty()) return fallback;
    if (v.size() > 9 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw ParamError(name, std::string(name) + " must be a whole number");
    const std::size_t n = std::stoul(v);
    if (n < min || n > max)
        throw ParamError(name, std::string(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return n;
}

service::SearchRequest parse_search_params(const httplib::Params& params) {
    for (const auto& [key, value] : params)
        if (!known_search_params().count(key)) throw ParamError(key, "unknown parameter");
    service::SearchRequest r;
    r.query = single(params, "q");
    check_text(r.query, "q", kMaxSearchChars);
    const std::string type = single(params, "type");
    if (type.empty() || type == "all") r.type = service::ResultType::All;
    else if (type == "article") r.type = service::ResultType::Article;
    else if (type == "clinician") r.type = service::ResultType::Clinician;
    else throw ParamError("type", "type must be all, article or clinician");
    r.limit = integer_param(params, "limit", 10, 1, 100);
    r.offset = integer_param(params, "offset", 0, 0, 10000);
    r.filters.concerns = slug_values(params, "concern");
    r.filters.approaches = slug_values(params, "approach");
    r.filters.languages = slug_values(params, "language");
    r.filters.populations = enum_values(params, "population", schema::known_populations());
    r.filters.formats = enum_values(params, "format", schema::known_formats());
    r.filters.accepting_only = bool_param(params, "accepting");
    r.prefix = bool_param(params, "prefix");
    r.explain = bool_param(params, "explain");
    r.country = single(params, "country");
    check_text(r.country, "country", 3);
    r.facets = true;
    bool has_words = false;
    for (char c : r.query)
        if (!std::isspace(static_cast<unsigned char>(c))) { has_words = true; break; }
    if (!has_words && r.filters.empty()) throw ParamError("q", "q is required (or give a filter)");
    return r;
}

service::MatchRequest parse_match_body(const std::string& body) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error&) {
        throw ParamError("body", "the body must be a JSON object");
    } catch (const nlohmann::json::out_of_range&) {
        // A number beyond the range of a double ("1e999"): a bad request, not a server error.
        throw ParamError("body", "the body has a number out of range");
    }
    if (!j.is_object()) throw ParamError("body", "the body must be a JSON object");
    static const std::set<std::string> known = {"text", "language", "format", "population", "insurance", "city", "lat",
                                                "lon", "radius_km", "max_fee", "accepting", "free_consultation",
                                                "ignore", "limit", "today"};
    for (const auto& [key, value] : j.items())
        if (!known.count(key)) throw ParamError(key, "unknown field");
    auto text_field = [&](const char* name) {
        if (!j.contains(name) || j[name].is_null()) return std::string();
        if (!j[name].is_string()) throw ParamError(name, std::string(name) + " must be a string");
        return j[name].get<std::string>();
    };
    auto list_field = [&](const char* name, const std::vector<std::string>* allowed) {
        std::vector<std::string> out;
        if (!j.contains(name) || j[name].is_null()) return out;
        const auto& v = j[name];
        if (v.is_string()) out.push_back(v.get<std::string>());
        else if (v.is_array()) {
            for (const auto& x : v) {
                if (!x.is_string()) throw ParamError(name, std::string(name) + " must be a list of strings");
                out.push_back(x.get<std::string>());
            }
        } else throw ParamError(name, std::string(name) + " must be a string or a list of strings");
        if (allowed)
            for (const auto& x : out)
                if (std::find(allowed->begin(), allowed->end(), x) == allowed->end())
                    throw ParamError(name, std::string(name) + " has an unknown value '" + x + "'");
        return out;
    };
    auto number_field = [&](const char* name) -> std::optional<double> {
        if (!j.contains(name) || j[name].is_null()) return std::nullopt;
        if (!j[name].is_number()) throw ParamError(name, std::string(name) + " must be a number");
        return j[name].get<double>();
    };
    auto bool_field = [&](const char* name) {
        if (!j.contains(name) || j[name].is_null()) return false;
        if (!j[name].is_boolean()) throw ParamError(name, std::string(name) + " must be true or false");
        return j[name].get<bool>();
    };
    service::MatchRequest r;
    r.text = text_field("text");
    if (text::find_invalid_utf8(r.text) != std::string::npos) throw ParamError("text", "text is not valid UTF-8");
    if (text::utf8_length(r.text) > 5000) throw ParamError("text", "text is longer than 5000 characters");
    auto& c = r.constraints;
    c.languages = list_field("language", nullptr);
    c.formats = list_field("format", &schema::known_formats());
    c.populations = list_field("population", &schema::known_populations());
    c.insurance = list_field("insurance", nullptr);
    c.city = text_field("city");
    c.lat = number_field("lat");
    c.lon = number_field("lon");
    if (auto radius = number_field("radius_km")) c.radius_km = *radius;
    c.max_fee = number_field("max_fee");
    c.accepting_only = bool_field("accepting");
    c.free_consultation = bool_field("free_consultation");
    r.ignore_parsed = list_field("ignore", nullptr);
    if (auto limit = number_field("limit")) {
        if (*limit < 1 || *limit > 100 || std::floor(*limit) != *limit) throw ParamError("limit", "limit must be a whole number between 1 and 100");
        r.limit = static_cast<std::size_t>(*limit);
    }
    r.today = text_field("today");
    if (r.text.empty() && c.languages.empty() && c.formats.empty() && c.populations.empty() && c.insurance.empty() &&
        c.city.empty() && !c.lat)
        throw ParamError("text", "give text or at least one constraint");
    return r;
}

std::string parse_suggest_query(const httplib::Params& params) {
    for (const auto& [key, value] : params)
        if (key != "q" && key != "limit") throw ParamError(key, "unknown parameter");
    const std::string q = single(params, "q");
    if (q.empty()) throw ParamError("q", "q is required");
    check_text(q, "q", kMaxSuggestChars);
    return q;
}

}  // namespace attune::server
