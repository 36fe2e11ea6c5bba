/*
 * httpd: a small HTTP/1.1 file server for the tests, with fault injection.
 *
 * usage: httpd [-p PORTFILE] [-l LOGFILE] [-r RULESFILE] [-s STATEDIR]
 *              [-P PID] [-t SECONDS] DIR
 *
 * Serves DIR on 127.0.0.1 on an ephemeral port and writes the port number
 * to PORTFILE (atomically: a reader never sees half a number).  GET and
 * HEAD; Content-Length; single byte ranges (206, 416); Last-Modified with
 * If-Modified-Since (304); persistent connections; one process per
 * connection.  A path containing a ".." segment is refused (400).
 *
 * Each request is appended to LOGFILE as one line:
 *	METHOD PATH STATUS BODY-BYTES-SENT [bytes=RANGE]
 *
 * RULESFILE (default DIR/.httpd-faults) is read on every request; each line
 * is "ACTION PATH [ARG]" ('#' starts a comment).  PATH is the URL path, a
 * final '*' makes it a prefix.  Actions:
 *	status PATH CODE      answer CODE with a short body
 *	fail-once PATH CODE   answer CODE the first time only (remembered in
 *	                      STATEDIR, shared by all connections)
 *	truncate PATH N       announce the full length, close after N bytes
 *	truncate-once PATH N  the same the first time only (as fail-once)
 *	oversize PATH N       serve N extra bytes, counted in Content-Length
 *	corrupt PATH OFFSET   invert the byte at OFFSET of the body
 *	delay PATH MS         sleep MS milliseconds before answering
 *	trickle PATH N        send the body N bytes a second (a slow server)
 *	rate PATH N           a bandwidth limit: the body at N bytes a
 *	                      second, paced in slices of 1/50 s
 *	no-range PATH         ignore Range: always 200 and the whole file
 *	drop PATH             close the connection without answering
 *	redirect PATH TARGET  302 with Location: TARGET
 *
 * The server exits on SIGTERM or SIGINT (taking its connection processes
 * with it), when process PID (-P) is gone, or after SECONDS (-t) without a
 * connection, so a crashed test leaves nothing running for long.
 *
 * Plain POSIX; deliberately independent of the library.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX 16384           /* request head limit */
#define IDLE_MS 5000            /* keep-alive idle timeout */

struct server {
	const char *root;
	const char *rules;
	const char *statedir;
	const char *logfile;
};

struct request {
	char method[16];
	char path[PATH_MAX];    /* decoded URL path, starts with '/' */
	char range[128];        /* Range header value, "" if none */
	char ims[128];          /* If-Modified-Since value */
	int close;              /* client asked to close, or HTTP/1.0 */
};

