/*
 * scst-drbd LD_PRELOAD shim for the unmodified drbd-utils (drbdadm, drbdsetup, drbdmeta).
 *
 * Inert unless UMC_FS_ROOT is set: every call then goes straight to libc, so a host with
 * kernel DRBD sees no difference. With UMC_FS_ROOT=<root> it
 *   - turns drbdsetup's generic-netlink socket into a Unix stream connection to the daemon
 *     serving <root> (socket path: see genl_socket_path below and GenlSocketPath.java), with
 *     datagram semantics for recvmsg and a private message for multicast membership;
 *   - redirects the kernel files the tools read (/proc/drbd, /sys/block/drbdN/...) to the
 *     daemon's FUSE tree, and DRBD's lock and state files to a per-root directory;
 *   - presents <root>/dev/NAME as a block device (S_IFBLK, BLKGETSIZE64, BLKSSZGET, ...)
 *     when <root>/sys/block/NAME exists, i.e. when the daemon serves NAME as a block device;
 *   - lists the loopback addresses of UMC_LOCAL_ADDRS (default 127.0.0.2) as local interface
 *     addresses (SIOCGIFCONF), so that drbdadm accepts a second daemon's 127.0.0.2 section.
 * Framing and facts: drbd.md sections 15 and 16.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define EXPORT __attribute__((visibility("default")))
#define GENL_DIR "/run/scst-drbd"
#define MSG_JOIN_GROUP 0x7ffe  /* private membership messages, see GenlBus.java */
#define MSG_LEAVE_GROUP 0x7ffd
#define MAX_FDS 4096
#define MAX_MSG (256 * 1024)

/* ---- the real libc functions ------------------------------------------------------------ */

#define REAL(ret, name, args) static ret(*real_##name) args
REAL(int, socket, (int, int, int));
REAL(int, bind, (int, const struct sockaddr *, socklen_t));
REAL(int, getsockname, (int, struct sockaddr *, socklen_t *));
REAL(int, setsockopt, (int, int, int, const void *, socklen_t));
REAL(ssize_t, recvmsg, (int, struct msghdr *, int));
REAL(ssize_t, recvfrom, (int, void *, size_t, int, struct sockaddr *, socklen_t *));
REAL(ssize_t, recv, (int, void *, size_t, int));
REAL(ssize_t, sendmsg, (int, const struct msghdr *, int));
REAL(ssize_t, sendto, (int, const void *, size_t, int, const struct sockaddr *, socklen_t));
REAL(int, close, (int));
REAL(int, open, (const char *, int, ...));
REAL(int, open64, (const char *, int, ...));
REAL(int, __open64_2, (const char *, int));
REAL(int, __open_2, (const char *, int));
REAL(int, openat, (int, const char *, int, ...));
REAL(FILE *, fopen, (const char *, const char *));
REAL(FILE *, fopen64, (const char *, const char *));
REAL(int, stat, (const char *, struct stat *));
REAL(int, stat64, (const char *, struct stat64 *));
REAL(int, lstat, (const char *, struct stat *));
REAL(int, lstat64, (const char *, struct stat64 *));
REAL(int, fstat, (int, struct stat *));
REAL(int, fstat64, (int, struct stat64 *));
REAL(int, fstatat, (int, const char *, struct stat *, int));
REAL(int, fstatat64, (int, const char *, struct stat64 *, int));
REAL(int, access, (const char *, int));
REAL(int, mkdir, (const char *, mode_t));
REAL(int, symlink, (const char *, const char *));
REAL(int, unlink, (const char *));
REAL(ssize_t, readlink, (const char *, char *, size_t));
REAL(int, ioctl, (int, unsigned long, ...));

