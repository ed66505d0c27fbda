// Benchmark peer: SQLite FTS5 over the same text fields as attune (porter tokenizer over
// unicode61, ORDER BY bm25, LIMIT 10). A query's words are each quoted and ORed, so any text is a
// valid MATCH expression and no query fails.
#include "peer_common.h"

#include <sqlite3.h>

#include <cctype>
#include <memory>

namespace {

class Db {
public:
    Db(const std::string& path, int flags) {
        if (sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr) != SQLITE_OK) {
            const std::string msg = m_db ? sqlite3_errmsg(m_db) : "out of memory";
            sqlite3_close(m_db);
            throw peer::Failure(path + ": " + msg);
        }
    }
    ~Db() { sqlite3_close(m_db); }
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;

    void exec(const char* sql) {
        char* err = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
            const std::string msg = err ? err : "error";
            sqlite3_free(err);
            throw peer::Failure(std::string(sql) + ": " + msg);
        }
    }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, sql, -1, &st, nullptr) != SQLITE_OK)
            throw peer::Failure(std::string(sql) + ": " + sqlite3_errmsg(m_db));
        return st;
    }
    const char* error() const { return sqlite3_errmsg(m_db); }

private:
    sqlite3* m_db = nullptr;
};

void bind_text(sqlite3_stmt* st, int i, const std::string& s) {
    sqlite3_bind_text(st, i, s.data(), static_cast<int>(s.size()), SQLITE_STATIC);
}

std::size_t index_jsonl(const std::string& jsonl, const std::string& path,
                        const std::map<std::string, std::string>& labels) {
    std::filesystem::remove(path);
    Db db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    db.exec("PRAGMA journal_mode=WAL");
    db.exec("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, summary, headings, body, "
            "tokenize='porter unicode61')");
    sqlite3_stmt* insert = db.prepare("INSERT INTO docs(id, title, summary, headings, body) VALUES (?, ?, ?, ?, ?)");
    std::size_t pending = 0;
    db.exec("BEGIN");
    const std::size_t docs = peer::read_jsonl(jsonl, labels, [&](const peer::Doc& d) {
        bind_text(insert, 1, d.id);
        bind_text(insert, 2, d.title);
        bind_text(insert, 3, d.summary);
        bind_text(insert, 4, d.headings);
        bind_text(insert, 5, d.body);
        if (sqlite3_step(insert) != SQLITE_DONE) throw peer::Failure(std::string("insert: ") + db.error());
        sqlite3_reset(insert);
        if (++pending == 10000) {  // commit in batches, as Xapian flushes every 10,000 documents
            db.exec("COMMIT");
            db.exec("BEGIN");
            pending = 0;
        }
    });
    db.exec("COMMIT");
    sqlite3_finalize(insert);
    db.exec("INSERT INTO docs(docs) VALUES('optimize')");  // merge segments, as a deployment would
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return docs;
}

/** Query text -> "w1" OR "w2" OR ...: runs of letters and digits (and any non-ASCII byte), each quoted. */
std::string match_expression(const std::string& text) {
    std::string out, word;
    auto flush = [&] {
        if (word.empty()) return;
        if (!out.empty()) out += " OR ";
        out += '"' + word + '"';
        word.clear();
    };
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x80 || std::isalnum(c)) word += ch;
        else flush();
    }
    flush();
    return out;
}

struct Searcher {
    Db db;
    sqlite3_stmt* select;
    explicit Searcher(const std::string& path)
        : db(path, SQLITE_OPEN_READONLY),
          select(db.prepare("SELECT id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 10")) {}
    ~Searcher() { sqlite3_finalize(select); }
    std::vector<std::string> query(const std::string& text) {
        std::vector<std::string> ids;
        const std::string expr = match_expression(text);
        if (expr.empty()) return ids;
        bind_text(select, 1, expr);
        int rc;
        while ((rc = sqlite3_step(select)) == SQLITE_ROW)
            ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select, 0)));
        sqlite3_reset(select);
        if (rc != SQLITE_DONE) throw peer::Failure("query '" + text + "': " + db.error());
        return ids;
    }
};

}  // namespace

int main(int argc, char** argv) {
    std::unique_ptr<Searcher> searcher;
    peer::Engine e;
    e.name = "fts5";
    e.index = index_jsonl;
    e.open = [&](const std::string& db) { searcher = std::make_unique<Searcher>(db); };
    e.query = [&](const std::string& q) { return searcher->query(q); };
    e.version = [] { return std::string("sqlite ") + sqlite3_libversion(); };
    return peer::peer_main(e, argc, argv);
}
