/*
 * The libapt-pkg shim (see dgit_aptshim.h).  The only C++ in the project:
 * keep it thin.  Every extern "C" function catches all exceptions, and
 * every apt call runs between _error->PushToStack() and RevertToStack() so
 * apt's messages become our error and never pile up or get printed.
 */
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <sys/stat.h>

#include <apt-pkg/configuration.h>
#include <apt-pkg/debversion.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/indexfile.h>
#include <apt-pkg/init.h>
#include <apt-pkg/metaindex.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/strutl.h>
#include <apt-pkg/tagfile.h>

extern "C" {
#include "dgit_error.h"
}
#include "dgit_aptshim.h"

namespace {

/*
 * apt's configuration is a process-wide global; these guard it.  They are
 * the shim's only statics: a lock and a flag, not program state.
 */
std::mutex apt_lock;
bool apt_ready;

/* apt's pending messages, errors first, joined with "; ". */
std::string
apt_messages()
{
	std::string all, msg;

	while (!_error->empty(GlobalError::DEBUG)) {
		bool is_error = _error->PopMessage(msg);
		if (!is_error)
			continue;
		if (!all.empty())
			all += "; ";
		all += msg;
	}
	return all;
}

const struct dgit_error *
apt_failure(const std::string &what)
{
	std::string m = apt_messages();

	return dgit_error_fmt(DGIT_ERR_PARSE, "%s: %s", what.c_str(),
	    m.empty() ? "apt gave no reason" : m.c_str());
}

/* Call with apt_lock held and apt's error stack pushed. */
const struct dgit_error *
init_locked()
{
	if (apt_ready)
		return NULL;
	if (!pkgInitConfig(*_config))
		return apt_failure("cannot read apt's configuration");
	/*
	 * Unless they are configured, apt asks dpkg for the foreign
	 * architectures (a process start) when it reads the sources; what
	 * is read here (URIs, suites, options) does not depend on them.
	 */
	if (!_config->Exists("APT::Architectures"))
		_config->Set("APT::Architectures::",
		    _config->Find("APT::Architecture"));
	if (!pkgInitSystem(*_config, _system))
		return apt_failure("cannot initialise apt");
	apt_ready = true;
	return NULL;
}

/* Pushes apt's error stack for the scope and drops whatever apt said. */
struct error_scope {
	error_scope() { _error->PushToStack(); }
	~error_scope() { _error->RevertToStack(); }
	error_scope(const error_scope &) = delete;
	error_scope &operator=(const error_scope &) = delete;
};

struct source {
	std::string type, uri, suite, signed_by, origin;
	std::vector<std::string> components;
	int check_valid_until = -1;
};

/*
 * apt keeps an entry's options (check-valid-until=no, Check-Valid-Until:
 * no) in its release index and has no public getter; its index targets
 * say where the entry is ("FILE:LINE", a deb822 stanza counted from 1).
 * So that one entry is read again, as apt's pkgSourceList reads it: the
 * functions below give true and the value when the entry sets the
 * option (one-line spelling) or field (deb822 spelling).  Sources files
 * are the system's own configuration, already read whole by apt.
 */

/* "FILE:N" into FILE and N > 0. */
bool
split_origin(const std::string &origin, std::string &file, unsigned &n)
{
	size_t colon = origin.rfind(':');
	unsigned long v = 0;

	if (colon == std::string::npos || colon == 0 ||
	    colon + 1 == origin.size() || origin.size() - colon > 10)
		return false;
	for (size_t i = colon + 1; i < origin.size(); i++) {
		if (origin[i] < '0' || origin[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(origin[i] - '0');
	}
	if (v == 0)
		return false;
	file = origin.substr(0, colon);
	n = (unsigned)v;
	return true;
}

bool
ends_with(const std::string &s, const char *suffix)
{
	size_t l = strlen(suffix);

	return s.size() >= l && s.compare(s.size() - l, l, suffix) == 0;
}

/* The [ key=value ... ] options of one-line entry line, as ParseLine. */
bool
line_option(std::string &out, const std::string &file, unsigned line,
    const std::string &key)
{
	FileFd fd(file, FileFd::ReadOnly);
	std::string buf;
	unsigned cur = 0;

	if (!fd.IsOpen() || fd.Failed())
		return false;
	while (cur < line && fd.ReadLine(buf))
		cur++;
	if (cur != line)
		return false;
	/* a '#' outside the brackets starts a comment */
	size_t pos = 0;
	while ((pos = buf.find('#', pos)) != std::string::npos) {
		size_t open = 0, close = 0;
		for (size_t i = 0; i < pos; i++) {
			open += buf[i] == '[';
			close += buf[i] == ']';
		}
		if (open > close) {
			pos++;
			continue;
		}
		buf.erase(pos);
		break;
	}
	const char *p = buf.c_str();
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v')
		p++;
	while (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\v')
		p++;                    /* the type */
	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	if (*p != '[')
		return false;
	p++;
	while (*p != '\0' && isspace((unsigned char)*p))
		p++;
	bool found = false;
	while (*p != '\0' && *p != ']') {
		std::string opt;

		if (!ParseQuoteWord(p, opt))
			return false;
		if (!opt.empty() && opt.back() == ']') {
			/* "[a=b]" ends the options with this word */
			opt.pop_back();
			p = "]";
		}
		size_t eq = opt.find('=');
		if (eq == std::string::npos)
			return false;
		if (opt.compare(0, eq, key) == 0) {
			out = opt.substr(eq + 1);
			found = true;   /* the last one wins, as in apt's map */
		}
	}
	return found;
}

/* Field of stanza n of a deb822 .sources file, as ParseStanza. */
bool
stanza_option(std::string &out, const std::string &file, unsigned n,
    const char *field)
{
	FileFd fd(file, FileFd::ReadOnly);
	pkgTagSection sec;
	unsigned cur = 0;

	if (!fd.IsOpen() || fd.Failed())
		return false;
	pkgTagFile tags(&fd, pkgTagFile::SUPPORT_COMMENTS);
	while (cur < n && tags.Step(sec))
		cur++;
	if (cur != n || !sec.Exists(field))
		return false;
	out = sec.FindS(field);
	return true;
}

/* An entry's check-valid-until: -1 unset, else 0 or 1 as apt reads it. */
int
entry_check_valid_until(const std::string &origin)
{
	std::string file, v;
	unsigned n;
	bool set;

	if (!split_origin(origin, file, n))
		return -1;
	if (ends_with(file, ".sources"))
		set = stanza_option(v, file, n, "Check-Valid-Until");
	else
		set = line_option(v, file, n, "check-valid-until");
	if (!set)
		return -1;
	/* apt: a value that is not a boolean means no */
	return StringToBool(v, 0) ? 1 : 0;
}

/* apt writes file:///x as file:/x; give libcurl-friendly file:///x. */
std::string
fix_uri(const std::string &uri)
{
	if (uri.compare(0, 6, "file:/") == 0 &&
	    uri.compare(0, 7, "file://") != 0)
		return "file://" + uri.substr(5);
	return uri;
}

void
collect(std::vector<source> &out, metaIndex *m)
{
	static const char *const types[] = { "deb", "deb-src" };
	std::vector<IndexTarget> targets = m->GetIndexTargets();
	std::vector<std::string> entries;
	int cvu = -1;

	/*
	 * Lines apt merges into one release index share its setting: apt
	 * refuses lines that disagree (set or not), so any line's will do.
	 */
	for (const IndexTarget &t : targets) {
		std::string e = t.Option(IndexTarget::SOURCESENTRY);
		bool seen = false;

		for (const std::string &have : entries)
			if (have == e)
				seen = true;
		if (seen)
			continue;
		entries.push_back(e);
		int v = entry_check_valid_until(e);
		if (v >= 0)
			cvu = v;
	}
	for (const char *type : types) {
		source s;
		bool any = false;

		for (const IndexTarget &t : targets) {
			if (t.Option(IndexTarget::TARGET_OF) != type)
				continue;
			if (!any)
				s.origin = t.Option(IndexTarget::SOURCESENTRY);
			any = true;
			std::string c = t.Option(IndexTarget::COMPONENT);
			if (c.empty())
				continue;
			bool seen = false;
			for (const std::string &have : s.components)
				if (have == c)
					seen = true;
			if (!seen)
				s.components.push_back(c);
		}
		if (!any)
			continue;
		s.type = type;
		s.uri = fix_uri(m->GetURI());
		s.suite = m->GetDist();
		s.signed_by = m->GetSignedBy();
		s.check_valid_until = cvu;
		out.push_back(std::move(s));
	}
}

char *
dup_or_throw(const std::string &s)
{
	char *p = strdup(s.c_str());

	if (p == NULL)
		throw std::bad_alloc();
	return p;
}

char *
dup_or_null(const std::string &s)
{
	return s.empty() ? NULL : dup_or_throw(s);
}

/* Fill the C array; on bad_alloc the caller frees what was filled. */
void
to_c(struct dgit_apt_source *v, const std::vector<source> &in)
{
	for (size_t i = 0; i < in.size(); i++) {
		const source &s = in[i];
		struct dgit_apt_source *d = &v[i];

		d->type = dup_or_throw(s.type);
		d->uri = dup_or_throw(s.uri);
		d->suite = dup_or_throw(s.suite);
		d->signed_by = dup_or_null(s.signed_by);
		d->origin = dup_or_null(s.origin);
		d->check_valid_until = s.check_valid_until;
		if (s.components.empty())
			continue;
		d->components = static_cast<char **>(
		    calloc(s.components.size(), sizeof *d->components));
		if (d->components == NULL)
			throw std::bad_alloc();
		for (const std::string &c : s.components)
			d->components[d->ncomponents++] = dup_or_throw(c);
	}
}

const struct dgit_error *
sources_locked(std::vector<source> &found,
    const struct dgit_aptshim_sources_opts *opts)
{
	const struct dgit_error *err;
	pkgSourceList list;

	err = init_locked();
	if (err != NULL)
		return err;
	if (opts == NULL) {
		if (!list.ReadMainList())
			return apt_failure("cannot read the apt sources");
	} else {
		if (opts->list_file != NULL &&
		    !list.ReadAppend(opts->list_file))
			return apt_failure(std::string(
			    "cannot read apt sources '") +
			    opts->list_file + "'");
		if (opts->parts_dir != NULL &&
		    !list.ReadSourceDir(opts->parts_dir))
			return apt_failure(std::string(
			    "cannot read apt sources in '") +
			    opts->parts_dir + "'");
	}
	for (metaIndex *m : list)
		collect(found, m);
	return NULL;
}

} // namespace

extern "C" const struct dgit_error *
dgit_aptshim_init(void)
{
	try {
		std::lock_guard<std::mutex> hold(apt_lock);
		error_scope scope;

		return init_locked();
	} catch (const std::bad_alloc &) {
		return dgit_error(DGIT_ERR_NOMEM);
	} catch (...) {
		return dgit_error_fmt(DGIT_ERR_PARSE,
		    "cannot initialise apt: unexpected exception");
	}
}

extern "C" int
dgit_aptshim_version_compare(const char *a, const char *b)
{
	/* DoCmpVersion works on the bytes in place and does not throw. */
	int r = debVS.DoCmpVersion(a, a + strlen(a), b, b + strlen(b));

	return r < 0 ? -1 : r > 0;
}

extern "C" void
dgit_aptshim_sources_free(struct dgit_apt_source *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].uri);
		free(v[i].suite);
		free(v[i].signed_by);
		free(v[i].origin);
		for (size_t j = 0; j < v[i].ncomponents; j++)
			free(v[i].components[j]);
		free(v[i].components);
	}
	free(v);
}