/* What the rules say to do with one request. */
struct fault {
	int status;             /* non-zero: answer this status instead */
	long long truncate;     /* -1 or bytes of body to send */
	long long oversize;     /* extra bytes */
	long long corrupt;      /* -1 or offset */
	long delay_ms;
	long trickle;           /* bytes a second, 0: full speed */
	long rate;              /* bytes a second, paced finely; 0: none */
	int no_range;
	int drop;
	char redirect[1024];
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("httpd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static int
parse_ll(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && end != s && *end == '\0' && *out >= 0 ? 0 : -1;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 416: return "Range Not Satisfiable";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "Status";
	}
}

static int
write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
log_request(const struct server *srv, const struct request *rq, int status,
    long long sent)
{
	char line[PATH_MAX + 256];
	int fd, n;

	if (srv->logfile == NULL)
		return;
	n = snprintf(line, sizeof line, "%s %s %d %lld%s%s\n",
	    rq->method[0] ? rq->method : "-", rq->path[0] ? rq->path : "-",
	    status, sent, rq->range[0] ? " " : "", rq->range);
	if (n < 0 || (size_t)n >= sizeof line)
		return;
	fd = open(srv->logfile, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd < 0)
		return;
	/* One write with O_APPEND: lines from processes never interleave. */
	(void)write_all(fd, line, (size_t)n);
	close(fd);
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode %XX in the path part of target into out; -1 if malformed. */
static int
decode_path(const char *target, char *out, size_t outsz)
{
	size_t o = 0;

	if (target[0] != '/')
		return -1;
	for (const char *p = target; *p && *p != '?' && *p != '#'; p++) {
		int c = (unsigned char)*p;

		if (c == '%') {
			int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);

			if (hi < 0 || lo < 0)
				return -1;
			c = hi * 16 + lo;
			p += 2;
		}
		if (c == '\0' || o + 1 >= outsz)
			return -1;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	return 0;
}

/* A path with a ".." segment, or a backslash, is refused. */
static int
path_is_unsafe(const char *path)
{
	const char *p = path;

	if (strchr(path, '\\'))
		return 1;
	while (*p) {
		const char *seg = p + strspn(p, "/");
		size_t len = strcspn(seg, "/");

		if (len == 2 && seg[0] == '.' && seg[1] == '.')
			return 1;
		p = seg + len;
	}
	return 0;
}

static int
rule_matches(const char *pattern, const char *path)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, path, n - 1) == 0;
	return strcmp(pattern, path) == 0;
}

/*
 * fail-once: the first process to create the marker file for this rule
 * line fires it.  The marker's name is a hash of the line.
 */
