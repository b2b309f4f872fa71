package io.scstdrbd.systest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a real tool (mkfs.ext4, mount, fsck, fio, dd, sh) with a timeout and captures its output.
 * A tool that hangs is killed and reported, so a broken daemon fails a test instead of the build.
 */
public final class Cmd {
    /** Exit status and combined stdout/stderr. */
    public record Result(List<String> argv, int exit, String output) {
        /** Fails with the command and its output unless it exited 0. */
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError(String.join(" ", argv) + " exited " + exit + ":\n" + output);
            }
            return this;
        }
    }

    private Cmd() {
    }

    public static Result run(String... argv) {
        return run(Duration.ofMinutes(5), Map.of(), argv);
    }

    /** Runs {@code bash -c script} (bash: its echo reports the real errno of a failed write). */
    public static Result sh(String script) {
        return run("bash", "-c", script);
    }

    public static Result run(Duration timeout, Map<String, String> env, String... argv) {
        List<String> cmd = Arrays.asList(argv);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out;
        try {
            out = Files.createTempFile("systest-cmd", ".out");
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                String text = Files.readString(out, StandardCharsets.UTF_8);
                Files.deleteIfExists(out);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout + ":\n" + text);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Files.deleteIfExists(out);
            return new Result(new ArrayList<>(cmd), p.exitValue(), text);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + cmd, e);
        }
    }

    /** True if {@code tool} is on the PATH (or an absolute executable). */
    public static boolean available(String tool) {
        return run("sh", "-c", "command -v " + tool).exit() == 0;
    }
}
