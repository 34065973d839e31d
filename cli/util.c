/*
 * util.c - small helpers every command uses: error messages, sizes and
 * numbers in and out, escaping of names a process chose, colour mode, and
 * writing a file atomically.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

const char *cli_cmd_name;

/*
 * The message with control characters escaped: file names, targets and text
 * quoted from the input reach the terminal too (already escaped text passes
 * unchanged: a backslash is not escaped).
 */
static void cli_vprint_escaped(const char *fmt, va_list ap)
{
	char small[512], *msg = small;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)) != NULL)
		vsnprintf(msg, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	if (!msg)
		msg = small;
	if (n > 0)
		fputs_escaped(msg, strnlen(msg, (size_t)n), stderr);
	if (msg != small)
		free(msg);
}

static void cli_vmessage(const char *fmt, va_list ap)
{
	if (cli_cmd_name)
		fprintf(stderr, "vmatool: %s: ", cli_cmd_name);
	else
		fputs("vmatool: ", stderr);
	cli_vprint_escaped(fmt, ap);
	fputc('\n', stderr);
}

int cli_error(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmessage(fmt, ap);
	va_end(ap);
	return code;
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	if (cli_cmd_name)
		fprintf(stderr, "vmatool: %s: warning: ", cli_cmd_name);
	else
		fputs("vmatool: warning: ", stderr);
	va_start(ap, fmt);
	cli_vprint_escaped(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cli_vmessage(fmt, ap);
	va_end(ap);
	if (cli_cmd_name)
		fprintf(stderr, "Try 'vmatool %s --help'.\n", cli_cmd_name);
	else
		fputs("Try 'vmatool --help'.\n", stderr);
	return EXIT_BADINPUT;
}

/* ---- sizes and numbers ---------------------------------------------------- */

const char *fmt_size(uint64_t bytes, bool exact, char buf[32])
{
	static const char units[] = "KMGTPE";
	unsigned u = 0, shift = 10;
	uint64_t whole, frac, half, tenths;

	if (exact || bytes < 1024) {
		snprintf(buf, 32, "%llu", (unsigned long long)bytes);
		return buf;
	}
	for (;;) {	/* the unit that shows at most 1023 after rounding */
		whole = bytes >> shift;
		frac = bytes & ((UINT64_C(1) << shift) - 1);
		half = UINT64_C(1) << (shift - 1);
		if (u == 5 || whole < 1023 || (whole == 1023 && frac < half))
			break;
		u++;
		shift += 10;
	}
	if (whole < 10) {
		tenths = (frac * 10 + half) >> shift;
		if (tenths == 10)
			whole++, tenths = 0;
		if (whole < 10) {
			snprintf(buf, 32, "%llu.%llu%c", (unsigned long long)whole,
				 (unsigned long long)tenths, units[u]);
			return buf;
		}
		frac = 0;
	}
	snprintf(buf, 32, "%llu%c", (unsigned long long)(whole + (frac >= half)), units[u]);
	return buf;
}

int parse_u64(const char *s, uint64_t *out)
{
	const char *p = s;
	uint64_t v = 0;
	int base = 10;
	bool hexdigit = false;

	if (!s || !*s)
		return -EINVAL;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (!*p)
			return -EINVAL;
	} else {
		for (const char *q = s; *q; q++)
			if ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
				hexdigit = true;
		if (hexdigit)
			base = 16;
	}
	for (; *p; p++) {
		unsigned d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char num[64];
	size_t len;
	unsigned shift = 0;
	uint64_t v;
	int err;

	if (!s || !*s || (len = strlen(s)) >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	if (!(len > 2 && num[0] == '0' && (num[1] == 'x' || num[1] == 'X'))) {
		char c = num[len - 1];

		if (c == 'b' || c == 'B') {	/* "4kB", "4KiB", "10B" */
			num[--len] = 0;
			if (len && (num[len - 1] == 'i' || num[len - 1] == 'I'))
				num[--len] = 0;
			c = len ? num[len - 1] : 0;
		}
		switch (c) {
		case 'k': case 'K': shift = 10; break;
		case 'm': case 'M': shift = 20; break;
		case 'g': case 'G': shift = 30; break;
		case 't': case 'T': shift = 40; break;
		default: break;
		}
		if (shift)
			num[--len] = 0;
		if (!len)
			return -EINVAL;
		for (size_t i = 0; i < len; i++)
			if (num[i] < '0' || num[i] > '9')
				return -EINVAL;
	}
	err = parse_u64(num, &v);
	if (err)
		return err;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

/* ---- escaping ------------------------------------------------------------- */

/* Escape of one byte into e (at most 5 bytes); 0 if it needs none. */
static size_t escape_byte(unsigned char c, char *e)
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '\n': memcpy(e, "\\n", 2); return 2;
	case '\t': memcpy(e, "\\t", 2); return 2;
	case '\r': memcpy(e, "\\r", 2); return 2;
	case '\\': return 0;
	default: break;
	}
	if (c < 0x20 || c == 0x7f) {
		e[0] = '\\';
		e[1] = 'x';
		e[2] = hex[c >> 4];
		e[3] = hex[c & 15];
		return 4;
	}
	return 0;
}

/* Length of the valid UTF-8 sequence of 2 to 4 bytes at u[i], or 0. */
static size_t utf8_seq(const unsigned char *u, size_t i, size_t len)
{
	unsigned char c = u[i];
	size_t n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;

	if (c > 0xf4 || n == 0 || len - i < n)
		return 0;
	for (size_t k = 1; k < n; k++)
		if ((u[i + k] & 0xc0) != 0x80)
			return 0;
	if ((c == 0xe0 && u[i + 1] < 0xa0) || (c == 0xf0 && u[i + 1] < 0x90) ||
	    (c == 0xed && u[i + 1] >= 0xa0) || (c == 0xf4 && u[i + 1] >= 0x90))
		return 0;	/* overlong, surrogate, above U+10FFFF */
	return n;
}

/*
 * The escape of the text at u[i] into e (0: none, copy it), and in *used
 * how many bytes that covers.  Escaped: C0 controls and DEL; the C1
 * controls, both as UTF-8 (0xc2 0x80..0x9f) and as single bytes 0x80..0x9f
 * outside a UTF-8 sequence (an 8-bit terminal takes 0x9b for CSI).  Valid
 * UTF-8 passes whole.
 */
static size_t escape_at(const unsigned char *u, size_t i, size_t len, char *e, size_t *used)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = escape_byte(u[i], e);

	*used = 1;
	if (n || u[i] < 0x80)
		return n;
	if (u[i] == 0xc2 && i + 1 < len && u[i + 1] >= 0x80 && u[i + 1] <= 0x9f) {
		memcpy(e, "\\xc2\\x", 6);
		e[6] = hex[u[i + 1] >> 4];
		e[7] = hex[u[i + 1] & 15];
		*used = 2;
		return 8;
	}
	if ((n = utf8_seq(u, i, len)) != 0) {
		*used = n;
		return 0;
	}
	if (u[i] > 0x9f)
		return 0;
	memcpy(e, "\\x", 2);
	e[2] = hex[u[i] >> 4];
	e[3] = hex[u[i] & 15];
	return 4;
}

