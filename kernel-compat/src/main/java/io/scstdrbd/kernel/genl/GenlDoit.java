package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;

/**
 * Handles a non-dump request. Threading: runs on the requesting client's thread; requests of one
 * client run one after another, requests of different clients may run concurrently, so handlers
 * synchronise on their own state. May block briefly (metadata I/O), never on a network peer.
 */
@FunctionalInterface
public interface GenlDoit {
    /**
     * @return the reply message (built with {@link GenlRequest#reply}), or null when the
     *         operation has no reply (the bus then acks if NLM_F_ACK was requested)
     * @throws GenlException to answer with an NLMSG_ERROR
     */
    ByteBuffer doit(GenlRequest request) throws GenlException;
}
