#include "front_matter.h"

#include "errors.h"

#include <md4c.h>

#include <vector>

namespace attune::indexer {

FrontMatterSplit split_front_matter(std::string_view text, const std::string& path) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (text.substr(0, 4) != "---\n" && text.substr(0, 5) != "---\r\n")
        throw InputError(path + ":1: front matter: the file must start with a '---' line");
    const std::size_t start = text.find('\n') + 1;
    std::size_t pos = start;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line == "---" || line == "...") {
            FrontMatterSplit out;
            out.yaml = std::string(text.substr(start, pos - start));
            out.body = eol < text.size() ? std::string(text.substr(eol + 1)) : std::string();
            return out;
        }
        pos = eol + 1;
    }
    throw InputError(path + ":1: front matter: no closing '---' line");
}

namespace {

struct MdState {
    MarkdownText out;
    int heading_level = 0;
    std::string heading;
    int depth_code = 0;
};

void append_block_break(std::string& s) {
    while (!s.empty() && s.back() == ' ') s.pop_back();
    if (!s.empty() && s.back() != '\n') s += "\n\n";
}

int enter_block(MD_BLOCKTYPE type, void* detail, void* user) {
    auto* st = static_cast<MdState*>(user);
    if (type == MD_BLOCK_H) {
        st->heading_level = static_cast<int>(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level);
        st->heading.clear();
    }
    if (type == MD_BLOCK_LI) { append_block_break(st->out.body); st->out.body += "- "; }
    return 0;
}

int leave_block(MD_BLOCKTYPE type, void*, void* user) {
    auto* st = static_cast<MdState*>(user);
    if (type == MD_BLOCK_H) {
        if (st->heading_level == 1 && st->out.title.empty()) st->out.title = st->heading;
        else st->out.headings.push_back(st->heading);
        st->heading_level = 0;
    } else if (type == MD_BLOCK_P || type == MD_BLOCK_LI || type == MD_BLOCK_CODE || type == MD_BLOCK_QUOTE) {
        append_block_break(st->out.body);
    }
    return 0;
}

int span(MD_SPANTYPE, void*, void*) { return 0; }

int text_cb(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* user) {
    auto* st = static_cast<MdState*>(user);
    std::string piece(text, size);
    if (type == MD_TEXT_SOFTBR || type == MD_TEXT_BR) piece = " ";
    else if (type == MD_TEXT_NULLCHAR) piece = "\xEF\xBF\xBD";
    else if (type == MD_TEXT_ENTITY) {
        if (piece == "&amp;") piece = "&";
        else if (piece == "&lt;") piece = "<";
        else if (piece == "&gt;") piece = ">";
        else if (piece == "&quot;") piece = "\"";
        else if (piece == "&nbsp;") piece = " ";
    } else if (type == MD_TEXT_HTML) {
        return 0;  // raw HTML is not indexed
    }
    (st->heading_level ? st->heading : st->out.body) += piece;
    return 0;
}

}  // namespace

MarkdownText markdown_to_text(std::string_view markdown) {
    MdState state;
    MD_PARSER parser{};
    parser.abi_version = 0;
    parser.flags = MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML;
    parser.enter_block = enter_block;
    parser.leave_block = leave_block;
    parser.enter_span = span;
    parser.leave_span = span;
    parser.text = text_cb;
    md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &state);
    while (!state.out.body.empty() && (state.out.body.back() == '\n' || state.out.body.back() == ' '))
        state.out.body.pop_back();
    return state.out;
}

}  // namespace attune::indexer
