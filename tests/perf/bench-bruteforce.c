/*
 * Password guessing rate against the same SSH server: assay's engine
 * (guess.h with libssh sessions, as 5.1-5-2 drives it) and hydra, both
 * with 4 parallel connections, both trying the same list of wrong
 * passwords for the weak bench device's admin account (dropbear in netns
 * assay-weak, 198.18.1.2).  Prints attempts a second of each and the ratio
 * assay / hydra (the target: at least 1.0).  Medians of 3 runs,
 * alternating.  Needs root (the bench) and hydra; exit 77 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "error.h"
#include "guess.h"
#include "sshc.h"

#define ADDR	"198.18.1.2"
#define USER	"admin"
#define N_PW	200
#define RUNS	3

/* Run argv with stdout and stderr to /dev/null; its exit status or -1. */
static int
run(char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

struct cfg {
	unsigned long timeout_ms;
};

struct sess {
	struct asy_ssh *ssh;
};

static int
ssh_open(const void *cfg, const char *user, void **out, char *why,
    size_t len)
{
	const struct cfg *c = cfg;
	struct sess *s = calloc(1, sizeof(*s));
	int r;

	if (s == NULL)
		return ASY_E_NOMEM;
	r = asy_ssh_open(ADDR, 22, c->timeout_ms, user, &s->ssh, why, len);
	if (r < 0) {
		free(s);
		return r;
	}
	*out = s;
	return 0;
}

static int
ssh_attempt(void *p, const char *user, const char *pass)
{
	struct sess *s = p;

	return asy_ssh_password(s->ssh, pass);
}

static void
ssh_close(void *p)
{
	struct sess *s = p;

	if (s == NULL)
		return;
	asy_ssh_close(s->ssh);
	free(s);
}

static const struct asy_guess_ops ops = {
	"ssh", ssh_open, ssh_attempt, ssh_close, 0,
};

int
main(void)
{
	char list[] = "/tmp/assay-bench-bf.XXXXXX", benchsh[4096];
	double a_rate[RUNS], h_rate[RUNS];
	struct asy_credlist l = { 0 };
	struct cfg c = { 5000 };
	int was_up, fd, status = 0;
	FILE *f;

	if (geteuid() != 0) {
		printf("bench-bruteforce: SKIP: the virtual bench needs root\n");
		return 77;
	}
	{
		char *v[] = { "hydra", "-h", NULL };

		if (run(v) == 127) {
			printf("bench-bruteforce: SKIP: hydra is not installed "
			    "(bash tools/install-deps.sh)\n");
			return 77;
		}
	}
	snprintf(benchsh, sizeof(benchsh), "%s/tests/bench/bench.sh",
	    bench_srcdir());
	{
		char *st[] = { "bash", benchsh, "status", "weak", NULL };
		char *up[] = { "bash", benchsh, "up", "weak", NULL };

		was_up = run(st) == 0;
		if (!was_up && run(up) != 0) {
			printf("bench-bruteforce: the bench did not come up\n");
			return 1;
		}
	}
	fd = mkstemp(list);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f == NULL) {
		perror("bench-bruteforce: list");
		return 1;
	}
	for (int i = 0; i < N_PW; i++) {
		char pw[32];

		snprintf(pw, sizeof(pw), "wrong-%03d", i);
		fprintf(f, "%s\n", pw);
		if (asy_credlist_add(&l, USER, pw) < 0)
			return 1;
	}
	fclose(f);
	printf("bench-bruteforce: %d wrong passwords for %s@%s (dropbear), "
	    "4 connections each, %d runs\n", N_PW, USER, ADDR, RUNS);
	printf("%-4s %14s %14s %8s\n", "run", "assay_per_s", "hydra_per_s",
	    "ratio");
	for (int i = 0; i < RUNS; i++) {
		struct asy_guess_opts go = { 0 };
		struct asy_guess_result g;
		char *hv[] = { "hydra", "-l", USER, "-P", list, "-t", "4",
		    "-I", "-q", "ssh://" ADDR, NULL };
		double t0, t1;

		memset(&g, 0, sizeof(g));
		go.ops = &ops;
		go.cfg = &c;
		go.list = &l;
		go.max_attempts = N_PW;
		go.budget_ms = 300000;
		go.workers = 4;
		if (asy_guess_run(&go, &g) < 0 || g.attempts == 0) {
			printf("assay's run failed: %s\n", g.why);
			status = 1;
			break;
		}
		a_rate[i] = g.rate;
		t0 = bench_now_ms();
		(void)run(hv);
		t1 = bench_now_ms();
		h_rate[i] = N_PW / ((t1 - t0) / 1000.0);
		printf("%-4d %14.1f %14.1f %8.2f\n", i + 1, a_rate[i],
		    h_rate[i], a_rate[i] / h_rate[i]);
	}
	if (status == 0)
		printf("median: assay %.1f/s, hydra %.1f/s, assay / hydra "
		    "%.2f (target: at least 1.0)\n",
		    bench_median(a_rate, RUNS), bench_median(h_rate, RUNS),
		    bench_median(a_rate, RUNS) / bench_median(h_rate, RUNS));
	unlink(list);
	asy_credlist_release(&l);
	if (!was_up) {
		char *down[] = { "bash", benchsh, "down", NULL };

		(void)run(down);
	}
	return status;
}
