#include "clinician_loader.h"

#include "article_loader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace attune::indexer {
namespace {

using nlohmann::json;

const json* field(const json& j, const char* name) {
    auto it = j.find(name);
    return it == j.end() || it->is_null() ? nullptr : &*it;
}

std::string req_string(const json& j, const char* name, const SourceRef& src) {
    const json* v = field(j, name);
    if (!v) src.fail(name, "required field is missing");
    if (!v->is_string()) src.fail(name, "expected a string");
    return v->get<std::string>();
}

std::string opt_string(const json& j, const char* name, const SourceRef& src) {
    const json* v = field(j, name);
    if (!v) return {};
    if (!v->is_string()) src.fail(name, "expected a string");
    return v->get<std::string>();
}

std::vector<std::string> string_list(const json& j, const char* name, const SourceRef& src, bool required) {
    const json* v = field(j, name);
    if (!v) {
        if (required) src.fail(name, "required field is missing");
        return {};
    }
    if (!v->is_array()) src.fail(name, "expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : *v) {
        if (!item.is_string()) src.fail(name, "expected a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

bool opt_bool(const json& j, const char* name, const SourceRef& src, bool required) {
    const json* v = field(j, name);
    if (!v) {
        if (required) src.fail(name, "required field is missing");
        return false;
    }
    if (!v->is_boolean()) src.fail(name, "expected true or false");
    return v->get<bool>();
}

std::optional<double> opt_number(const json& j, const char* name, const std::string& label, const SourceRef& src) {
    const json* v = field(j, name);
    if (!v) return std::nullopt;
    if (!v->is_number()) src.fail(label, "expected a number");
    return v->get<double>();
}

void check_enum(const std::vector<std::string>& values, const std::vector<std::string>& allowed, const char* name,
                const SourceRef& src) {
    for (const std::string& v : values)
        if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
            std::string list;
            for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
            src.fail(name, "unknown value '" + v + "' (allowed: " + list + ")");
        }
}

}  // namespace

LoadedClinician parse_clinician_json(const json& j, const SourceRef& source) {
    LoadedClinician out;
    out.source = source;
    const SourceRef& src = out.source;
    if (!j.is_object()) src.fail("profile", "expected a JSON object");
    schema::Clinician& c = out.clinician;
    c.id = req_string(j, "id", src);
    static const std::regex slug("[a-z0-9]+([-_][a-z0-9]+)*");
    if (!std::regex_match(c.id, slug)) src.fail("id", "'" + c.id + "' is not a slug (lowercase letters, digits, dashes)");
    c.fictional = opt_bool(j, "fictional", src, false);
    c.name = req_string(j, "name", src);
    c.credentials = opt_string(j, "credentials", src);
    c.pronouns = opt_string(j, "pronouns", src);
    c.bio = req_string(j, "bio", src);
    c.concerns = string_list(j, "concerns", src, true);
    c.approaches = string_list(j, "approaches", src, false);
    c.populations = string_list(j, "populations", src, true);
    check_enum(c.populations, schema::known_populations(), "populations", src);
    c.languages = string_list(j, "languages", src, true);
    const json* loc = field(j, "location");
    if (!loc) src.fail("location", "required field is missing");
    if (!loc->is_object()) src.fail("location", "expected an object with city, region, country, lat, lon");
    c.location.city = opt_string(*loc, "city", src);
    c.location.region = opt_string(*loc, "region", src);
    c.location.country = opt_string(*loc, "country", src);
    if (c.location.country.empty()) src.fail("location", "country is required");
    c.location.lat = opt_number(*loc, "lat", "location", src);
    c.location.lon = opt_number(*loc, "lon", "location", src);
    if (c.location.lat && (*c.location.lat < -90 || *c.location.lat > 90)) src.fail("location", "lat must be within -90..90");
    if (c.location.lon && (*c.location.lon < -180 || *c.location.lon > 180)) src.fail("location", "lon must be within -180..180");
    c.formats = string_list(j, "formats", src, true);
    check_enum(c.formats, schema::known_formats(), "formats", src);
    c.accepting_new_clients = opt_bool(j, "accepting_new_clients", src, true);
    c.availability_confirmed = opt_string(j, "availability_confirmed", src);
    if (!c.availability_confirmed.empty() && !valid_date(c.availability_confirmed))
        src.fail("availability_confirmed", "'" + c.availability_confirmed + "' is not a date (YYYY-MM-DD)");
    c.free_consultation = opt_bool(j, "free_consultation", src, false);
    if (const json* fee = field(j, "fee")) {
        if (!fee->is_object()) src.fail("fee", "expected an object with min, max, sliding_scale");
        c.fee.min = opt_number(*fee, "min", "fee", src);
        c.fee.max = opt_number(*fee, "max", "fee", src);
        c.fee.sliding_scale = opt_bool(*fee, "sliding_scale", src, false);
        if (c.fee.min && c.fee.max && *c.fee.min > *c.fee.max) src.fail("fee", "min is larger than max");
        if ((c.fee.min && *c.fee.min < 0) || (c.fee.max && *c.fee.max < 0)) src.fail("fee", "must not be negative");
    }
    c.insurance = string_list(j, "insurance", src, false);
    c.url = opt_string(j, "url", src);
    c.video_url = opt_string(j, "video_url", src);
    return out;
}

LoadedClinician parse_clinician_file(std::string_view text, const std::string& path) {
    SourceRef src;
    src.path = path;
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw InputError(path + ":" + std::to_string(line_at(std::string(text), e.byte == 0 ? 0 : e.byte - 1)) +
                         ": json: " + std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
    } catch (const json::out_of_range& e) {
        // A number beyond the range of a double ("1e999"); the parser names the literal, not its place.
        const std::string what = e.what();
        const auto quote = what.find('\'');
        const std::string literal = quote == std::string::npos ? "" : what.substr(quote + 1, what.rfind('\'') - quote - 1);
        const auto pos = literal.empty() ? std::string_view::npos : text.find(literal);
        throw InputError(path + ":" + std::to_string(pos == std::string_view::npos ? 1 : line_at(std::string(text), pos)) +
                         ": json: number out of range: " + literal);
    }
    if (j.is_object()) {
        const std::string t(text);
        for (const auto& [key, value] : j.items()) {
            const auto pos = t.find("\"" + key + "\"");
            if (pos != std::string::npos) src.fields[key] = line_at(t, pos);
        }
    }
    return parse_clinician_json(j, src);
}

}  // namespace attune::indexer
