/*
 * iscsi-load: a small iSCSI load generator for the benchmarks of scst-drbd.
 *
 * Keeps DEPTH READ(16) or WRITE(16) commands in flight on one session through libiscsi's
 * asynchronous API for SECONDS (or until BYTES have been moved) and prints one line:
 *   rw=randwrite bs=4096 qd=32 secs=20.00 ios=... iops=... mibs=... lat_us=... errors=0
 *
 * Usage: iscsi-load [-w] [-s] [-b BYTES] [-q DEPTH] [-t SECONDS] [-n TOTAL_BYTES]
 *                   [-i INITIATOR] iscsi://127.0.0.1[:port]/<iqn>/<lun>
 *   -w  write (default: read)      -s  sequential (default: random, aligned to the block size)
 *   -n  stop after TOTAL_BYTES (a sequential -n run over the LUN size is a warm-up pass)
 *
 * Build: gcc -O2 -o iscsi-load iscsi-load.c -liscsi   (Debian: libiscsi-dev)
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

struct load;

struct slot {
	struct load *load;
	uint64_t started_ns;
	int busy;
};

struct load {
	struct iscsi_context *iscsi;
	int lun;
	int write;
	int sequential;
	uint32_t bs;
	uint32_t block_size;
	uint64_t blocks;        /* LUN size in blocks */
	uint64_t next_lba;      /* sequential position */
	uint64_t rng;
	unsigned char *buf;     /* write data, shared by all commands (read only) */
	struct slot *slots;
	int inflight;
	int stopping;
	uint64_t ios;
	uint64_t errors;
	uint64_t lat_sum_ns;
	uint64_t limit_bytes;   /* 0: time only */
	uint64_t done_bytes;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void submit(struct load *l, struct slot *s);

static void completed(struct iscsi_context *iscsi, int status, void *command_data, void *private_data)
{
	struct slot *s = private_data;
	struct load *l = s->load;
	struct scsi_task *task = command_data;

	(void)iscsi;
	if (status != SCSI_STATUS_GOOD) {
		if (l->errors++ == 0)
			fprintf(stderr, "iscsi-load: command failed: status %d, sense %s\n", status,
				task ? scsi_sense_key_str(task->sense.key) : "-");
	} else {
		l->ios++;
		l->lat_sum_ns += now_ns() - s->started_ns;
		l->done_bytes += l->bs;
	}
	if (task)
		scsi_free_scsi_task(task);
	s->busy = 0;
	l->inflight--;
	if (l->limit_bytes && l->done_bytes + (uint64_t)l->inflight * l->bs >= l->limit_bytes)
		l->stopping = 1;
	if (!l->stopping)
		submit(l, s);
}

static void submit(struct load *l, struct slot *s)
{
	uint64_t per_io = l->bs / l->block_size;
	uint64_t slots = l->blocks / per_io;
	uint64_t lba;
	struct scsi_task *t;

	if (l->sequential) {
		lba = l->next_lba;
		l->next_lba += per_io;
		if (l->next_lba + per_io > l->blocks)
			l->next_lba = 0;
	} else {
		lba = (xorshift(&l->rng) % slots) * per_io;
	}
	s->busy = 1;
	s->started_ns = now_ns();
	if (l->write)
		t = iscsi_write16_task(l->iscsi, l->lun, lba, l->buf, l->bs, l->block_size,
				       0, 0, 0, 0, 0, completed, s);
	else
		t = iscsi_read16_task(l->iscsi, l->lun, lba, l->bs, l->block_size,
				      0, 0, 0, 0, 0, completed, s);
	if (t == NULL) {
		fprintf(stderr, "iscsi-load: cannot queue a command: %s\n", iscsi_get_error(l->iscsi));
		exit(1);
	}
	l->inflight++;
}