#define RESOLVE(name)                                                      \
	do {                                                                   \
		if (!real_##name)                                                  \
			*(void **)(&real_##name) = dlsym(RTLD_NEXT, #name);            \
	} while (0)

/* ---- configuration -------------------------------------------------------------------- */

/* The FUSE root, normalised ("" when unset: the shim is inert). Read on every call so that
 * the behaviour always matches the environment the program sees. */
static const char *fs_root(char *buf, size_t len)
{
	const char *r = getenv("UMC_FS_ROOT");
	size_t n = 0;
	if (!r || !*r)
		return NULL;
	/* collapse repeated slashes, drop trailing ones, keep the leading one */
	for (const char *p = r; *p && n + 1 < len; p++) {
		if (*p == '/' && n > 0 && buf[n - 1] == '/')
			continue;
		buf[n++] = *p;
	}
	while (n > 1 && buf[n - 1] == '/')
		n--;
	buf[n] = 0;
	return buf[0] == '/' ? buf : NULL;
}

static uint64_t fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The daemon's socket for a normalised root: GENL_DIR/<escaped>.genl, the escaping of
 * `systemd-escape --path`; over-long names become h-<fnv1a64 of the root>. Exported for tests. */
EXPORT int scst_drbd_genl_path(const char *root, char *out, size_t len)
{
	char esc[PATH_MAX * 4];
	const char *norm = root;
	size_t n = 0;
	while (*norm == '/')
		norm++;
	if (!*norm) {
		strcpy(esc, "-");
	} else {
		for (const unsigned char *p = (const unsigned char *)norm; *p && n + 5 < sizeof(esc); p++) {
			int first = (const char *)p == norm || p[-1] == '/';
			if (*p == '/')
				esc[n++] = '-';
			else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
				 *p == '_' || (*p == '.' && !first))
				esc[n++] = (char)*p;
			else
				n += (size_t)sprintf(esc + n, "\\x%02x", *p);
		}
		esc[n] = 0;
	}
	int w = snprintf(out, len, GENL_DIR "/%s.genl", esc);
	if (w < 0 || (size_t)w >= len || w > 107)
		w = snprintf(out, len, GENL_DIR "/h-%016llx.genl", (unsigned long long)fnv1a64(norm));
	return w;
}

/* ---- path redirection ----------------------------------------------------------------- */

static int starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The real mkdir, and errno as the caller left it: this runs inside wrapped calls. */
static void mkdirs(const char *dir)
{
	char tmp[PATH_MAX];
	int saved = errno;
	RESOLVE(mkdir);
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p == '/') {
			*p = 0;
			real_mkdir(tmp, 0755);
			*p = '/';
		}
	}
	real_mkdir(tmp, 0755);
	errno = saved;
}

/* Where a path the tools use really lives under UMC_FS_ROOT, or the path itself. */
static const char *map_path(const char *path, char *buf, size_t len)
{
	char root[PATH_MAX];
	if (!path || path[0] != '/' || !fs_root(root, sizeof(root)))
		return path;
	/* kernel files the daemon serves in its FUSE tree */
	if (strcmp(path, "/proc/drbd") == 0 || starts(path, "/sys/block/drbd") ||
	    starts(path, "/sys/devices/virtual/block/drbd") || starts(path, "/sys/devices/virtual/bdi/147:")) {
		snprintf(buf, len, "%s%s", root, path);
		return buf;
	}
	/* DRBD's lock and state files: one set per daemon, apart from a kernel DRBD's */
	static const struct {
		const char *from, *to;
	} state[] = {
		{"/var/lock/drbd-", "lock/drbd-"}, {"/run/lock/drbd-", "lock/drbd-"},
		{"/var/lib/drbd/", "lib/"},        {"/var/run/drbd/", "run/"},
		{"/run/drbd/", "run/"},
	};
	for (size_t i = 0; i < sizeof(state) / sizeof(state[0]); i++) {
		if (starts(path, state[i].from)) {
			char sock[PATH_MAX], dir[PATH_MAX];
			scst_drbd_genl_path(root, sock, sizeof(sock));
			sock[strlen(sock) - strlen(".genl")] = 0;
			snprintf(dir, sizeof(dir), "%s.d/%s", sock, state[i].to);
			char *slash = strrchr(dir, '/');
			*slash = 0;
			mkdirs(dir);
			*slash = '/';
			snprintf(buf, len, "%s%s", dir, path + strlen(state[i].from));
			return buf;
		}
	}
	return path;
}

