package io.scstdrbd.kernel.proc;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * A module parameter as /sys/module/MODULE/parameters/NAME shows it: read gives the value and a
 * newline (booleans as {@code Y}/{@code N}, like the kernel's param_get_bool), write parses and
 * validates the new value and rejects anything else with EINVAL. Values are read by the owning
 * code whenever it needs them ({@link #longValue()}, {@link #boolValue()}, {@link #stringValue()}).
 */
public abstract class ModuleParam implements ProcNode {
    private final String name;
    private final boolean writable;

    ModuleParam(String name, boolean writable) {
        this.name = name;
        this.writable = writable;
    }

    public String name() {
        return name;
    }

    @Override
    public int mode() {
        return writable ? 0644 : 0444;
    }

    @Override
    public final void write(String text) throws KernelException {
        if (!writable) {
            throw new KernelException(Errno.EACCES, "parameter " + name + " is read-only");
        }
        set(text.strip());
    }

    /** Parses and stores a value given as text; EINVAL if it does not parse or is out of range. */
    public abstract void set(String value) throws KernelException;

    public long longValue() {
        throw new UnsupportedOperationException(name + " is not numeric");
    }

    public boolean boolValue() {
        throw new UnsupportedOperationException(name + " is not boolean");
    }

    public String stringValue() {
        try {
            return read().strip();
        } catch (KernelException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An integer parameter in [min, max]; accepts decimal, 0x hex and 0 octal like kstrtol. */
    public static ModuleParam ofLong(String name, long initial, long min, long max, boolean writable) {
        return new LongParam(name, initial, min, max, writable);
    }

    public static ModuleParam ofBool(String name, boolean initial, boolean writable) {
        return new BoolParam(name, initial, writable);
    }

    public static ModuleParam ofString(String name, String initial, Predicate<String> valid, boolean writable) {
        return new StringParam(name, initial, valid, writable);
    }

    static final class LongParam extends ModuleParam {
        private final AtomicLong value;
        private final long min;
        private final long max;

        LongParam(String name, long initial, long min, long max, boolean writable) {
            super(name, writable);
            this.value = new AtomicLong(initial);
            this.min = min;
            this.max = max;
        }

        @Override
        public String read() {
            return value.get() + "\n";
        }

        @Override
        public long longValue() {
            return value.get();
        }

        @Override
        public void set(String text) throws KernelException {
            long v;
            try {
                v = parseLong(text);
            } catch (NumberFormatException e) {
                throw new KernelException(Errno.EINVAL, "parameter " + name() + ": not a number: '" + text + "'");
            }
            if (v < min || v > max) {
                throw new KernelException(Errno.EINVAL,
                        "parameter " + name() + ": " + v + " is outside " + min + ".." + max);
            }
            value.set(v);
        }

        static long parseLong(String t) {
            String s = t;
            boolean neg = false;
            if (s.startsWith("-")) {
                neg = true;
                s = s.substring(1);
            } else if (s.startsWith("+")) {
                s = s.substring(1);
            }
            long v;
            if (s.startsWith("0x") || s.startsWith("0X")) {
                v = Long.parseLong(s.substring(2), 16);
            } else if (s.length() > 1 && s.startsWith("0")) {
                v = Long.parseLong(s.substring(1), 8);
            } else {
                v = Long.parseLong(s);
            }
            return neg ? -v : v;
        }
    }

    static final class BoolParam extends ModuleParam {
        private volatile boolean value;

        BoolParam(String name, boolean initial, boolean writable) {
            super(name, writable);
            this.value = initial;
        }

        @Override
        public String read() {
            return value ? "Y\n" : "N\n";
        }

        @Override
        public boolean boolValue() {
            return value;
        }

        @Override
        public void set(String text) throws KernelException {
            // kstrtobool: first character decides
            switch (text.isEmpty() ? ' ' : Character.toLowerCase(text.charAt(0))) {
                case 'y': case '1': case 't':
                    value = true;
                    break;
                case 'n': case '0': case 'f':
                    value = false;
                    break;
                case 'o':
                    if (text.equalsIgnoreCase("on")) {
                        value = true;
                        break;
                    }
                    if (text.equalsIgnoreCase("off")) {
                        value = false;
                        break;
                    }
                    throw bad(text);
                default:
                    throw bad(text);
            }
        }

        private KernelException bad(String text) {
            return new KernelException(Errno.EINVAL, "parameter " + name() + ": not a boolean: '" + text + "'");
        }
    }

    static final class StringParam extends ModuleParam {
        private final AtomicReference<String> value;
        private final Predicate<String> valid;

        StringParam(String name, String initial, Predicate<String> valid, boolean writable) {
            super(name, writable);
            this.value = new AtomicReference<>(initial);
            this.valid = valid;
        }

        @Override
        public String read() {
            return value.get() + "\n";
        }

        @Override
        public String stringValue() {
            return value.get();
        }

        @Override
        public void set(String text) throws KernelException {
            if (!valid.test(text)) {
                throw new KernelException(Errno.EINVAL, "parameter " + name() + ": invalid value '" + text + "'");
            }
            value.set(text);
        }
    }
}
