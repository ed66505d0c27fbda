#include "article_loader.h"

#include "front_matter.h"
#include "taxonomy/yaml_strict.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <regex>

namespace attune::indexer {
namespace {

const char* const kRequired[] = {"id", "title", "kind", "summary", "url", "updated"};
const std::regex kSlug("[a-z0-9]+([-_][a-z0-9]+)*");

void check_common(const schema::Article& a, const SourceRef& src) {
    if (!std::regex_match(a.id, kSlug)) src.fail("id", "'" + a.id + "' is not a slug (lowercase letters, digits, dashes)");
    const auto& kinds = schema::known_article_kinds();
    if (std::find(kinds.begin(), kinds.end(), a.kind) == kinds.end())
        src.fail("kind", "must be one of approach, concern, guide, faq, not '" + a.kind + "'");
    if (!valid_date(a.updated)) src.fail("updated", "'" + a.updated + "' is not a date (YYYY-MM-DD)");
    if (a.title.empty()) src.fail("title", "must not be empty");
}

void fill_from_markdown(schema::Article& a, std::string_view body) {
    MarkdownText md = markdown_to_text(body);
    a.headings = std::move(md.headings);
    a.body = std::move(md.body);
}

std::vector<std::string> yaml_list(const YAML::Node& n, const char* field, const SourceRef& src) {
    const YAML::Node v = n[field];
    if (!v || v.IsNull()) return {};
    if (!v.IsSequence()) src.fail(field, "expected a list of ids");
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.IsScalar()) src.fail(field, "expected a list of ids");
        out.push_back(item.as<std::string>());
    }
    return out;
}

std::vector<std::string> json_list(const nlohmann::json& j, const char* field, const SourceRef& src) {
    if (!j.contains(field) || j.at(field).is_null()) return {};
    const auto& v = j.at(field);
    if (!v.is_array()) src.fail(field, "expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : v) {
        if (!item.is_string()) src.fail(field, "expected a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

}  // namespace

bool valid_date(const std::string& s) {
    static const std::regex re("(\\d{4})-(\\d{2})-(\\d{2})");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return false;
    const int y = std::stoi(m[1]), mo = std::stoi(m[2]), d = std::stoi(m[3]);
    if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[mo - 1] + (mo == 2 && leap ? 1 : 0);
}

LoadedArticle parse_article_markdown(std::string_view text, const std::string& path) {
    const FrontMatterSplit split = split_front_matter(text, path);
    const YAML::Node fm = taxonomy::parse_yaml_strict(split.yaml, path, split.yaml_first_line);
    LoadedArticle out;
    out.source.path = path;
    out.source.line = 1;
    if (!fm.IsMap()) out.source.fail("front matter", "expected key: value pairs");
    for (const auto& kv : fm) {
        // A "? [a, b]: x" key is a list or mapping; as<std::string>() would throw a YAML exception.
        if (!kv.first.IsScalar()) out.source.fail("front matter", "keys must be plain words, not lists or mappings");
        out.source.fields[kv.first.as<std::string>()] = kv.first.Mark().line + split.yaml_first_line;
    }
    for (const char* field : kRequired) {
        const YAML::Node v = fm[field];
        if (!v || v.IsNull()) out.source.fail(field, "required field is missing");
        if (!v.IsScalar()) out.source.fail(field, "expected text");
    }
    schema::Article& a = out.article;
    a.id = fm["id"].as<std::string>();
    a.title = fm["title"].as<std::string>();
    a.kind = fm["kind"].as<std::string>();
    a.summary = fm["summary"].as<std::string>();
    a.url = fm["url"].as<std::string>();
    a.updated = fm["updated"].as<std::string>();
    a.concerns = yaml_list(fm, "concerns", out.source);
    a.approaches = yaml_list(fm, "approaches", out.source);
    if (fm["author"] && !fm["author"].IsNull()) {
        if (!fm["author"].IsScalar()) out.source.fail("author", "expected a clinician id");
        a.author = fm["author"].as<std::string>();
    }
    fill_from_markdown(a, split.body);
    check_common(a, out.source);
    return out;
}

LoadedArticle parse_article_json(const nlohmann::json& j, const SourceRef& source) {
    LoadedArticle out;
    out.source = source;
    for (const char* field : kRequired) {
        if (!j.contains(field) || j.at(field).is_null()) source.fail(field, "required field is missing");
        if (!j.at(field).is_string()) source.fail(field, "expected a string");
    }
    schema::Article& a = out.article;
    a.id = j.at("id").get<std::string>();
    a.title = j.at("title").get<std::string>();
    a.kind = j.at("kind").get<std::string>();
    a.summary = j.at("summary").get<std::string>();
    a.url = j.at("url").get<std::string>();
    a.updated = j.at("updated").get<std::string>();
    a.concerns = json_list(j, "concerns", source);
    a.approaches = json_list(j, "approaches", source);
    if (j.contains("author") && !j.at("author").is_null()) {
        if (!j.at("author").is_string()) source.fail("author", "expected a clinician id");
        a.author = j.at("author").get<std::string>();
    }
    if (j.contains("body") && !j.at("body").is_null()) {
        if (!j.at("body").is_string()) source.fail("body", "expected Markdown text");
        fill_from_markdown(a, j.at("body").get<std::string>());
    }
    check_common(a, source);
    return out;
}

}  // namespace attune::indexer
