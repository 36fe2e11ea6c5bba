/*
 * dgit-repos-server: the dgit git server's checks, run from each package
 * repository's hooks; see doc/dgit-repos-server.1.
 *
 *   dgit-repos-server init-repo SERVERDIR PACKAGE
 *   dgit-repos-server ssh SERVERDIR          (ssh forced command)
 *   dgit-repos-server receive-pack SERVERDIR/PACKAGE.git   (file://)
 *   dgit-repos-server hook pre-receive|post-receive SERVERDIR PACKAGE
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "cleanup.h"
#include "dgit_error.h"
#include "dgit_server.h"

#define PROG "dgit-repos-server"
#define UPDATES_MAX (64 * 1024)

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " init-repo SERVERDIR PACKAGE\n"
	    "       " PROG " ssh SERVERDIR\n"
	    "       " PROG " receive-pack SERVERDIR/PACKAGE.git\n"
	    "       " PROG " hook pre-receive|post-receive SERVERDIR "
	    "PACKAGE\n");
}

static int
fail(const struct dgit_error *err)
{
	fprintf(stderr, PROG ": %s\n", err->msg);
	return err->code == DGIT_ERR_USAGE ? 2 : 1;
}

static void
say_stderr(void *arg, const char *line)
{
	(void)arg;
	fprintf(stderr, "%s\n", line);
}

static char *
self_exe(void)
{
	char *exe = realpath("/proc/self/exe", NULL);

	if (exe == NULL)
		fprintf(stderr, PROG ": cannot find this program's path: %s\n",
		    strerror(errno));
	return exe;
}

static int
cmd_init_repo(int argc, char **argv)
{
	const struct dgit_error *err;
	struct dgit_server_config *cfg = NULL;
	char *exe, *path = NULL;

	if (argc != 4) {
		usage(stderr);
		return 2;
	}
	/* The hook must work even when the config is made later; but say
	 * now when it is broken. */
	err = dgit_server_config_load(&cfg, argv[2]);
	if (err)
		return fail(err);
	dgit_server_config_free(cfg);
	if ((exe = self_exe()) == NULL)
		return 1;
	err = dgit_server_init_repo(&path, argv[2], argv[3], exe);
	free(exe);
	if (err)
		return fail(err);
	printf("%s\n", path);
	free(path);
	return 0;
}

static int
serve(const char *serverdir, const char *package, int receive)
{
	const struct dgit_error *err;
	struct dgit_server_config *cfg = NULL;
	char *exe = NULL;

	err = dgit_server_config_load(&cfg, serverdir);
	if (err == NULL && receive) {
		if ((exe = self_exe()) == NULL) {
			dgit_server_config_free(cfg);
			return 1;
		}
		err = dgit_server_receive_pack(cfg, package, exe);
	} else if (err == NULL) {
		err = dgit_server_upload_pack(cfg, package);
	}
	dgit_server_config_free(cfg);
	free(exe);
	if (err && err->code == DGIT_ERR_CHILD)
		return 1;       /* git has told the client */
	return err ? fail(err) : 0;
}

static int
cmd_ssh(int argc, char **argv)
{
	const struct dgit_error *err;
	char *package = NULL;
	int receive, rc;

	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	err = dgit_server_ssh_parse(&package, &receive,
	    getenv("SSH_ORIGINAL_COMMAND"));
	if (err)
		return fail(err);
	rc = serve(argv[2], package, receive);
	free(package);
	return rc;
}

/*
 * receive-pack SERVERDIR/PACKAGE.git: git's --receive-pack for file://
 * pushes, so that a new package's first push makes its repository as
 * over ssh.
 */
static int
cmd_receive_pack(int argc, char **argv)
{
	char *path, *slash, *dot;
	int rc;

	if (argc != 3) {
		usage(stderr);
		return 2;
	}
	path = strdup(argv[2]);
	if (path == NULL)
		return 1;
	while (strlen(path) > 1 && path[strlen(path) - 1] == '/')
		path[strlen(path) - 1] = '\0';
	slash = strrchr(path, '/');
	dot = strrchr(path, '.');
	if (slash == NULL || slash == path || dot == NULL || dot < slash ||
	    strcmp(dot, ".git") != 0) {
		fprintf(stderr, PROG ": '%s' is not SERVERDIR/PACKAGE.git\n",
		    argv[2]);
		free(path);
		return 2;
	}
	*slash = '\0';
	*dot = '\0';
	rc = serve(path, slash + 1, 1);
	free(path);
	return rc;
}

/* The hook's stdin, whole, with a cap. */
static char *
read_updates(size_t *len)
{
	char *buf = malloc(UPDATES_MAX + 1);
	size_t n = 0, got;

	if (buf == NULL)
		return NULL;
	while ((got = fread(buf + n, 1, UPDATES_MAX + 1 - n, stdin)) > 0) {
		n += got;
		if (n > UPDATES_MAX) {
			free(buf);
			return NULL;
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static int
cmd_hook(int argc, char **argv)
{
	const struct dgit_error *err = NULL;
	struct dgit_server_config *cfg = NULL;
	char *repo = NULL, *updates = NULL;
	size_t len = 0;
	int pre;

	if (argc != 5 || (strcmp(argv[2], "pre-receive") != 0 &&
	    strcmp(argv[2], "post-receive") != 0)) {
		usage(stderr);
		return 2;
	}
	pre = strcmp(argv[2], "pre-receive") == 0;
	/* receive-pack runs the hooks in the repository. */
	repo = realpath(".", NULL);
	if (repo == NULL) {
		fprintf(stderr, PROG ": cannot find the repository: %s\n",
		    strerror(errno));
		return 1;
	}
	updates = read_updates(&len);
	if (updates == NULL) {
		fprintf(stderr, PROG ": refused: too many ref updates\n");
		free(repo);
		return 1;
	}
	err = dgit_server_config_load(&cfg, argv[3]);
	/* the gate's directory goes if the hook is interrupted */
	if (err == NULL)
		dgit_server_config_set_told(cfg, cleanup_told, NULL);
	if (err == NULL && pre)
		err = dgit_server_pre_receive(cfg, repo, argv[4], updates,
		    len, (long)getppid(), say_stderr, NULL);
	else if (err == NULL)
		err = dgit_server_post_receive(cfg, repo, argv[4],
		    (long)getppid(), say_stderr, NULL);
	dgit_server_config_free(cfg);
	free(updates);
	free(repo);
	if (err) {
		fprintf(stderr, PROG ": refused: %s\n", err->msg);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf(PROG " (dgit in C) %s\n", DGIT_VERSION);
		return 0;
	}
	git_libgit2_init();
	if (strcmp(argv[1], "init-repo") == 0)
		rc = cmd_init_repo(argc, argv);
	else if (strcmp(argv[1], "ssh") == 0)
		rc = cmd_ssh(argc, argv);
	else if (strcmp(argv[1], "receive-pack") == 0)
		rc = cmd_receive_pack(argc, argv);
	else if (strcmp(argv[1], "hook") == 0)
		rc = cmd_hook(argc, argv);
	else {
		fprintf(stderr, PROG ": unknown command '%s'\n", argv[1]);
		usage(stderr);
		rc = 2;
	}
	git_libgit2_shutdown();
	return rc;
}
