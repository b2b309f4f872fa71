package io.scstdrbd.drbd.transport;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Which role the first outgoing socket gets: data if this node's raw socket address (family in
 * host order, port big endian, address bytes) compares greater than the peer's, else meta.
 */
public final class AddressOrder {
    private AddressOrder() {
    }

    static byte[] sockaddr(InetSocketAddress a) {
        byte[] ip = a.getAddress().getAddress();
        ByteBuffer b = ByteBuffer.allocate(4 + ip.length);
        b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) (a.getAddress() instanceof Inet4Address ? 2 : 10));
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) a.getPort());
        b.put(ip);
        return b.array();
    }

    public static SocketRole firstOutgoingRole(InetSocketAddress mine, InetSocketAddress peer) {
        byte[] m = sockaddr(mine);
        byte[] p = sockaddr(peer);
        int n = Math.min(m.length, p.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(m[i] & 0xff, p[i] & 0xff);
            if (c != 0) {
                return c > 0 ? SocketRole.DATA : SocketRole.META;
            }
        }
        return m.length > p.length ? SocketRole.DATA : SocketRole.META;
    }
}
