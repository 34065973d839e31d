/*
 * util.c - small helpers every command uses: error messages, sizes and
 * numbers in and out, escaping of names a process chose, colour mode, and
 * writing a file atomically.
 */
#include <errno.h>
#include <fcntl.h>
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

/*
 * Besides C0 controls and DEL, the C1 controls (U+0080..U+009F, bytes
 * 0xc2 0x80..0x9f in UTF-8) are escaped: a terminal may act on them.
 */
static bool is_c1(const unsigned char *s, size_t i, size_t len)
{
	return s[i] == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0x9f;
}

void fputs_escaped(const char *s, size_t len, FILE *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, run = 0;
	char e[8];

	for (i = 0; i < len; i++) {
		size_t n = escape_byte(u[i], e);

		if (!n && !is_c1(u, i, len))
			continue;
		fwrite(s + run, 1, i - run, out);
		if (n) {
			fwrite(e, 1, n, out);
		} else {
			fprintf(out, "\\xc2\\x%02x", u[i + 1]);
			i++;
		}
		run = i + 1;
	}
	fwrite(s + run, 1, len - run, out);
}

size_t escape_into(const char *s, size_t len, char *dst)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		size_t n = escape_byte(u[i], dst + o);

		if (n) {
			o += n;
		} else if (is_c1(u, i, len)) {
			o += sprintf(dst + o, "\\xc2\\x%02x", u[i + 1]);
			i++;
		} else {
			dst[o++] = s[i];
		}
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

static int write_stdout(const char *data, size_t len)
{
	int err;

	fflush(stdout);
	err = write_all(STDOUT_FILENO, data, len);
	if (err && err != -EPIPE)
		return cli_error(EXIT_TARGET, "cannot write to standard output: %s", strerror(-err));
	return err ? EXIT_TARGET : EXIT_FINE;
}

/*
 * A device, pipe or socket (-o /dev/stdout, a FIFO) is written in place:
 * renaming a temporary file over it would replace the node itself.
 */
static int write_special(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY), err;

	if (fd < 0)
		return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(errno));
	err = -write_all(fd, data, len);
	if (close(fd) < 0 && !err)
		err = errno;
	if (err)
		return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(err));
	return EXIT_FINE;
}

static int write_file_atomic_at(const char *path, const char *data, size_t len);

int write_file_atomic(const char *path, const char *data, size_t len)
{
	struct stat st;
	char *real;
	int rc;

	if (!path || !strcmp(path, "-"))
		return write_stdout(data, len);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (S_ISDIR(st.st_mode))
			return cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(EISDIR));
		return write_special(path, data, len);
	}
	/* through a symbolic link: replace the file it names, not the link */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && (real = realpath(path, NULL))) {
		rc = write_file_atomic_at(real, data, len);
		free(real);
		return rc;
	}
	return write_file_atomic_at(path, data, len);
}

static int write_file_atomic_at(const char *path, const char *data, size_t len)
{
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
		cli_error(EXIT_TARGET, "cannot write '%s': %s", path, strerror(err));
		free(tmp);
		return EXIT_TARGET;
	}
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) < 0)
		err = errno;
	if (!err)
		err = -write_all(fd, data, len);
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
