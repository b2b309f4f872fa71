package io.scstdrbd.drbd.model;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One network path of a connection: the local and the peer address, each a raw
 * {@code struct sockaddr_in}/{@code sockaddr_in6} as drbdsetup sends it (host-order family, port
 * big endian). {@code established} is guarded by the node lock.
 */
public final class Path {
    private final byte[] myAddr;
    private final byte[] peerAddr;
    private boolean established;

    public Path(byte[] myAddr, byte[] peerAddr) {
        this.myAddr = myAddr.clone();
        this.peerAddr = peerAddr.clone();
    }

    public byte[] myAddr() {
        return myAddr.clone();
    }

    public byte[] peerAddr() {
        return peerAddr.clone();
    }

    public boolean established() {
        return established;
    }

    public void established(boolean v) {
        established = v;
    }

    public boolean sameAddresses(byte[] my, byte[] peer) {
        return Arrays.equals(myAddr, my) && Arrays.equals(peerAddr, peer);
    }

    public InetSocketAddress myAddress() {
        return toInet(myAddr);
    }

    public InetSocketAddress peerAddress() {
        return toInet(peerAddr);
    }

    /** Decodes a raw sockaddr (AF_INET 2 or AF_INET6 10, family in host order); null if malformed. */
    public static InetSocketAddress toInet(byte[] sa) {
        if (sa.length < 8) {
            return null;
        }
        int family = (sa[0] & 0xff) | (sa[1] & 0xff) << 8;
        int port = (sa[2] & 0xff) << 8 | (sa[3] & 0xff);
        try {
            if (family == 2) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(sa, 4, 8)), port);
            }
            if (family == 10 && sa.length >= 24) {
                return new InetSocketAddress(InetAddress.getByAddress(Arrays.copyOfRange(sa, 8, 24)), port);
            }
        } catch (UnknownHostException e) {
            return null;
        }
        return null;
    }

    /** Encodes an IPv4 address as the 16-byte sockaddr_in drbd-utils use. */
    public static byte[] sockaddrIn(InetSocketAddress a) {
        byte[] b = new byte[16];
        b[0] = 2;
        b[2] = (byte) (a.getPort() >>> 8);
        b[3] = (byte) a.getPort();
        System.arraycopy(a.getAddress().getAddress(), 0, b, 4, 4);
        return b;
    }

    @Override
    public String toString() {
        return myAddress() + " -> " + peerAddress();
    }
}
