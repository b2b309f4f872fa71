package io.scstdrbd.fuse.server;

import io.scstdrbd.fuse.transport.FuseChannel;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A FUSE channel without a kernel: {@link #read} hands out queued requests (then ENODEV, like an
 * unmounted file system), {@link #write} records every message.
 */
final class RecordingChannel implements FuseChannel {
    final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> written = new LinkedBlockingQueue<>();
    private static final byte[] END = new byte[0];

    void endOfRequests() {
        requests.add(END);
    }

    @Override
    public int read(ByteBuffer dst) {
        byte[] r;
        try {
            r = requests.take();
        } catch (InterruptedException e) {
            return -Errno.EINTR;
        }
        if (r == END) {
            requests.add(END); // every reader sees it
            return -Errno.ENODEV;
        }
        dst.put(dst.position(), r);
        return r.length;
    }

    @Override
    public int write(ByteBuffer[] parts, int count) {
        int total = 0;
        for (int i = 0; i < count; i++) {
            total += parts[i].remaining();
        }
        byte[] msg = new byte[total];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int n = parts[i].remaining();
            parts[i].get(parts[i].position(), msg, at, n);
            at += n;
        }
        written.add(msg);
        return 0;
    }

    byte[] next(long millis) throws InterruptedException {
        return written.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
    }
}
