// Benchmark peer: a plain Xapian program over the same text fields as attune. TermGenerator and
// QueryParser with the English stemmer and their defaults, BM25 (Xapian's default weighting), the
// top 10 by relevance, nothing else: no concepts, no boosts, no field weights, no spelling.
#include "peer_common.h"

#include <xapian.h>

#include <memory>

namespace {

std::size_t index_jsonl(const std::string& jsonl, const std::string& db_path,
                        const std::map<std::string, std::string>& labels) {
    Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_BACKEND_GLASS);
    Xapian::TermGenerator tg;
    tg.set_stemmer(Xapian::Stem("english"));
    const std::size_t docs = peer::read_jsonl(jsonl, labels, [&](const peer::Doc& d) {
        Xapian::Document doc;
        tg.set_document(doc);
        for (const std::string* field : {&d.title, &d.summary, &d.headings, &d.body}) {
            tg.index_text(*field);
            tg.increase_termpos();  // no phrase across fields
        }
        doc.set_data(d.id);
        db.add_document(doc);
    });
    db.commit();
    db.close();
    return docs;
}

struct Searcher {
    Xapian::Database db;
    Xapian::QueryParser parser;
    explicit Searcher(const std::string& path) : db(path) {
        parser.set_stemmer(Xapian::Stem("english"));
        parser.set_database(db);
    }
    std::vector<std::string> query(const std::string& text) {
        Xapian::Query q;
        try {
            q = parser.parse_query(text);
        } catch (const Xapian::QueryParserError&) {
            return {};  // cannot happen with default flags (the parser retries without them), but never fail
        }
        Xapian::Enquire enquire(db);
        enquire.set_query(q);
        const Xapian::MSet mset = enquire.get_mset(0, 10);
        std::vector<std::string> ids;
        for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(it.get_document().get_data());
        return ids;
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::unique_ptr<Searcher> searcher;
    peer::Engine e;
    e.name = "xapian";
    e.index = index_jsonl;
    e.open = [&](const std::string& db) { searcher = std::make_unique<Searcher>(db); };
    e.query = [&](const std::string& q) { return searcher->query(q); };
    e.version = [] { return std::string("xapian ") + Xapian::version_string(); };
    try {
        return peer::peer_main(e, argc, argv);
    } catch (const Xapian::Error& ex) {
        std::cerr << "xapian: " << ex.get_description() << "\n";
        return 1;
    }
}
