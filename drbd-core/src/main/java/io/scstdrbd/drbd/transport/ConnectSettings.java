package io.scstdrbd.drbd.transport;

/**
 * Timers of connection establishment, in milliseconds: the pause between connection attempts
 * ({@code connect-int}), how long an accepted socket may take to say what it is (4 × ping-timeout),
 * and how long both sockets must stay up before they count as established ({@code sock-check-timeo},
 * 0 meaning ping-timeout).
 */
public record ConnectSettings(long connectIntMs, long firstPacketTimeoutMs, long sockCheckMs) {
    public static ConnectSettings fromNetOptions(int connectIntSeconds, int pingTimeoutTenths, int sockCheckTenths) {
        long ping = pingTimeoutTenths * 100L;
        return new ConnectSettings(connectIntSeconds * 1000L, 4 * ping, sockCheckTenths == 0 ? ping : sockCheckTenths * 100L);
    }
}