/* True if path names a block device the daemon serves: <root>/dev/NAME with <root>/sys/block/NAME. */
static int served_bdev_path(const char *path)
{
	char root[PATH_MAX], sys[PATH_MAX * 2];
	struct stat st;
	if (!path || !fs_root(root, sizeof(root)))
		return 0;
	size_t rl = strlen(root);
	if (strncmp(path, root, rl) != 0 || strncmp(path + rl, "/dev/", 5) != 0)
		return 0;
	const char *name = path + rl + 5;
	if (!*name || strchr(name, '/'))
		return 0;
	snprintf(sys, sizeof(sys), "%s/sys/block/%s", root, name);
	RESOLVE(stat);
	return real_stat(sys, &st) == 0 && S_ISDIR(st.st_mode);
}

static int served_bdev_fd(int fd)
{
	char link[64], path[PATH_MAX];
	char root[PATH_MAX];
	if (fd < 0 || !fs_root(root, sizeof(root)))
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, path, sizeof(path) - 1);
	if (n <= 0)
		return 0;
	path[n] = 0;
	return served_bdev_path(path);
}

#define AS_BLOCK_DEVICE(st)                                                \
	do {                                                                   \
		if (S_ISREG((st)->st_mode))                                        \
			(st)->st_mode = ((st)->st_mode & ~S_IFMT) | S_IFBLK;           \
	} while (0)

/* ---- the netlink socket ------------------------------------------------------------------ */

static unsigned char genl_fd[MAX_FDS];

static int is_genl(int fd)
{
	return fd >= 0 && fd < MAX_FDS && genl_fd[fd];
}

EXPORT int socket(int domain, int type, int protocol)
{
	char root[PATH_MAX], path[PATH_MAX];
	RESOLVE(socket);
	if (domain != AF_NETLINK || protocol != NETLINK_GENERIC || (type & 0xf) != SOCK_DGRAM ||
	    !fs_root(root, sizeof(root)))
		return real_socket(domain, type, protocol);
	int fd = real_socket(AF_UNIX, SOCK_STREAM | (type & SOCK_CLOEXEC), 0);
	if (fd < 0)
		return fd;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	scst_drbd_genl_path(root, path, sizeof(path));
	size_t plen = strlen(path);
	if (plen < sizeof(sa.sun_path))
		memcpy(sa.sun_path, path, plen + 1);
	if (plen >= sizeof(sa.sun_path) || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || fd >= MAX_FDS) {
		RESOLVE(close);
		real_close(fd);
		errno = EPROTONOSUPPORT; /* drbdsetup: "Could not connect to 'drbd' generic netlink family" */
		return -1;
	}
	genl_fd[fd] = 1;
	return fd;
}

EXPORT int bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	RESOLVE(bind);
	return is_genl(fd) ? 0 : real_bind(fd, addr, len);
}

EXPORT int getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	RESOLVE(getsockname);
	if (!is_genl(fd))
		return real_getsockname(fd, addr, len);
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK, .nl_pid = (uint32_t)getpid()};
	if (!addr || !len) {
		errno = EFAULT;
		return -1;
	}
	memcpy(addr, &nl, *len < sizeof(nl) ? *len : sizeof(nl));
	*len = sizeof(nl);
	return 0;
}

static int write_all(int fd, const void *buf, size_t len)
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

EXPORT int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	RESOLVE(setsockopt);
	if (!is_genl(fd) || level != SOL_NETLINK)
		return real_setsockopt(fd, level, name, val, len);
	if ((name == NETLINK_ADD_MEMBERSHIP || name == NETLINK_DROP_MEMBERSHIP) && val && len >= 4) {
		struct {
			struct nlmsghdr h;
			uint32_t group;
		} m = {{.nlmsg_len = sizeof(m),
			.nlmsg_type = name == NETLINK_ADD_MEMBERSHIP ? MSG_JOIN_GROUP : MSG_LEAVE_GROUP},
		       *(const uint32_t *)val};
		return write_all(fd, &m, sizeof(m));
	}
	return 0; /* other netlink socket options have no meaning on the stream */
}