extern "C" const struct dgit_error *
dgit_aptshim_sources_list(struct dgit_apt_source **out, size_t *n,
    const struct dgit_aptshim_sources_opts *opts)
{
	const struct dgit_error *err = NULL;
	struct dgit_apt_source *v = NULL;
	size_t len = 0;

	*out = NULL;
	*n = 0;
	try {
		std::vector<source> found;
		{
			std::lock_guard<std::mutex> hold(apt_lock);
			error_scope scope;

			err = sources_locked(found, opts);
		}
		if (err == NULL && !found.empty()) {
			len = found.size();
			v = static_cast<struct dgit_apt_source *>(
			    calloc(len, sizeof *v));
			if (v == NULL)
				throw std::bad_alloc();
			to_c(v, found);
		}
	} catch (const std::bad_alloc &) {
		err = dgit_error(DGIT_ERR_NOMEM);
	} catch (...) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "cannot read the apt sources: unexpected exception");
	}
	if (err != NULL) {
		dgit_aptshim_sources_free(v, len);
		return err;
	}
	*out = v;
	*n = len;
	return NULL;
}

namespace {

/* Acquire::SCHEME::Proxy[::HOST] as apt's methods read it, or "". */
std::string
proxy_for(const std::string &scheme, const std::string &host)
{
	std::string base = "Acquire::" + scheme + "::Proxy";
	std::string v;

	if (!host.empty())
		v = _config->Find(base + "::" + host);
	if (v.empty())
		v = _config->Find(base);
	if (v == "DIRECT")
		return "DIRECT";
	return v;
}

}

