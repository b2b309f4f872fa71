/*
 * Test of the LD_PRELOAD shim; run with the shim preloaded (make check). Checks that it is
 * inert without UMC_FS_ROOT, the socket-path rule shared with GenlSocketPath.java, path
 * redirection, block-device presentation, and datagram-style netlink over the Unix socket.
 * Parts that need /run/scst-drbd (root) are skipped with a note when not root.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/netlink.h>
#include <pthread.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int failures;
#define CHECK(cond)                                                        \
	do {                                                                   \
		if (!(cond)) {                                                     \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                                    \
		}                                                                  \
	} while (0)

static int (*genl_path)(const char *, char *, size_t);

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void test_inert(void)
{
	unsetenv("UMC_FS_ROOT");
	int fd = socket(AF_NETLINK, SOCK_DGRAM, NETLINK_GENERIC);
	CHECK(fd >= 0);
	int dom = 0;
	socklen_t l = sizeof(dom);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) == 0 && dom == AF_NETLINK);
	close(fd);
	/* /proc/drbd is the host's own, whatever it is */
	int a = open("/proc/drbd", O_RDONLY);
	int ea = errno;
	int b = (int)syscall(SYS_openat, AT_FDCWD, "/proc/drbd", O_RDONLY);
	int eb = errno;
	CHECK((a < 0) == (b < 0));
	if (a < 0)
		CHECK(ea == eb);
	else {
		close(a);
		close(b);
	}
}

static void test_path_rule(void)
{
	char p[256];
	genl_path("/UMCfuse", p, sizeof(p));
	CHECK(strcmp(p, "/run/scst-drbd/UMCfuse.genl") == 0);
	genl_path("/tmp/drbd-h/root1", p, sizeof(p));
	CHECK(strcmp(p, "/run/scst-drbd/tmp-drbd\\x2dh-root1.genl") == 0);
	genl_path("/", p, sizeof(p));
	CHECK(strcmp(p, "/run/scst-drbd/-.genl") == 0);
	genl_path("/a/.hidden", p, sizeof(p));
	CHECK(strcmp(p, "/run/scst-drbd/a-\\x2ehidden.genl") == 0);
	char longroot[200] = "/";
	memset(longroot + 1, 'x', 120);
	longroot[121] = 0;
	genl_path(longroot, p, sizeof(p));
	/* FNV-1a 64 of 120 'x' characters, as GenlSocketPath computes it */
	uint64_t h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < 120; i++) {
		h ^= 'x';
		h *= 0x100000001b3ULL;
	}
	char want[64];
	snprintf(want, sizeof(want), "/run/scst-drbd/h-%016llx.genl", (unsigned long long)h);
	CHECK(strcmp(p, want) == 0);
}

static char root[64];

