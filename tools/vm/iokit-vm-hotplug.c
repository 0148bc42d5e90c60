// SPDX-License-Identifier: GPL-2.0-only
/*
 * iokit-vm-hotplug: hot-plug QEMU devices from inside an iokit-vm guest.
 *
 *   iokit-vm-hotplug add DRIVER id=ID [PROP=VALUE...]
 *   iokit-vm-hotplug del ID
 *
 * The harness splices the guest's second serial port to QEMU's QMP
 * monitor, so this program speaks QMP (JSON lines) over /dev/ttyS1.  "add"
 * returns once QEMU has created the device; "del" waits for QEMU's
 * DEVICE_DELETED event, i.e. until the guest has let the device go.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define QMP_TTY_DEFAULT	"/dev/ttyS1"
#define REPLY_TIMEOUT_MS	15000

static int qmp_fd = -1;
static char line[8192];
static size_t line_len;
static bool verbose;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("iokit-vm-hotplug: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one line (without its newline) into @line; false on timeout. */
static bool qmp_read_line(long deadline)
{
	line_len = 0;
	for (;;) {
		struct pollfd pfd = { .fd = qmp_fd, .events = POLLIN };
		long left = deadline - now_ms();
		char c;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return false;
		n = read(qmp_fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("QMP channel closed");
		if (c == '\r')
			continue;
		if (c == '\n') {
			line[line_len] = '\0';
			if (!line_len)
				continue;
			if (verbose)
				fprintf(stderr, "qmp: %s\n", line);
			return true;
		}
		if (line_len < sizeof(line) - 1)
			line[line_len++] = c;
	}
}

static void qmp_send(const char *json)
{
	size_t len = strlen(json);

	if (write(qmp_fd, json, len) != (ssize_t)len || write(qmp_fd, "\n", 1) != 1)
		die("cannot write to the QMP channel: %s", strerror(errno));
}

/*
 * Send @json, tagged with "id": @tag, and wait for QEMU's answer to it,
 * skipping the greeting, events and answers to earlier commands.
 */
static void qmp_execute(const char *json, const char *tag, bool may_fail)
{
	char want[64];
	long deadline = now_ms() + REPLY_TIMEOUT_MS;

	snprintf(want, sizeof(want), "\"id\": \"%s\"", tag);
	qmp_send(json);
	while (qmp_read_line(deadline)) {
		if (!strstr(line, want))
			continue;
		if (strstr(line, "\"error\"") && !may_fail)
			die("QEMU refused: %s", line);
		return;
	}
	die("no answer from QEMU within %d ms", REPLY_TIMEOUT_MS);
}

/* Append @s to @out as a JSON string (QMP device names are plain ASCII). */
static void json_string(char *out, size_t size, const char *s)
{
	size_t len = strlen(out);

	len += snprintf(out + len, size - len, "\"");
	for (; *s && len < size - 3; s++) {
		if (*s == '"' || *s == '\\')
			out[len++] = '\\';
		out[len++] = *s;
	}
	snprintf(out + len, size - len, "\"");
}

/* QMP wants typed values: numbers and booleans unquoted. */
static void json_value(char *out, size_t size, const char *v)
{
	const char *p = v;

	if (!strcmp(v, "true") || !strcmp(v, "false")) {
		strncat(out, v, size - strlen(out) - 1);
		return;
	}
	while (isdigit((unsigned char)*p))
		p++;
	if (*v && !*p) {
		strncat(out, v, size - strlen(out) - 1);
		return;
	}
	json_string(out, size, v);
}

static void wait_deleted(const char *id)
{
	char want[160];
	long deadline = now_ms() + REPLY_TIMEOUT_MS;

	snprintf(want, sizeof(want), "\"device\": \"%s\"", id);
	while (qmp_read_line(deadline))
		if (strstr(line, "DEVICE_DELETED") && strstr(line, want))
			return;
	die("device %s was not released within %d ms", id, REPLY_TIMEOUT_MS);
}

static void usage(void)
{
	fputs("Usage: iokit-vm-hotplug add DRIVER id=ID [PROP=VALUE...]\n"
	      "       iokit-vm-hotplug del ID\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *tty = getenv("IOKIT_VM_QMP_TTY");
	char cmd[4096];
	struct termios tio;
	int i;

	if (argc < 3)
		usage();
	if (!tty)
		tty = QMP_TTY_DEFAULT;
	verbose = getenv("IOKIT_VM_HOTPLUG_VERBOSE");
	qmp_fd = open(tty, O_RDWR | O_NOCTTY);
	if (qmp_fd < 0)
		die("cannot open %s (not inside iokit-vm?): %s", tty, strerror(errno));
	if (tcgetattr(qmp_fd, &tio) == 0) {
		cfmakeraw(&tio);
		cfsetspeed(&tio, B115200);
		tcsetattr(qmp_fd, TCSANOW, &tio);
	}

	/*
	 * Stray bytes (from the port being opened, or a client that died
	 * mid-line) can leave QEMU's JSON parser inside a half-read value,
	 * where it would swallow our command.  0xff is never valid JSON and
	 * makes QEMU's parser start over; the newline ends any junk line.
	 */
	qmp_send("\xff");
	/* Harmless when an earlier run already negotiated capabilities. */
	qmp_execute("{\"execute\": \"qmp_capabilities\", \"id\": \"caps\"}", "caps", true);

	if (!strcmp(argv[1], "add")) {
		snprintf(cmd, sizeof(cmd),
			 "{\"execute\": \"device_add\", \"id\": \"hp\", \"arguments\": {\"driver\": ");
		json_string(cmd, sizeof(cmd), argv[2]);
		for (i = 3; i < argc; i++) {
			char *eq = strchr(argv[i], '=');

			if (!eq || eq == argv[i])
				usage();
			*eq = '\0';
			strncat(cmd, ", ", sizeof(cmd) - strlen(cmd) - 1);
			json_string(cmd, sizeof(cmd), argv[i]);
			strncat(cmd, ": ", sizeof(cmd) - strlen(cmd) - 1);
			json_value(cmd, sizeof(cmd), eq + 1);
		}
		strncat(cmd, "}}", sizeof(cmd) - strlen(cmd) - 1);
		qmp_execute(cmd, "hp", false);
	} else if (!strcmp(argv[1], "del") && argc == 3) {
		snprintf(cmd, sizeof(cmd),
			 "{\"execute\": \"device_del\", \"id\": \"hp\", \"arguments\": {\"id\": ");
		json_string(cmd, sizeof(cmd), argv[2]);
		strncat(cmd, "}}", sizeof(cmd) - strlen(cmd) - 1);
		qmp_execute(cmd, "hp", false);
		wait_deleted(argv[2]);
	} else {
		usage();
	}
	return 0;
}