/* One netlink message per call, as a datagram socket would deliver it (drbd.md 16.4). */
static ssize_t genl_recv(int fd, struct iovec *iov, size_t iovcnt, int flags, void *name, socklen_t *namelen,
			 int *msg_flags)
{
	struct nlmsghdr h;
	int dontwait = flags & MSG_DONTWAIT;
	RESOLVE(recv);
	ssize_t n = real_recv(fd, &h, sizeof(h), MSG_PEEK | MSG_WAITALL | dontwait);
	if (n <= 0)
		return n;
	if ((size_t)n < sizeof(h)) {
		errno = EAGAIN;
		return -1;
	}
	if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > MAX_MSG) {
		errno = EPROTO;
		return -1;
	}
	char *buf = malloc(h.nlmsg_len);
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	if (dontwait) {
		n = real_recv(fd, buf, h.nlmsg_len, MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT);
		if (n >= 0 && (size_t)n < h.nlmsg_len) {
			free(buf);
			errno = EAGAIN;
			return -1;
		}
	}
	n = real_recv(fd, buf, h.nlmsg_len, MSG_WAITALL | (flags & MSG_PEEK));
	if (n < 0) {
		free(buf);
		return -1;
	}
	size_t done = 0;
	for (size_t i = 0; i < iovcnt && done < (size_t)n; i++) {
		size_t take = iov[i].iov_len < (size_t)n - done ? iov[i].iov_len : (size_t)n - done;
		memcpy(iov[i].iov_base, buf + done, take);
		done += take;
	}
	free(buf);
	if (msg_flags)
		*msg_flags = done < (size_t)n ? MSG_TRUNC : 0;
	if (name && namelen) {
		struct sockaddr_nl nl = {.nl_family = AF_NETLINK}; /* from the "kernel": pid 0 */
		memcpy(name, &nl, *namelen < sizeof(nl) ? *namelen : sizeof(nl));
		*namelen = sizeof(nl);
	}
	if ((flags & MSG_TRUNC) && done < (size_t)n)
		return n;
	return (ssize_t)done;
}

EXPORT ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	RESOLVE(recvmsg);
	if (!is_genl(fd))
		return real_recvmsg(fd, msg, flags);
	return genl_recv(fd, msg->msg_iov, msg->msg_iovlen, flags, msg->msg_name,
			 msg->msg_name ? &msg->msg_namelen : NULL, &msg->msg_flags);
}

EXPORT ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen)
{
	RESOLVE(recvfrom);
	if (!is_genl(fd))
		return real_recvfrom(fd, buf, len, flags, from, fromlen);
	struct iovec iov = {buf, len};
	return genl_recv(fd, &iov, 1, flags, from, fromlen, NULL);
}

EXPORT ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	RESOLVE(recv);
	if (!is_genl(fd))
		return real_recv(fd, buf, len, flags);
	struct iovec iov = {buf, len};
	return genl_recv(fd, &iov, 1, flags, NULL, NULL, NULL);
}

/* A connected stream socket refuses destination addresses (EISCONN): drop them. */
EXPORT ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	RESOLVE(sendmsg);
	if (!is_genl(fd))
		return real_sendmsg(fd, msg, flags);
	struct msghdr m = *msg;
	m.msg_name = NULL;
	m.msg_namelen = 0;
	return real_sendmsg(fd, &m, flags | MSG_NOSIGNAL);
}

EXPORT ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen)
{
	RESOLVE(sendto);
	if (!is_genl(fd))
		return real_sendto(fd, buf, len, flags, to, tolen);
	return real_sendto(fd, buf, len, flags | MSG_NOSIGNAL, NULL, 0);
}

EXPORT int close(int fd)
{
	RESOLVE(close);
	if (fd >= 0 && fd < MAX_FDS)
		genl_fd[fd] = 0;
	return real_close(fd);
}

/* ---- files ----------------------------------------------------------------------------- */

static mode_t open_mode(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t)va_arg(ap, int) : 0;
}

EXPORT int open(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(open);
	return real_open(map_path(path, buf, sizeof(buf)), flags, mode);
}

EXPORT int open64(const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(open64);
	return real_open64(map_path(path, buf, sizeof(buf)), flags, mode);
}

EXPORT int __open64_2(const char *path, int flags)
{
	char buf[PATH_MAX];
	RESOLVE(__open64_2);
	return real___open64_2(map_path(path, buf, sizeof(buf)), flags);
}

EXPORT int __open_2(const char *path, int flags)
{
	char buf[PATH_MAX];
	RESOLVE(__open_2);
	return real___open_2(map_path(path, buf, sizeof(buf)), flags);
}

