// Loading the taxonomy from YAML, with strict parsing shared by the article front matter.
#include "errors.h"
#include "taxonomy/taxonomy_yaml.h"
#include "taxonomy/yaml_strict.h"
#include "text/utf8.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace attune::taxonomy {
namespace {

class AliasRejecter : public YAML::EventHandler {
public:
    AliasRejecter(const std::string& path, int first_line) : m_path(path), m_first(first_line) {}
    void OnDocumentStart(const YAML::Mark& m) override {
        // yaml-cpp 0.7 gets stuck on some malformed text (a ',' where a value starts): it reports
        // the same empty document again and again without reading on. Treat that as the error it is.
        if (m_documents++ > 0 && m.pos <= m_last_start) fail(m, "unexpected character (the parser cannot read on)");
        m_last_start = m.pos;
    }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark& m, YAML::anchor_t a) override { check(m, a); }
    void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { fail(m, "aliases (*name) are not allowed"); }
    void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t a, const std::string& value) override {
        check(m, a);
        // yaml-cpp 0.7 decodes the \N and \_ escapes to the single bytes 0x85 and 0xA0, which are not
        // UTF-8; such text would later fail to be stored (JSON) or shown.
        if (text::find_invalid_utf8(value) != std::string::npos)
            fail(m, "text that is not valid UTF-8 (from a \\N or \\_ escape? write the character itself)");
    }
    void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { check(m, a); }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t a, YAML::EmitterStyle::value) override { check(m, a); }
    void OnMapEnd() override {}

private:
    void check(const YAML::Mark& m, YAML::anchor_t a) {
        if (a != YAML::NullAnchor) fail(m, "anchors (&name) are not allowed");
    }
    [[noreturn]] void fail(const YAML::Mark& m, const std::string& what) {
        throw InputError(m_path + ":" + std::to_string(m.line + m_first) + ": yaml: " + what);
    }
    std::string m_path;
    int m_first;
    int m_documents = 0;
    int m_last_start = -1;
};

std::string read_file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string read_small_file(const std::string& path) {
    std::string text = read_file_bytes(path);
    check_file_text(text, path);
    return text;
}

std::vector<std::string> string_list(const YAML::Node& map, const char* field, const std::string& path) {
    const YAML::Node n = map[field];
    if (!n || n.IsNull()) return {};
    if (!n.IsSequence()) throw InputError(yaml_where(n, path) + ": " + field + ": expected a list of strings");
    std::vector<std::string> out;
    for (const auto& item : n) {
        if (!item.IsScalar()) throw InputError(yaml_where(item, path) + ": " + field + ": expected a string");
        out.push_back(item.as<std::string>());
    }
    return out;
}

std::string required_string(const YAML::Node& map, const char* field, const std::string& path) {
    const YAML::Node n = map[field];
    if (!n || n.IsNull()) throw InputError(yaml_where(map, path) + ": " + field + ": required field is missing");
    if (!n.IsScalar()) throw InputError(yaml_where(n, path) + ": " + field + ": expected a string");
    return n.as<std::string>();
}

bool optional_bool(const YAML::Node& map, const char* field, const std::string& path) {
    const YAML::Node n = map[field];
    if (!n || n.IsNull()) return false;
    try {
        return n.as<bool>();
    } catch (const YAML::Exception&) {
        throw InputError(yaml_where(n, path) + ": " + field + ": expected true or false");
    }
}

}  // namespace

YAML::Node parse_yaml_strict(std::string_view text, const std::string& path, int first_line) {
    // YAML allows no control characters but tab and line breaks, and yaml-cpp 0.7 misreads them: it
    // takes a NUL byte in plain text for the start of an escape sequence ("\0N" becomes byte 0x85).
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
            const auto line = first_line + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(i), '\n');
            char code[8];
            std::snprintf(code, sizeof code, "0x%02X", c);
            throw InputError(path + ":" + std::to_string(line) + ": yaml: control character " + code + " is not allowed");
        }
    }
    try {
        std::istringstream events{std::string(text)};
        YAML::Parser parser(events);
        AliasRejecter rejecter(path, first_line);
        while (parser.HandleNextDocument(rejecter)) {}
        return YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        throw InputError(path + ":" + std::to_string(e.mark.line + first_line) + ": yaml: " + e.msg);
    }
}

std::string yaml_where(const YAML::Node& node, const std::string& path, int first_line) {
    const int line = node.Mark().line;
    return path + ":" + std::to_string(line < 0 ? first_line : line + first_line);
}

std::string read_text_file(const std::string& path) { return read_small_file(path); }

void check_file_text(std::string_view text, const std::string& path) {
    if (text.size() > kMaxFileBytes) throw InputError(path + ": file is larger than 1 MiB");
    if (auto bad = text::find_invalid_utf8(text); bad != std::string::npos) {
        const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad), '\n');
        throw InputError(path + ":" + std::to_string(line) + ": invalid UTF-8 at byte " + std::to_string(bad));
    }
}

Taxonomy load_taxonomy_yaml(const std::string& path) { return parse_taxonomy_yaml(read_file_bytes(path), path); }

Taxonomy parse_taxonomy_yaml(std::string_view text, const std::string& path) {
    check_file_text(text, path);
    const YAML::Node root = parse_yaml_strict(text, path);
    // operator[] on a scalar or a list throws YAML::BadSubscript, not an InputError.
    const YAML::Node list = root.IsMap() ? root["concepts"] : YAML::Node();
    if (!list || !list.IsSequence()) throw InputError(path + ":1: concepts: expected a list of concepts");
    std::vector<Concept> concepts;
    for (const auto& n : list) {
        if (!n.IsMap()) throw InputError(yaml_where(n, path) + ": concepts: each concept must be a mapping");
        Concept c;
        c.line = n.Mark().line + 1;
        c.id = required_string(n, "id", path);
        const std::string kind = required_string(n, "kind", path);
        if (kind != "concern" && kind != "approach")
            throw InputError(yaml_where(n["kind"], path) + ": kind: must be concern or approach, not '" + kind + "'");
        c.kind = kind == "concern" ? ConceptKind::Concern : ConceptKind::Approach;
        c.label = required_string(n, "label", path);
        c.description = required_string(n, "description", path);
        c.broader = string_list(n, "broader", path);
        c.related = string_list(n, "related", path);
        c.phrases = string_list(n, "phrases", path);
        c.crisis_phrases = string_list(n, "crisis_phrases", path);
        c.crisis = optional_bool(n, "crisis", path);
        concepts.push_back(std::move(c));
    }
    return Taxonomy(std::move(concepts), path);
}

}  // namespace attune::taxonomy