static int
fire_once(const struct server *srv, const char *line)
{
	char name[PATH_MAX];
	uint32_t h = 2166136261u;
	int fd;

	if (srv->statedir == NULL)
		return 1;
	for (const char *p = line; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	(void)mkdir(srv->statedir, 0755);
	if (snprintf(name, sizeof name, "%s/once-%08lx", srv->statedir,
	    (unsigned long)h) >= (int)sizeof name)
		return 0;
	fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void
read_rules(const struct server *srv, const char *path, struct fault *f)
{
	FILE *fp;
	char line[2048];

	memset(f, 0, sizeof *f);
	f->truncate = -1;
	f->corrupt = -1;
	fp = fopen(srv->rules, "r");
	if (fp == NULL)
		return;
	while (fgets(line, sizeof line, fp)) {
		char *save = NULL, *act, *pat, *arg;
		char copy[sizeof line];
		long long v = 0;

		line[strcspn(line, "\r\n")] = '\0';
		memcpy(copy, line, sizeof copy);
		act = strtok_r(line, " \t", &save);
		if (act == NULL || act[0] == '#')
			continue;
		pat = strtok_r(NULL, " \t", &save);
		arg = strtok_r(NULL, " \t", &save);
		if (pat == NULL || !rule_matches(pat, path))
			continue;
		if (strcmp(act, "no-range") == 0) {
			f->no_range = 1;
			continue;
		}
		if (strcmp(act, "drop") == 0) {
			f->drop = 1;
			continue;
		}
		if (arg == NULL)
			continue;
		if (strcmp(act, "redirect") == 0) {
			if (strlen(arg) < sizeof f->redirect && f->status == 0) {
				memcpy(f->redirect, arg, strlen(arg) + 1);
				f->status = 302;
			}
			continue;
		}
		if (parse_ll(arg, &v) != 0)
			continue;
		if (strcmp(act, "status") == 0) {
			if (f->status == 0)
				f->status = (int)v;
		} else if (strcmp(act, "fail-once") == 0) {
			if (f->status == 0 && fire_once(srv, copy))
				f->status = (int)v;
		} else if (strcmp(act, "truncate") == 0)
			f->truncate = v;
		else if (strcmp(act, "truncate-once") == 0) {
			if (fire_once(srv, copy))
				f->truncate = v;
		}
		else if (strcmp(act, "oversize") == 0)
			f->oversize = v;
		else if (strcmp(act, "corrupt") == 0)
			f->corrupt = v;
		else if (strcmp(act, "delay") == 0)
			f->delay_ms = (long)v;
		else if (strcmp(act, "trickle") == 0)
			f->trickle = v > 0 ? (long)v : 0;
		else if (strcmp(act, "rate") == 0)
			f->rate = v > 0 ? (long)v : 0;
	}
	fclose(fp);
}

/* Parse "bytes=A-B", "bytes=A-", "bytes=-N" against size.  1: range set,
 * 0: no usable range (serve whole), -1: unsatisfiable. */
static int
parse_range(const char *spec, long long size, long long *first,
    long long *last)
{
	char a[32], b[32];
	const char *dash;
	size_t la, lb;
	long long x, y;

	if (strncmp(spec, "bytes=", 6) != 0 || strchr(spec, ','))
		return 0;
	spec += 6;
	dash = strchr(spec, '-');
	if (dash == NULL)
		return 0;
	la = (size_t)(dash - spec);
	lb = strlen(dash + 1);
	if (la >= sizeof a || lb >= sizeof b)
		return 0;
	memcpy(a, spec, la);
	a[la] = '\0';
	memcpy(b, dash + 1, lb + 1);
	if (la == 0) {
		if (parse_ll(b, &y) != 0)
			return 0;
		if (y == 0)
			return -1;
		*first = y > size ? 0 : size - y;
		*last = size - 1;
		return size == 0 ? -1 : 1;
	}
	if (parse_ll(a, &x) != 0)
		return 0;
	if (lb == 0)
		y = size - 1;
	else if (parse_ll(b, &y) != 0 || y < x)
		return 0;
	if (x >= size)
		return -1;
	*first = x;
	*last = y >= size ? size - 1 : y;
	return 1;
}

static void
http_date(time_t t, char *buf, size_t sz)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, sz, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

static int
send_simple(int fd, int status, int head, int close_after,
    const char *extra)
{
	char hdr[2048], body[128];
	int bl, hl;

	bl = snprintf(body, sizeof body, "%d %s\n", status, reason(status));
	hl = snprintf(hdr, sizeof hdr,
	    "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
	    "Content-Length: %d\r\n%s%s\r\n", status, reason(status), bl,
	    extra ? extra : "", close_after ? "Connection: close\r\n" : "");
	if (hl < 0 || (size_t)hl >= sizeof hdr)
		return -1;
	if (write_all(fd, hdr, (size_t)hl) != 0)
		return -1;
	if (!head && write_all(fd, body, (size_t)bl) != 0)
		return -1;
	return head ? 0 : bl;
}

/* Was the file (mtime) modified after the If-Modified-Since date? */
static int
modified_since(const char *ims, time_t mtime)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(ims, "%a, %d %b %Y %H:%M:%S GMT", &tm);
	if (end == NULL || *end != '\0')
		return 1;
	return mtime > timegm(&tm);
}

/*
 * Answer one request.  Sets *status (0 when nothing was sent) and *sent
 * (body bytes).  Returns 0 to keep the connection, 1 to close it.
 */
static int
serve(const struct server *srv, int cfd, const struct request *rq,
    int *status, long long *sent)
{
	struct fault f;
	struct stat st;
	char file[PATH_MAX * 2], hdr[4096], lm[64], extra[1200];
	long long size, first = 0, last = -1, len, pos;
	struct timespec t0;
	int head = strcmp(rq->method, "HEAD") == 0, fd = -1, hl, r = 0, n;
	int close_after = rq->close;

	*status = 0;
	*sent = 0;
	extra[0] = '\0';
	if (strcmp(rq->method, "GET") != 0 && !head) {
		*status = 405;
		send_simple(cfd, 405, 0, 1, "Allow: GET, HEAD\r\n");
		return 1;
	}
	if (path_is_unsafe(rq->path)) {
		*status = 400;
		send_simple(cfd, 400, head, 1, NULL);
		return 1;
	}
	read_rules(srv, rq->path, &f);
	if (f.delay_ms > 0) {
		struct timespec ts = { f.delay_ms / 1000,
		    (f.delay_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	if (f.drop)
		return 1;
	if (f.status != 0) {
		*status = f.status;
		if (f.status == 302 && snprintf(extra, sizeof extra,
		    "Location: %s\r\n", f.redirect) >= (int)sizeof extra)
			extra[0] = '\0';
		n = send_simple(cfd, f.status, head, close_after, extra);
		if (n < 0)
			return 1;
		*sent = n;
		return close_after;
	}
	if (snprintf(file, sizeof file, "%s%s", srv->root, rq->path) >=
	    (int)sizeof file || stat(file, &st) != 0 || !S_ISREG(st.st_mode) ||
	    (fd = open(file, O_RDONLY)) < 0) {
		*status = 404;
		n = send_simple(cfd, 404, head, close_after, NULL);
		if (n < 0)
			return 1;
		*sent = n;
		return close_after;
	}
	size = (long long)st.st_size + f.oversize;
	http_date(st.st_mtime, lm, sizeof lm);
	if (rq->ims[0] && rq->range[0] == '\0' &&
	    !modified_since(rq->ims, st.st_mtime)) {
		*status = 304;
		close(fd);
		hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 304 Not Modified\r\n"
		    "Last-Modified: %s\r\n%s\r\n", lm,
		    close_after ? "Connection: close\r\n" : "");
		return write_all(cfd, hdr, (size_t)hl) != 0 ? 1 : close_after;
	}
	if (rq->range[0] && !f.no_range)
		r = parse_range(rq->range, size, &first, &last);
	if (r < 0) {
		*status = 416;
		close(fd);
		snprintf(extra, sizeof extra, "Content-Range: bytes */%lld\r\n",
		    size);
		n = send_simple(cfd, 416, head, close_after, extra);
		if (n < 0)
			return 1;
		*sent = n;
		return close_after;
	}
	if (r == 0) {
		first = 0;
		last = size - 1;
	}
	len = last - first + 1;
	*status = r ? 206 : 200;
	if (r)
		snprintf(extra, sizeof extra,
		    "Content-Range: bytes %lld-%lld/%lld\r\n", first, last, size);
	hl = snprintf(hdr, sizeof hdr, "HTTP/1.1 %d %s\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Length: %lld\r\nLast-Modified: %s\r\n"
	    "Accept-Ranges: bytes\r\n%s%s\r\n", *status, reason(*status), len,
	    lm, extra, close_after ? "Connection: close\r\n" : "");
	if (hl < 0 || (size_t)hl >= sizeof hdr ||
	    write_all(cfd, hdr, (size_t)hl) != 0) {
		close(fd);
		return 1;
	}
	if (head) {
		close(fd);
		return close_after;
	}
	if (first < st.st_size && lseek(fd, (off_t)first, SEEK_SET) < 0) {
		close(fd);
		return 1;
	}
	pos = first;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*sent < len) {
		char buf[65536];
		size_t want = sizeof buf;
		ssize_t got;

		if ((long long)want > len - *sent)
			want = (size_t)(len - *sent);
		if (f.truncate >= 0 && (long long)want > f.truncate - *sent)
			want = (size_t)(f.truncate - *sent);
		if (want == 0)
			break;
		if (f.trickle > 0) {
			struct timespec ts = { 1, 0 };

			if ((long long)want > f.trickle)
				want = (size_t)f.trickle;
			if (*sent > 0)
				while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
					;
		}
		if (f.rate > 0) {
			/* the time this byte is due at the rate */
			long long slice = f.rate / 50 > 0 ? f.rate / 50 : 1;
			double due = (double)*sent / (double)f.rate, el;
			struct timespec now, ts;

			if ((long long)want > slice)
				want = (size_t)slice;
			clock_gettime(CLOCK_MONOTONIC, &now);
			el = (double)(now.tv_sec - t0.tv_sec) +
			    (double)(now.tv_nsec - t0.tv_nsec) / 1e9;
			if (due > el) {
				ts.tv_sec = (time_t)(due - el);
				ts.tv_nsec = (long)((due - el -
				    (double)ts.tv_sec) * 1e9);
				while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
					;
			}
		}
		if (pos < st.st_size) {
			if ((long long)want > st.st_size - pos)
				want = (size_t)(st.st_size - pos);
			got = read(fd, buf, want);
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0)
				break;
		} else {
			memset(buf, 'x', want);     /* oversize padding */
			got = (ssize_t)want;
		}
		if (f.corrupt >= pos && f.corrupt < pos + got)
			buf[f.corrupt - pos] = (char)~buf[f.corrupt - pos];
		if (write_all(cfd, buf, (size_t)got) != 0)
			break;
		*sent += got;
		pos += got;
	}
	close(fd);
	/* A short body (truncate, or the file shrank) must end the
	 * connection, or the client would wait for the rest. */
	return *sent < len ? 1 : close_after;
}

/* Read one request head from the connection.  0 ok, -1 closed/timeout,
 * -2 malformed.  buf/have carry bytes between requests (pipelining). */
static int
read_request(int cfd, char *buf, size_t *have, struct request *rq)
{
	char *end, *line, *save = NULL, *target, *version;
	size_t used;

	memset(rq, 0, sizeof *rq);
	for (;;) {
		struct pollfd pfd = { cfd, POLLIN, 0 };
		ssize_t n;

		buf[*have] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL)
			break;
		if (*have >= REQ_MAX)
			return -2;
		if (poll(&pfd, 1, IDLE_MS) <= 0)
			return -1;
		n = read(cfd, buf + *have, REQ_MAX - *have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		*have += (size_t)n;
	}
	*end = '\0';
	used = (size_t)(end - buf) + 4;

	line = strtok_r(buf, "\r\n", &save);
	if (line == NULL)
		goto bad;
	{
		char *s2 = NULL, *method = strtok_r(line, " ", &s2);

		target = strtok_r(NULL, " ", &s2);
		version = strtok_r(NULL, " ", &s2);
		if (method == NULL || target == NULL || version == NULL ||
		    strlen(method) >= sizeof rq->method)
			goto bad;
		memcpy(rq->method, method, strlen(method) + 1);
		if (strncmp(target, "http://", 7) == 0) {
			target = strchr(target + 7, '/');
			if (target == NULL)
				goto bad;
		}
		if (decode_path(target, rq->path, sizeof rq->path) != 0)
			goto bad;
		if (strcmp(version, "HTTP/1.1") != 0)
			rq->close = 1;
	}
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL) {
		char *colon = strchr(line, ':'), *val;

		if (colon == NULL)
			goto bad;
		*colon = '\0';
		val = colon + 1 + strspn(colon + 1, " \t");
		if (strcasecmp(line, "Range") == 0 &&
		    strlen(val) < sizeof rq->range)
			memcpy(rq->range, val, strlen(val) + 1);
		else if (strcasecmp(line, "If-Modified-Since") == 0 &&
		    strlen(val) < sizeof rq->ims)
			memcpy(rq->ims, val, strlen(val) + 1);
		else if (strcasecmp(line, "Connection") == 0 &&
		    strcasecmp(val, "close") == 0)
			rq->close = 1;
	}
	memmove(buf, buf + used, *have - used);
	*have -= used;
	return 0;
bad:
	*have = 0;
	return -2;
}