extern "C" const struct dgit_error *
dgit_aptshim_acquire(struct dgit_apt_acquire *out, const char *uri)
{
	const struct dgit_error *err = NULL;

	out->check_valid_until = 1;
	out->proxy = NULL;
	try {
		std::string u(uri), scheme, host, p;
		size_t sep = u.find("://");

		if (sep != std::string::npos) {
			scheme = u.substr(0, sep);
			size_t h = sep + 3;
			size_t e = u.find_first_of("/:", h);
			size_t at = u.find('@', h);

			if (at != std::string::npos &&
			    (e == std::string::npos || at < e)) {
				h = at + 1;
				e = u.find_first_of("/:", h);
			}
			host = u.substr(h, e == std::string::npos ?
			    std::string::npos : e - h);
		}
		std::lock_guard<std::mutex> hold(apt_lock);
		error_scope scope;

		if ((err = init_locked()) != NULL)
			return err;
		out->check_valid_until =
		    _config->FindB("Acquire::Check-Valid-Until", true) ? 1 : 0;
		if (scheme == "http" || scheme == "https") {
			p = proxy_for(scheme, host);
			/* apt's https method falls back to http's proxy */
			if (p.empty() && scheme == "https")
				p = proxy_for("http", host);
			if (p == "DIRECT")
				p = "";
			else if (p.empty())
				return NULL;    /* not set: the environment's */
			out->proxy = dup_or_throw(p);
		}
	} catch (const std::bad_alloc &) {
		err = dgit_error(DGIT_ERR_NOMEM);
	} catch (...) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "cannot read apt's configuration: unexpected exception");
	}
	return err;
}