static void test_files(void)
{
	char path[512];
	setenv("UMC_FS_ROOT", root, 1);
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/drbd", root);
	write_file(path, "version: 9.2.19 (api:2/proto:86-121)\n");
	char buf[512] = {0};
	int fd = open("/proc/drbd", O_RDONLY);
	CHECK(fd >= 0 && read(fd, buf, sizeof(buf) - 1) > 0 && strncmp(buf, "version: 9.2.19", 15) == 0);
	close(fd);
	struct stat st;
	CHECK(stat("/proc/drbd", &st) == 0 && S_ISREG(st.st_mode));
	CHECK(stat("/sys/block/drbd7", &st) < 0 && errno == ENOENT);

	snprintf(path, sizeof(path), "%s/dev", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/sys/block/tcmu001", root);
	snprintf(buf, sizeof(buf), "%s/sys", root);
	mkdir(buf, 0755);
	snprintf(buf, sizeof(buf), "%s/sys/block", root);
	mkdir(buf, 0755);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/dev/tcmu001", root);
	fd = open(path, O_RDWR | O_CREAT, 0644);
	CHECK(fd >= 0 && ftruncate(fd, 1 << 20) == 0);
	close(fd);
	snprintf(buf, sizeof(buf), "%s/dev/tcmur", root);
	write_file(buf, "ctl\n");

	CHECK(stat(path, &st) == 0 && S_ISBLK(st.st_mode) && (st.st_mode & 0777) == 0644);
	CHECK(stat(buf, &st) == 0 && S_ISREG(st.st_mode));
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	CHECK(fstat(fd, &st) == 0 && S_ISBLK(st.st_mode));
	struct stat64 st64;
	CHECK(fstat64(fd, &st64) == 0 && S_ISBLK(st64.st_mode));
	uint64_t size = 0;
	CHECK(ioctl(fd, BLKGETSIZE64, &size) == 0 && size == 1 << 20);
	int ssz = 0;
	CHECK(ioctl(fd, BLKSSZGET, &ssz) == 0 && ssz == 512);
	char ones[8192];
	memset(ones, 0xff, sizeof(ones));
	CHECK(pwrite(fd, ones, sizeof(ones), 4096) == sizeof(ones));
	uint64_t range[2] = {4096, 4096};
	CHECK(ioctl(fd, BLKZEROOUT, range) == 0);
	char back[8192];
	CHECK(pread(fd, back, sizeof(back), 4096) == sizeof(back));
	CHECK(back[0] == 0 && back[4095] == 0 && (unsigned char)back[4096] == 0xff);
	uint64_t bad[2] = {1, 512};
	CHECK(ioctl(fd, BLKZEROOUT, bad) < 0 && errno == EINVAL);
	close(fd);
	int cfd = open(buf, O_RDONLY);
	CHECK(cfd >= 0 && fstat(cfd, &st) == 0 && S_ISREG(st.st_mode));
	CHECK(ioctl(cfd, BLKGETSIZE64, &size) < 0);
	close(cfd);

	if (geteuid() == 0) {
		/* DRBD's lock files go to the per-root state directory */
		char sock[256], lock[512];
		genl_path(root, sock, sizeof(sock));
		sock[strlen(sock) - 5] = 0;
		snprintf(lock, sizeof(lock), "%s.d/lock/drbd-147-99", sock);
		unlink(lock);
		fd = open("/var/lock/drbd-147-99", O_RDWR | O_CREAT, 0600);
		CHECK(fd >= 0);
		close(fd);
		CHECK(access(lock, F_OK) == 0);
		CHECK(syscall(SYS_faccessat, AT_FDCWD, "/var/lock/drbd-147-99", F_OK, 0) < 0);
		unlink(lock);
		/* drbdadm's config registry: the link is made, read and removed in the state directory */
		char link[512], target[256] = {0};
		snprintf(link, sizeof(link), "%s.d/run/drbd-resource-shimtest.conf", sock);
		unlink("/run/drbd/drbd-resource-shimtest.conf");
		CHECK(symlink("/etc/shimtest.res", "/run/drbd/drbd-resource-shimtest.conf") == 0);
		CHECK(syscall(SYS_faccessat, AT_FDCWD, "/run/drbd/drbd-resource-shimtest.conf", F_OK, 0) < 0);
		CHECK(readlink("/var/run/drbd/drbd-resource-shimtest.conf", target, sizeof(target) - 1) == 17 &&
		      strcmp(target, "/etc/shimtest.res") == 0);
		CHECK(lstat(link, &st) == 0 && S_ISLNK(st.st_mode));
		CHECK(unlink("/run/drbd/drbd-resource-shimtest.conf") == 0 && lstat(link, &st) < 0);
		snprintf(lock, sizeof(lock), "%s.d/run", sock);
		rmdir(lock);
		snprintf(lock, sizeof(lock), "%s.d/lock", sock);
		rmdir(lock);
		snprintf(lock, sizeof(lock), "%s.d", sock);
		rmdir(lock);
	}
	unsetenv("UMC_FS_ROOT");
	/* inert again: the real path */
	CHECK(stat(path, &st) == 0 && S_ISREG(st.st_mode));
}

struct server {
	int lfd;
	int join_type, join_group, req_len;
};

static void *serve(void *arg)
{
	struct server *s = arg;
	int c = accept(s->lfd, NULL, NULL);
	struct {
		struct nlmsghdr h;
		uint32_t g;
	} join;
	if (read(c, &join, sizeof(join)) == sizeof(join)) {
		s->join_type = join.h.nlmsg_type;
		s->join_group = (int)join.g;
	}
	struct nlmsghdr req;
	if (read(c, &req, sizeof(req)) == sizeof(req))
		s->req_len = (int)req.nlmsg_len;
	static char big[10000];
	struct nlmsghdr *m = (struct nlmsghdr *)big;
	m->nlmsg_len = 40;
	m->nlmsg_type = 0x13;
	m->nlmsg_seq = 5;
	if (write(c, big, 40) != 40)
		return NULL;
	m->nlmsg_len = sizeof(big);
	m->nlmsg_seq = 6;
	if (write(c, big, sizeof(big)) != sizeof(big))
		return NULL;
	close(c);
	return NULL;
}

static void test_netlink(void)
{
	char sockpath[100];
	setenv("UMC_FS_ROOT", root, 1);
	genl_path(root, sockpath, sizeof(sockpath));
	unlink(sockpath);
	/* nobody serves the root yet */
	errno = 0;
	CHECK(socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_GENERIC) < 0 && errno == EPROTONOSUPPORT);

	mkdir("/run/scst-drbd", 0755);
	struct server s = {0};
	s.lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sockpath);
	CHECK(bind(s.lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(s.lfd, 1) == 0);
	pthread_t t;
	pthread_create(&t, NULL, serve, &s);

	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_GENERIC);
	CHECK(fd >= 0);
	int dom = 0;
	socklen_t l = sizeof(dom);
	CHECK(getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l) == 0 && dom == AF_UNIX);
	CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	struct sockaddr_nl nl = {.nl_family = AF_NETLINK};
	CHECK(bind(fd, (struct sockaddr *)&nl, sizeof(nl)) == 0);
	l = sizeof(nl);
	CHECK(getsockname(fd, (struct sockaddr *)&nl, &l) == 0 && l == 12 && nl.nl_family == AF_NETLINK &&
	      nl.nl_pid == (uint32_t)getpid());
	int bsz = 1 << 20;
	CHECK(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bsz, sizeof(bsz)) == 0);
	uint32_t group = 5;
	CHECK(setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)) == 0);
	struct nlmsghdr req = {.nlmsg_len = sizeof(req), .nlmsg_type = 0x10, .nlmsg_flags = NLM_F_REQUEST};
	CHECK(write(fd, &req, sizeof(req)) == sizeof(req));

	char buf[16384];
	struct sockaddr_nl from;
	struct iovec iov = {buf, 8192};
	struct msghdr msg = {.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1};
	CHECK(recvmsg(fd, &msg, MSG_PEEK) == 40 && msg.msg_namelen == 12 && from.nl_pid == 0 && msg.msg_flags == 0);
	CHECK(recvmsg(fd, &msg, 0) == 40 && ((struct nlmsghdr *)buf)->nlmsg_seq == 5);
	CHECK(recvmsg(fd, &msg, MSG_PEEK) == 8192 && (msg.msg_flags & MSG_TRUNC));
	iov.iov_len = sizeof(buf);
	CHECK(recvmsg(fd, &msg, MSG_PEEK) == 10000 && !(msg.msg_flags & MSG_TRUNC));
	CHECK(recvmsg(fd, &msg, 0) == 10000 && ((struct nlmsghdr *)buf)->nlmsg_seq == 6);
	pthread_join(t, NULL);
	CHECK(recvmsg(fd, &msg, 0) == 0); /* the daemon went away: end of stream */
	CHECK(s.join_type == 0x7ffe && s.join_group == 5 && s.req_len == 16);
	close(fd);
	close(s.lfd);
	unlink(sockpath);
	unsetenv("UMC_FS_ROOT");
}