static void
handle_connection(const struct server *srv, int cfd)
{
	static char buf[REQ_MAX + 1];
	size_t have = 0;
	struct request rq;

	for (;;) {
		int rc = read_request(cfd, buf, &have, &rq), status = 0;
		long long sent;

		if (rc == -1)
			break;
		if (rc == -2) {
			send_simple(cfd, 400, 0, 1, NULL);
			log_request(srv, &rq, 400, 0);
			break;
		}
		rc = serve(srv, cfd, &rq, &status, &sent);
		log_request(srv, &rq, status, sent);
		if (rc != 0)
			break;
	}
	shutdown(cfd, SHUT_RDWR);
	close(cfd);
}

static void
write_port(const char *portfile, int port)
{
	char tmp[PATH_MAX], num[16];
	int fd, n;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", portfile) >= (int)sizeof tmp)
		die("port file name too long");
	n = snprintf(num, sizeof num, "%d\n", port);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write_all(fd, num, (size_t)n) != 0 || close(fd) != 0 ||
	    rename(tmp, portfile) != 0)
		die("cannot write '%s': %s", portfile, strerror(errno));
}

int
main(int argc, char **argv)
{
	struct server srv = { 0 };
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	const char *portfile = NULL;
	char rulesbuf[PATH_MAX];
	struct sigaction act;
	long long parent = 0, lifetime = 0;
	time_t last_activity;
	int opt, lfd, one = 1;

	while ((opt = getopt(argc, argv, "p:l:r:s:P:t:")) != -1) {
		switch (opt) {
		case 'p': portfile = optarg; break;
		case 'l': srv.logfile = optarg; break;
		case 'r': srv.rules = optarg; break;
		case 's': srv.statedir = optarg; break;
		case 'P':
			if (parse_ll(optarg, &parent) != 0)
				die("bad -P '%s'", optarg);
			break;
		case 't':
			if (parse_ll(optarg, &lifetime) != 0)
				die("bad -t '%s'", optarg);
			break;
		default:
			die("usage: httpd [-p PORTFILE] [-l LOG] [-r RULES] "
			    "[-s STATEDIR] [-P PID] [-t SECONDS] DIR");
		}
	}
	if (optind + 1 != argc)
		die("usage: httpd [OPTIONS] DIR");
	srv.root = argv[optind];
	if (srv.rules == NULL) {
		if (snprintf(rulesbuf, sizeof rulesbuf, "%s/.httpd-faults",
		    srv.root) >= (int)sizeof rulesbuf)
			die("directory name too long");
		srv.rules = rulesbuf;
	}

	/* Own process group, so SIGTERM can take the children along. */
	(void)setpgid(0, 0);
	memset(&act, 0, sizeof act);
	act.sa_handler = on_signal;
	sigaction(SIGTERM, &act, NULL);
	sigaction(SIGINT, &act, NULL);
	signal(SIGPIPE, SIG_IGN);

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		die("socket: %s", strerror(errno));
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    listen(lfd, 64) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen) != 0)
		die("cannot listen on 127.0.0.1: %s", strerror(errno));
	if (portfile)
		write_port(portfile, ntohs(sa.sin_port));
	else
		printf("%d\n", ntohs(sa.sin_port));
	fflush(stdout);

	last_activity = time(NULL);
	while (!stop) {
		struct pollfd pfd = { lfd, POLLIN, 0 };
		int cfd;
		pid_t pid;

		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		if (parent > 0 && kill((pid_t)parent, 0) != 0 &&
		    errno == ESRCH)
			break;
		if (lifetime > 0 && time(NULL) - last_activity > lifetime)
			break;
		if (poll(&pfd, 1, 500) <= 0)
			continue;
		cfd = accept(lfd, NULL, NULL);
		if (cfd < 0)
			continue;
		last_activity = time(NULL);
		pid = fork();
		if (pid == 0) {
			close(lfd);
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			handle_connection(&srv, cfd);
			_exit(0);
		}
		close(cfd);
	}
	close(lfd);
	/* Take the connection processes along, but only if we lead our own
	 * process group: never signal the group of whoever started us. */
	if (getpgrp() == getpid()) {
		signal(SIGTERM, SIG_IGN);
		kill(0, SIGTERM);
	}
	while (wait(NULL) > 0)
		;
	return 0;
}