static void usage(void)
{
	fprintf(stderr, "usage: iscsi-load [-w] [-s] [-b BYTES] [-q DEPTH] [-t SECONDS] [-n TOTAL_BYTES]"
		" [-i INITIATOR] iscsi://HOST[:PORT]/IQN/LUN\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct load l;
	const char *initiator = "iqn.2024-01.io.scst-drbd:iscsi-load";
	double seconds = 10;
	int depth = 32;
	int c;
	struct iscsi_url *url;
	struct scsi_task *cap;
	struct scsi_readcapacity16 *rc;
	uint64_t start, deadline, end;
	double secs;

	memset(&l, 0, sizeof(l));
	l.bs = 4096;
	l.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)getpid();
	while ((c = getopt(argc, argv, "wsb:q:t:n:i:")) != -1) {
		switch (c) {
		case 'w': l.write = 1; break;
		case 's': l.sequential = 1; break;
		case 'b': l.bs = (uint32_t)strtoul(optarg, NULL, 0); break;
		case 'q': depth = atoi(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'n': l.limit_bytes = strtoull(optarg, NULL, 0); break;
		case 'i': initiator = optarg; break;
		default: usage();
		}
	}
	if (optind != argc - 1 || depth < 1 || l.bs == 0)
		usage();

	l.iscsi = iscsi_create_context(initiator);
	if (l.iscsi == NULL) {
		fprintf(stderr, "iscsi-load: cannot create a context\n");
		return 1;
	}
	url = iscsi_parse_full_url(l.iscsi, argv[optind]);
	if (url == NULL) {
		fprintf(stderr, "iscsi-load: %s\n", iscsi_get_error(l.iscsi));
		return 2;
	}
	iscsi_set_targetname(l.iscsi, url->target);
	iscsi_set_session_type(l.iscsi, ISCSI_SESSION_NORMAL);
	if (url->user[0])
		iscsi_set_initiator_username_pwd(l.iscsi, url->user, url->passwd);
	l.lun = url->lun;
	if (iscsi_full_connect_sync(l.iscsi, url->portal, url->lun) != 0) {
		fprintf(stderr, "iscsi-load: login failed: %s\n", iscsi_get_error(l.iscsi));
		return 1;
	}

	cap = iscsi_readcapacity16_sync(l.iscsi, l.lun);
	if (cap == NULL || cap->status != SCSI_STATUS_GOOD || (rc = scsi_datain_unmarshall(cap)) == NULL) {
		fprintf(stderr, "iscsi-load: READ CAPACITY(16) failed: %s\n", iscsi_get_error(l.iscsi));
		return 1;
	}
	l.block_size = rc->block_length;
	l.blocks = rc->returned_lba + 1;
	scsi_free_scsi_task(cap);
	if (l.bs % l.block_size != 0 || (uint64_t)l.bs > l.blocks * l.block_size) {
		fprintf(stderr, "iscsi-load: -b %u is not a multiple of the block size %u\n", l.bs, l.block_size);
		return 2;
	}
	l.buf = malloc(l.bs);
	l.slots = calloc((size_t)depth, sizeof(*l.slots));
	if (l.buf == NULL || l.slots == NULL)
		return 1;
	for (uint32_t i = 0; i < l.bs; i++)
		l.buf[i] = (unsigned char)xorshift(&l.rng);

	start = now_ns();
	deadline = start + (uint64_t)(seconds * 1e9);
	for (c = 0; c < depth; c++) {
		l.slots[c].load = &l;
		submit(&l, &l.slots[c]);
	}
	while (l.inflight > 0) {
		struct pollfd pfd;

		pfd.fd = iscsi_get_fd(l.iscsi);
		pfd.events = iscsi_which_events(l.iscsi);
		pfd.revents = 0;
		if (poll(&pfd, 1, 100) < 0 && errno != EINTR) {
			perror("iscsi-load: poll");
			return 1;
		}
		if (iscsi_service(l.iscsi, pfd.revents) < 0) {
			fprintf(stderr, "iscsi-load: %s\n", iscsi_get_error(l.iscsi));
			return 1;
		}
		if (!l.limit_bytes && now_ns() >= deadline)
			l.stopping = 1;
	}
	end = now_ns();
	secs = (double)(end - start) / 1e9;
	printf("rw=%s%s bs=%u qd=%d secs=%.2f ios=%" PRIu64 " iops=%.0f mibs=%.1f lat_us=%.1f errors=%" PRIu64 "\n",
	       l.sequential ? "seq" : "rand", l.write ? "write" : "read", l.bs, depth, secs, l.ios,
	       (double)l.ios / secs, (double)l.ios * l.bs / secs / 1048576.0,
	       l.ios ? (double)l.lat_sum_ns / (double)l.ios / 1000.0 : 0.0, l.errors);
	iscsi_logout_sync(l.iscsi);
	iscsi_destroy_context(l.iscsi);
	iscsi_destroy_url(url);
	free(l.buf);
	free(l.slots);
	return l.errors ? 1 : 0;
}