void fputs_escaped(const char *s, size_t len, FILE *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, run = 0, used;
	char e[8];

	while (i < len) {
		size_t n = escape_at(u, i, len, e, &used);

		if (n) {
			fwrite(s + run, 1, i - run, out);
			fwrite(e, 1, n, out);
			run = i + used;
		}
		i += used;
	}
	fwrite(s + run, 1, len - run, out);
}

size_t escape_into(const char *s, size_t len, char *dst)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, o = 0, used;

	while (i < len) {
		size_t n = escape_at(u, i, len, dst + o, &used);

		if (n) {
			o += n;
		} else {
			memcpy(dst + o, s + i, used);
			o += used;
		}
		i += used;
	}
	dst[o] = 0;
	return o;
}

char *str_escaped(const char *s, size_t len)
{
	char *d = malloc(4 * len + 1);

	if (d)
		escape_into(s, len, d);
	return d;
}

/* ---- colour --------------------------------------------------------------- */

bool color_enabled(enum color_mode mode, int fd)
{
	const char *nc, *term;

	if (mode == COLOR_ALWAYS)
		return true;
	if (mode == COLOR_NEVER)
		return false;
	nc = getenv("NO_COLOR");
	if (nc && *nc)
		return false;
	term = getenv("TERM");
	if (term && !strcmp(term, "dumb"))
		return false;
	return isatty(fd);
}

/* ---- atomic writes -------------------------------------------------------- */

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		data += n;
		len -= n;
	}
	return 0;
}

/*
 * What a write_file_atomic* call writes: len bytes at data, or what fill
 * writes into a stream (nothing of it kept in memory).
 */
struct out_src {
	const char *data;
	size_t len;
	int (*fill)(FILE *out, void *arg);
	void *arg;
};

/*
 * The stream fill writes into: every write goes to fd until one fails; its
 * error is kept and the rest is taken and dropped (a stream whose write
 * function fails is left in a state glibc's fwrite mishandles).
 */
struct out_cookie {
	int fd;
	int err;		/* errno of the first failed write */
};

static ssize_t out_cookie_write(void *c, const char *buf, size_t n)
{
	struct out_cookie *oc = c;

	if (!oc->err)
		oc->err = -write_all(oc->fd, buf, n);
	return (ssize_t)n;
}

#define OUT_BUF (1 << 18)	/* the stream's writes: 256 KiB at a time */

