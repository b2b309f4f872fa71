package io.scstdrbd.drbd.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Runs a drbd.conf handler ({@code before-resync-target}, {@code split-brain}, …) for a resource,
 * as the kernel does with {@code drbdadm <handler> <resource>}. The future completes with the exit
 * status. Must not block the caller.
 */
public interface HandlerRunner {
    CompletableFuture<Integer> run(String handler, int peerNodeId, int volume);

    HandlerRunner NONE = (h, p, v) -> CompletableFuture.completedFuture(0);
}
