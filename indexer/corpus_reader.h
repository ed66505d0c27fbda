#pragma once
#include "article_loader.h"
#include "clinician_loader.h"
#include "taxonomy/crisis.h"
#include "taxonomy/taxonomy.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace attune::indexer {

struct ReadOptions {
    std::string corpus_dir;                ///< reads articles/*.md and clinicians/*.json
    std::vector<std::string> jsonl_files;  ///< instead of, or besides, corpus_dir
    std::string taxonomy_path;             ///< default: corpus_dir/taxonomy.yaml
    std::string crisis_path;               ///< default: beside the taxonomy
    bool strict = false;                   ///< throw at the first bad document
};

/** Everything a build needs, validated. Bad documents are left out and described in `errors`. */
struct Corpus {
    taxonomy::Taxonomy taxonomy;
    taxonomy::CrisisResources crisis;
    std::vector<LoadedArticle> articles;
    std::vector<LoadedClinician> clinicians;
    std::vector<std::string> errors;  ///< "path:line: field: message", one per rejected document
};

/** Receives documents one at a time. */
struct DocumentVisitor {
    std::function<void(const LoadedArticle&)> article;
    std::function<void(const LoadedClinician&)> clinician;
};

/** The validated documents of a corpus, numbered 0..size()-1, read in ranges. */
class DocumentSource {
public:
    virtual ~DocumentSource() = default;
    virtual const taxonomy::Taxonomy& taxonomy() const = 0;
    virtual const taxonomy::CrisisResources& crisis() const = 0;
    virtual const std::vector<std::string>& errors() const = 0;  ///< as Corpus::errors
    virtual std::size_t size() const = 0;
    /** Calls `visit` for documents [begin, end) in order. Disjoint ranges may be read by several threads at once. */
    virtual void read(std::size_t begin, std::size_t end, const DocumentVisitor& visit) const = 0;
};

/**
 * A corpus read in two passes so that memory does not grow with its text. The constructor reads
 * the taxonomy and crisis files, then parses and validates every document (cross-document checks
 * included: unique ids, known authors) keeping only ids and where each document starts; read()
 * parses the accepted documents again, in input order. Errors and their order are those of
 * read_corpus(). A file that changes between the two passes makes read() throw InputError.
 */
class CorpusScan : public DocumentSource {
public:
    explicit CorpusScan(const ReadOptions& options);

    const taxonomy::Taxonomy& taxonomy() const override { return m_taxonomy; }
    const taxonomy::CrisisResources& crisis() const override { return m_crisis; }
    const std::vector<std::string>& errors() const override { return m_errors; }
    std::size_t size() const override { return m_accepted.size(); }
    void read(std::size_t begin, std::size_t end, const DocumentVisitor& visit) const override;

private:
    struct File {
        std::string path;
        enum class Format : std::uint8_t { Markdown, Json, Jsonl } format;
    };
    /** Where one parsed document starts: a whole file, or one line of a JSONL file. */
    struct Entry {
        std::uint64_t offset = 0;   ///< byte offset of the JSONL line
        std::uint64_t id_hash = 0;  ///< so the second read can tell the document is the same one
        std::uint32_t file = 0;
        std::int32_t line = 0;      ///< JSONL line number
        bool clinician = false;
    };
    struct Pending;  // what the cross-document checks need, dropped once they are done

    void scan_file(std::uint32_t file, std::vector<Pending>& pending);
    void add_entry(const Entry& entry, const SourceRef& source, const schema::Article* article,
                   const schema::Clinician* clinician, std::vector<Pending>& pending);
    void check_references(std::vector<Pending>& pending);
    void reject(const InputError& e);

    ReadOptions m_options;
    taxonomy::Taxonomy m_taxonomy;
    taxonomy::CrisisResources m_crisis;
    std::vector<File> m_files;
    std::vector<Entry> m_entries;
    std::vector<std::uint32_t> m_accepted;  ///< indexes into m_entries, in input order
    std::vector<std::string> m_errors;
};

/** Reads and validates a whole corpus into memory. Taxonomy or crisis file errors throw InputError. */
Corpus read_corpus(const ReadOptions& options);

/**
 * Parses one non-blank line (number `number`, 1-based) of a JSONL import file and adds its article or
 * clinician to `corpus`; InputError "path:line: field: message" when the line cannot be used.
 * Cross-document checks (ids, concepts, authors) are left to read_corpus.
 */
void read_jsonl_line(Corpus& corpus, const std::string& path, int number, const std::string& line);

}  // namespace attune::indexer