EXPORT int openat(int dirfd, const char *path, int flags, ...)
{
	char buf[PATH_MAX];
	va_list ap;
	va_start(ap, flags);
	mode_t mode = open_mode(flags, ap);
	va_end(ap);
	RESOLVE(openat);
	return real_openat(dirfd, map_path(path, buf, sizeof(buf)), flags, mode);
}

EXPORT FILE *fopen(const char *path, const char *mode)
{
	char buf[PATH_MAX];
	RESOLVE(fopen);
	return real_fopen(map_path(path, buf, sizeof(buf)), mode);
}

EXPORT FILE *fopen64(const char *path, const char *mode)
{
	char buf[PATH_MAX];
	RESOLVE(fopen64);
	return real_fopen64(map_path(path, buf, sizeof(buf)), mode);
}

EXPORT int access(const char *path, int how)
{
	char buf[PATH_MAX];
	RESOLVE(access);
	return real_access(map_path(path, buf, sizeof(buf)), how);
}

/* drbdadm's registry of config files (drbd-resource-NAME.conf links in the run directory, which
 * the handlers the daemon calls look up): made, read and removed in the daemon's own directory. */
EXPORT int mkdir(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	RESOLVE(mkdir);
	return real_mkdir(map_path(path, buf, sizeof(buf)), mode);
}

EXPORT int symlink(const char *target, const char *linkpath)
{
	char buf[PATH_MAX];
	RESOLVE(symlink);
	return real_symlink(target, map_path(linkpath, buf, sizeof(buf)));
}

EXPORT int unlink(const char *path)
{
	char buf[PATH_MAX];
	RESOLVE(unlink);
	return real_unlink(map_path(path, buf, sizeof(buf)));
}

EXPORT ssize_t readlink(const char *path, char *out, size_t len)
{
	char buf[PATH_MAX];
	RESOLVE(readlink);
	return real_readlink(map_path(path, buf, sizeof(buf)), out, len);
}

#define STAT_BY_PATH(name, type)                                           \
	EXPORT int name(const char *path, type *st)                            \
	{                                                                      \
		char buf[PATH_MAX];                                                \
		RESOLVE(name);                                                     \
		const char *p = map_path(path, buf, sizeof(buf));                  \
		int rc = real_##name(p, st);                                       \
		if (rc == 0 && served_bdev_path(p))                                \
			AS_BLOCK_DEVICE(st);                                           \
		return rc;                                                         \
	}

STAT_BY_PATH(stat, struct stat)
STAT_BY_PATH(stat64, struct stat64)
STAT_BY_PATH(lstat, struct stat)
STAT_BY_PATH(lstat64, struct stat64)

#define STAT_BY_FD(name, type)                                             \
	EXPORT int name(int fd, type *st)                                      \
	{                                                                      \
		RESOLVE(name);                                                     \
		int rc = real_##name(fd, st);                                      \
		if (rc == 0 && S_ISREG(st->st_mode) && served_bdev_fd(fd))         \
			AS_BLOCK_DEVICE(st);                                           \
		return rc;                                                         \
	}

STAT_BY_FD(fstat, struct stat)
STAT_BY_FD(fstat64, struct stat64)

/* Out of line so that glibc's nonnull declaration of the path does not drop the NULL check. */
__attribute__((noinline)) static int is_empty(const char *p)
{
	return p == NULL || *p == 0;
}

#define STAT_AT(name, type)                                                \
	EXPORT int name(int dirfd, const char *path, type *st, int flags)      \
	{                                                                      \
		char buf[PATH_MAX];                                                \
		RESOLVE(name);                                                     \
		if (is_empty(path) && (flags & AT_EMPTY_PATH)) {                   \
			int rc = real_##name(dirfd, path, st, flags);                  \
			if (rc == 0 && S_ISREG(st->st_mode) && served_bdev_fd(dirfd))  \
				AS_BLOCK_DEVICE(st);                                       \
			return rc;                                                     \
		}                                                                  \
		const char *p = map_path(path, buf, sizeof(buf));                  \
		int rc = real_##name(dirfd, p, st, flags);                         \
		if (rc == 0 && served_bdev_path(p))                                \
			AS_BLOCK_DEVICE(st);                                           \
		return rc;                                                         \
	}

STAT_AT(fstatat, struct stat)
STAT_AT(fstatat64, struct stat64)