static void test_local_addrs(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(fd >= 0);
	struct ifreq reqs[32];
	struct ifconf ifc = {.ifc_len = sizeof(reqs), .ifc_req = reqs};
	setenv("UMC_FS_ROOT", root, 1);
	setenv("UMC_LOCAL_ADDRS", "127.0.0.2, 127.0.0.3", 1);
	CHECK(ioctl(fd, SIOCGIFCONF, &ifc) == 0);
	int found = 0;
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&reqs[i].ifr_addr;
		if (sin->sin_addr.s_addr == htonl(0x7f000002) || sin->sin_addr.s_addr == htonl(0x7f000003))
			found++;
	}
	CHECK(found == 2);
	unsetenv("UMC_FS_ROOT");
	ifc.ifc_len = sizeof(reqs);
	CHECK(ioctl(fd, SIOCGIFCONF, &ifc) == 0);
	for (int i = 0; i < ifc.ifc_len / (int)sizeof(struct ifreq); i++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&reqs[i].ifr_addr;
		CHECK(sin->sin_addr.s_addr != htonl(0x7f000003)); /* inert without UMC_FS_ROOT */
	}
	unsetenv("UMC_LOCAL_ADDRS");
	close(fd);
}

int main(void)
{
	genl_path = (int (*)(const char *, char *, size_t))dlsym(RTLD_DEFAULT, "scst_drbd_genl_path");
	if (!genl_path) {
		fprintf(stderr, "shim-test: run with LD_PRELOAD=libscst-drbd-preload.so\n");
		return 2;
	}
	snprintf(root, sizeof(root), "/tmp/shim-test.%d", (int)getpid());
	mkdir(root, 0755);
	test_inert();
	test_path_rule();
	test_files();
	test_local_addrs();
	if (geteuid() == 0)
		test_netlink();
	else
		fprintf(stderr, "shim-test: not root, netlink socket test skipped\n");
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	unsetenv("LD_PRELOAD");
	if (system(cmd) != 0)
		failures++;
	if (failures) {
		fprintf(stderr, "shim-test: %d failure(s)\n", failures);
		return 1;
	}
	printf("shim-test: all checks passed\n");
	return 0;
}
