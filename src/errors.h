#pragma once
#include <stdexcept>
#include <string>

namespace attune {

/** A caller bug or bad usage: wrong arguments, empty query, unknown option value. */
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** Bad data: a corpus file or an import line that cannot be used. */
class InputError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** The index is missing, unreadable, locked or could not be written. */
class IndexError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/** The index is being built by another process. */
class IndexLockedError : public IndexError {
public:
    using IndexError::IndexError;
};

}  // namespace attune
