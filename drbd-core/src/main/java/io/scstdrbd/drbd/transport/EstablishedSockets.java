package io.scstdrbd.drbd.transport;

import io.netty.channel.Channel;
import java.util.List;

/**
 * The outcome of connection establishment: the data and meta sockets, the RESOLVE_CONFLICTS tie
 * breaker (set on the node that accepted the meta socket), and frames that already arrived on
 * each socket after its first packet (to be processed before anything else).
 */
public record EstablishedSockets(Channel data, Channel meta, boolean resolveConflicts, List<Frame> dataBacklog,
        List<Frame> metaBacklog) {
}
