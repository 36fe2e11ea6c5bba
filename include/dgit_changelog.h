/*
 * debian/changelog (Debian policy 4.4):
 *
 *   package (version) dist1 dist2; urgency=medium, key=value
 *
 *     * change details
 *
 *    -- Name <email>  Tue, 07 Oct 2025 14:22:08 +0200
 *
 * Strictness: the first entry (the one dgit uses for commit metadata and
 * push checks) must be well formed; a malformed header or trailer line,
 * a missing trailer, a bad version or an unparsable date there is a
 * DGIT_ERR_PARSE error "'WHAT' line N: ...".  Later entries are parsed as
 * leniently as dpkg-parsechangelog does: problems become warnings (with
 * line numbers) and the fields that could not be read are NULL; with
 * DGIT_CHANGELOG_LENIENT the first entry too (the import, which checks
 * what it takes itself, as Perl dgit does).  Parsing
 * stops, as dpkg's does, at Emacs "Local variables:" / "vim:" trailers
 * and at the first line in an ancient changelog format.
 */
#ifndef DGIT_CHANGELOG_H
#define DGIT_CHANGELOG_H

#include <stddef.h>
#include <stdint.h>

#include "dgit_error.h"

struct dgit_changelog;         /* opaque; owns its entries */

/* One entry; all strings owned by the changelog. */
struct dgit_changelog_entry {
	char *package;
	char *version;
	char **distributions;      /* ndistributions names, in order */
	size_t ndistributions;
	char *urgency;             /* lowercased, text after a space dropped
	                            * (as dpkg-parsechangelog); or NULL */
	char **opt_keys;           /* every key=value after ';', as written */
	char **opt_values;
	size_t nopts;
	char *changes;             /* the change lines joined by '\n', each
	                            * as written less trailing blanks; blank
	                            * lines as ""; no leading or trailing
	                            * blank lines; "" if none */
	char *maintainer;          /* "NAME <EMAIL>" as dpkg prints it */
	char *maintainer_name;     /* NAME, surrounding blanks removed */
	char *maintainer_email;    /* EMAIL */
	char *date;                /* the date text as written */
	int64_t timestamp;         /* seconds since the epoch, UTC */
	int tz_offset;             /* minutes east of UTC (+0200 -> 120) */
	int has_trailer;           /* 0: maintainer..tz_offset are unset */
	int has_timestamp;         /* dpkg-parsechangelog reads the date
	                            * too (prints a Timestamp): not for a
	                            * full month name, which we still read,
	                            * nor for a date it cannot parse */
	size_t line;               /* 1-based line of the header */
	size_t trailer_line;       /* 1-based line of the trailer, or 0 */
};

/*
 * Parse a whole changelog.  what names it in messages.  *out is
 * caller-owned (dgit_changelog_free).  An input without any entry is an
 * error.
 */
const struct dgit_error *dgit_changelog_parse(struct dgit_changelog **out,
    const char *buf, size_t len, const char *what);
/*
 * Parse only the first entry, reading no further than its trailer (fast
 * on huge changelogs).  The result has one entry.
 */
const struct dgit_error *dgit_changelog_parse_first(
    struct dgit_changelog **out, const char *buf, size_t len,
    const char *what);

/* Only the first entry (as dgit_changelog_parse_first). */
#define DGIT_CHANGELOG_FIRST 1u
/*
 * The first entry too read as dpkg-parsechangelog reads it: its problems
 * are warnings and what could not be read is unset (a trailer that is
 * not one: has_trailer 0, no maintainer or date; a date dpkg cannot
 * read: has_timestamp 0).  The caller checks what it needs.
 */
#define DGIT_CHANGELOG_LENIENT 2u
const struct dgit_error *dgit_changelog_parse_flags(
    struct dgit_changelog **out, const char *buf, size_t len,
    const char *what, unsigned flags);

size_t dgit_changelog_nentries(const struct dgit_changelog *cl);
/* Entry i (0 is the newest), borrowed; NULL past the end. */
const struct dgit_changelog_entry *dgit_changelog_entry(
    const struct dgit_changelog *cl, size_t i);
/* Problems tolerated in later entries: "'WHAT' line N: ...", borrowed. */
size_t dgit_changelog_nwarnings(const struct dgit_changelog *cl);
const char *dgit_changelog_warning(const struct dgit_changelog *cl,
    size_t i);
void dgit_changelog_free(struct dgit_changelog *cl);

/*
 * Parse an RFC 5322 changelog date, "[Day, ]DD Mon YYYY HH:MM:SS +ZZZZ",
 * into seconds since the epoch and the zone's offset in minutes.  Stricter
 * than an entry's trailer: a day past the month's end or zone minutes
 * past 59, which dpkg-parsechangelog counts on, are errors here.
 */
const struct dgit_error *dgit_changelog_parse_date(int64_t *timestamp,
    int *tz_offset, const char *date, const char *what);

#endif