extern "C" const struct dgit_error *
dgit_aptshim_trusted_keyrings(char ***out, size_t *n)
{
	const struct dgit_error *err = NULL;
	std::vector<std::string> found;

	*out = NULL;
	*n = 0;
	try {
		{
			std::lock_guard<std::mutex> hold(apt_lock);
			error_scope scope;
			struct stat st;

			if ((err = init_locked()) != NULL)
				return err;
			std::string f = _config->FindFile("Dir::Etc::Trusted");
			if (!f.empty() && stat(f.c_str(), &st) == 0 &&
			    S_ISREG(st.st_mode))
				found.push_back(f);
			std::string d = _config->FindDir("Dir::Etc::TrustedParts");
			std::vector<std::string> parts;
			if (!d.empty() && stat(d.c_str(), &st) == 0 &&
			    S_ISDIR(st.st_mode))
				parts = GetListOfFilesInDir(d,
				    std::vector<std::string>{ "gpg", "asc" },
				    true);
			for (const std::string &p : parts)
				found.push_back(p);
		}
		if (!found.empty()) {
			char **v = static_cast<char **>(
			    calloc(found.size(), sizeof *v));
			if (v == NULL)
				throw std::bad_alloc();
			*out = v;
			for (const std::string &p : found)
				v[(*n)++] = dup_or_throw(p);
		}
	} catch (const std::bad_alloc &) {
		err = dgit_error(DGIT_ERR_NOMEM);
	} catch (...) {
		err = dgit_error_fmt(DGIT_ERR_PARSE,
		    "cannot read apt's configuration: unexpected exception");
	}
	if (err != NULL && *out != NULL) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return err;
}