/* ---- block-device ioctls on served devices ------------------------------------------------ */

static int zero_out(int fd, uint64_t off, uint64_t len)
{
	/* aligned: drbdmeta opens its device with O_DIRECT */
	static const char zeros[65536] __attribute__((aligned(4096)));
	while (len > 0) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		ssize_t w = pwrite(fd, zeros, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (uint64_t)w;
		len -= (uint64_t)w;
	}
	return 0;
}

/* ---- local addresses for drbdadm (two daemons on one host) ---------------------------------- */

/* Appends the IPv4 addresses of UMC_LOCAL_ADDRS (comma or space separated; default 127.0.0.2)
 * to a SIOCGIFCONF answer as addresses of "lo", unless already listed. Every 127.0.0.0/8
 * address is routed to lo anyway; drbdadm only looks for its own section's address here. */
static void add_local_addrs(struct ifconf *ifc, int capacity)
{
	const char *env = getenv("UMC_LOCAL_ADDRS");
	char list[256];
	snprintf(list, sizeof(list), "%s", env ? env : "127.0.0.2");
	int used = ifc->ifc_len;
	char *save = NULL;
	for (char *tok = strtok_r(list, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		struct in_addr a;
		if (inet_pton(AF_INET, tok, &a) != 1)
			continue;
		if (ifc->ifc_req == NULL) { /* a size query */
			used += (int)sizeof(struct ifreq);
			continue;
		}
		int dup = 0;
		for (int off = 0; off + (int)sizeof(struct ifreq) <= used; off += (int)sizeof(struct ifreq)) {
			struct ifreq *r = (struct ifreq *)(ifc->ifc_buf + off);
			struct sockaddr_in *sin = (struct sockaddr_in *)&r->ifr_addr;
			if (sin->sin_family == AF_INET && sin->sin_addr.s_addr == a.s_addr)
				dup = 1;
		}
		if (dup || used + (int)sizeof(struct ifreq) > capacity)
			continue;
		struct ifreq *r = (struct ifreq *)(ifc->ifc_buf + used);
		memset(r, 0, sizeof(*r));
		snprintf(r->ifr_name, IFNAMSIZ, "lo");
		struct sockaddr_in *sin = (struct sockaddr_in *)&r->ifr_addr;
		sin->sin_family = AF_INET;
		sin->sin_addr = a;
		used += (int)sizeof(struct ifreq);
	}
	ifc->ifc_len = used;
}

EXPORT int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	va_start(ap, req);
	void *arg = va_arg(ap, void *);
	va_end(ap);
	RESOLVE(ioctl);
	if (req == SIOCGIFCONF) {
		char rb[PATH_MAX];
		struct ifconf *ifc = arg;
		int capacity = ifc ? ifc->ifc_len : 0;
		int rc = real_ioctl(fd, req, arg);
		if (rc == 0 && ifc && fs_root(rb, sizeof(rb)))
			add_local_addrs(ifc, capacity);
		return rc;
	}
	if ((req >> 8 & 0xff) != 0x12 || !served_bdev_fd(fd))
		return real_ioctl(fd, req, arg);
	struct stat st;
	RESOLVE(fstat);
	if (real_fstat(fd, &st) < 0)
		return -1;
	switch (req) {
	case BLKGETSIZE64:
		*(uint64_t *)arg = (uint64_t)st.st_size;
		return 0;
	case BLKGETSIZE:
		*(unsigned long *)arg = (unsigned long)(st.st_size >> 9);
		return 0;
	case BLKSSZGET:
	case BLKPBSZGET:
	case BLKIOMIN:
		*(int *)arg = 512;
		return 0;
	case BLKBSZGET:
		*(int *)arg = 4096;
		return 0;
	case BLKIOOPT:
	case BLKROGET:
	case BLKALIGNOFF:
		*(int *)arg = 0;
		return 0;
	case BLKFLSBUF:
		return fsync(fd);
	case BLKZEROOUT: {
		uint64_t *r = arg;
		if ((r[0] | r[1]) & 511 || r[0] + r[1] > (uint64_t)st.st_size) {
			errno = EINVAL;
			return -1;
		}
		return zero_out(fd, r[0], r[1]);
	}
	default:
		errno = ENOTTY;
		return -1;
	}
}
