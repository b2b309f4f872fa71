package io.scstdrbd.kernel.helper;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs user-space programs on behalf of the daemon (the kernel's call_usermodehelper), e.g. the
 * DRBD handler scripts {@code drbdadm before-resync-target r0}. The child gets a minimal
 * environment (HOME=/, TERM=linux, PATH like the kernel's) plus the daemon's base entries such
 * as {@code UMC_FS_ROOT}, plus per-call entries; its output is logged line by line.
 *
 * <p>Threading: {@link #call} never blocks; the future completes with the exit status (or -1 if
 * the program could not be started, 137/143 if it was killed at its timeout).
 */
public final class UsermodeHelper {
    private static final Logger LOG = LoggerFactory.getLogger(UsermodeHelper.class);
    private static final String PATH = "/sbin:/usr/sbin:/bin:/usr/bin:/usr/local/sbin:/usr/local/bin";

    private final Map<String, String> baseEnv;

    public UsermodeHelper(Map<String, String> baseEnv) {
        this.baseEnv = Map.copyOf(baseEnv);
    }

    /** Starts {@code argv}; the future completes with its exit status. */
    public CompletableFuture<Integer> call(List<String> argv, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv);
        Map<String, String> e = pb.environment();
        e.clear();
        e.put("HOME", "/");
        e.put("TERM", "linux");
        e.put("PATH", PATH);
        e.putAll(baseEnv);
        e.putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p;
        try {
            p = pb.start();
        } catch (IOException ex) {
            LOG.warn("usermode helper {} could not start: {}", argv, ex.getMessage());
            return CompletableFuture.completedFuture(-1);
        }
        String tag = String.join(" ", argv);
        LOG.info("usermode helper started: {}", tag);
        Thread pump = new Thread(() -> pumpOutput(p, tag), "umh-" + p.pid());
        pump.setDaemon(true);
        pump.start();
        CompletableFuture<Integer> result = new CompletableFuture<>();
        p.onExit().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((proc, err) -> {
            if (err != null) {
                LOG.warn("usermode helper {} timed out after {}; killing it", tag, timeout);
                p.destroyForcibly();
                p.onExit().thenRun(() -> result.complete(p.exitValue()));
                return;
            }
            int rc = p.exitValue();
            LOG.info("usermode helper {} exit code {}", tag, rc);
            result.complete(rc);
        });
        return result;
    }

    private static void pumpOutput(Process p, String tag) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                LOG.info("[{}] {}", tag, line);
            }
        } catch (IOException ignored) {
            // the child is gone
        }
    }

    /** The environment entries every helper gets from the daemon (for tests and logging). */
    public Map<String, String> baseEnv() {
        return new HashMap<>(baseEnv);
    }
}