/* Write src to fd; 0 or a positive errno. */
static int out_emit(int fd, const struct out_src *src)
{
	static const cookie_io_functions_t io = { .write = out_cookie_write };
	struct out_cookie oc = { .fd = fd };
	char *buf;
	FILE *out;
	int rc;

	if (!src->fill)
		return -write_all(fd, src->data, src->len);
	if (!(buf = malloc(OUT_BUF)))
		return ENOMEM;
	if (!(out = fopencookie(&oc, "w", io))) {
		free(buf);
		return errno ? errno : ENOMEM;
	}
	setvbuf(out, buf, _IOFBF, OUT_BUF);	/* (without buf, glibc writes 8 KiB at a time) */
	rc = src->fill(out, src->arg);
	if (fclose(out) && !rc)
		rc = EIO;
	free(buf);
	return oc.err ? oc.err : rc;
}

static int write_stdout(const struct out_src *src)
{
	int err;

	fflush(stdout);
	err = out_emit(STDOUT_FILENO, src);
	if (err && err != EPIPE)
		return cli_error(EXIT_TARGET, "cannot write to standard output: %s", strerror(err));
	return err ? EXIT_TARGET : EXIT_FINE;
}

/*
 * A device, pipe or socket (-o /dev/stdout, a FIFO) is written in place:
 * renaming a temporary file over it would replace the node itself.
 */
static int write_special(const char *path, const struct out_src *src)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0)
		return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(errno));
	err = out_emit(fd, src);
	if (close(fd) < 0 && !err)
		err = errno;
	if (err)
		return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(err));
	return EXIT_FINE;
}

static int write_file_atomic_at(const char *path, const struct out_src *src);
static char *link_target(const char *path);

static int write_file_atomic_src(const char *path, const struct out_src *src)
{
	struct stat st;
	char *real;
	int rc;

	if (!path || !strcmp(path, "-"))
		return write_stdout(src);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(EISDIR));
		return write_special(path, src);
	}
	/* through a symbolic link: replace the file it names, not the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		if (!(real = link_target(path)))
			return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(errno));
		rc = write_file_atomic_at(real, src);
		free(real);
		return rc;
	}
	return write_file_atomic_at(path, src);
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
	struct out_src src = { .data = data, .len = len };

	return write_file_atomic_src(path, &src);
}

int write_file_atomic_stream(const char *path, int (*fill)(FILE *out, void *arg), void *arg)
{
	struct out_src src = { .fill = fill, .arg = arg };

	return write_file_atomic_src(path, &src);
}

/*
 * The file a symbolic link names at the end of its chain, existing or not
 * (a dangling link gets its target created, as the shell's > does); NULL
 * and errno ELOOP for a loop.
 */
static char *link_target(const char *path)
{
	char *p = strdup(path), buf[PATH_MAX];
	struct stat st;

	for (int hops = 0; p && lstat(p, &st) == 0 && S_ISLNK(st.st_mode); hops++) {
		ssize_t n = readlink(p, buf, sizeof(buf) - 1);
		char *slash = strrchr(p, '/'), *next = NULL;

		if (hops == 40 || n < 0) {
			free(p);
			errno = n < 0 ? errno : ELOOP;
			return NULL;
		}
		buf[n] = '\0';
		if (buf[0] == '/' || !slash)
			next = strdup(buf);
		else if (asprintf(&next, "%.*s%s", (int)(slash - p + 1), p, buf) < 0)
			next = NULL;
		free(p);
		p = next;
	}
	if (!p)
		errno = ENOMEM;
	return p;
}

static int write_file_atomic_at(const char *path, const struct out_src *src)
{
	struct stat st;
	char *tmp, *base;
	size_t dl;
	mode_t um;
	int fd, err = 0;

	/* tmp in the same directory: ".NAME.XXXXXX" next to NAME */
	tmp = malloc(strlen(path) + 32);
	if (!tmp)
		return cli_error(EXIT_TARGET, "out of memory");
	base = strrchr(path, '/');
	dl = base ? (size_t)(base - path + 1) : 0;
	sprintf(tmp, "%.*s.%s.XXXXXX", (int)dl, path, path + dl);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT && dl && (tmp[dl > 1 ? dl - 1 : dl] = '\0', stat(tmp, &st) == 0))
			cli_error(EXIT_TARGET, "cannot write '%s': no new file can be made in '%s'",
				  path, tmp);	/* /proc, /sys: the directory is there */
		else
			cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(err));
		free(tmp);
		return EXIT_TARGET;
	}
	um = umask(0);
	umask(um);
	/* a file replaced keeps its permissions (a 0600 snapshot stays private) */
	if (fchmod(fd, stat(path, &st) == 0 ? st.st_mode & 07777 : 0666 & ~um) < 0)
		err = errno;
	if (!err)
		err = out_emit(fd, src);
	if (!err && fsync(fd) < 0)
		err = errno;
	if (close(fd) < 0 && !err)
		err = errno;
	if (!err && rename(tmp, path) < 0)
		err = errno;
	if (err) {
		unlink(tmp);
		cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(err));
	} else {
		/* make the rename itself durable */
		char *d = dl ? strndup(path, dl) : strdup(".");
		int dfd = d ? open(d, O_RDONLY | O_DIRECTORY) : -1;

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(d);
	}
	free(tmp);
	return err ? EXIT_TARGET : EXIT_FINE;
}
