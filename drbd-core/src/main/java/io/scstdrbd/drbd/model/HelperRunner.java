package io.scstdrbd.drbd.model;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs DRBD handler scripts the way the kernel does (drbd_khelper): {@code <usermode_helper> <cmd>
 * <resource>} with the given environment; drbdadm then runs the script configured in the
 * resource's handlers section. Threading: never blocks; the future completes with the exit status.
 */
@FunctionalInterface
public interface HelperRunner {
    CompletableFuture<Integer> run(String cmd, String resource, Map<String, String> env);
}
