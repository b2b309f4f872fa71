package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** An in-process client that records what the bus delivers. */
final class TestClient implements GenlClient {
    final List<ByteBuffer> received = new ArrayList<>();
    final boolean privileged;
    int capacity = Integer.MAX_VALUE;

    TestClient(boolean privileged) {
        this.privileged = privileged;
    }

    @Override
    public boolean privileged() {
        return privileged;
    }

    @Override
    public synchronized boolean deliver(ByteBuffer message, boolean multicast) {
        if (received.size() >= capacity) {
            return false;
        }
        received.add(message);
        return true;
    }

    @Override
    public String describe() {
        return "test client";
    }

    synchronized List<ByteBuffer> take() {
        List<ByteBuffer> l = new ArrayList<>(received);
        received.clear();
        return l;
    }

    static NetlinkHeader header(ByteBuffer m) {
        return NetlinkHeader.read(m, 0);
    }

    /** Attributes of a genl message with a user header of {@code hdr} bytes. */
    static NlAttrs attrs(ByteBuffer m, int hdr) throws GenlException {
        int at = NetlinkHeader.align(NetlinkHeader.SIZE + 4 + hdr);
        ByteBuffer b = m.duplicate();
        b.position(at);
        return NlAttrs.parse(b);
    }

    static int errorCode(ByteBuffer m) {
        return m.duplicate().order(NetlinkHeader.ORDER).getInt(NetlinkHeader.SIZE);
    }
}
