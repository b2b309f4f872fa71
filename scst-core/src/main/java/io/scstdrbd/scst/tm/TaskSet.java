package io.scstdrbd.scst.tm;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The task set of one logical unit, shared by all I_T nexuses (Control mode page TST 000b).
 * Enforces SAM task attributes: SIMPLE tasks run concurrently; an ORDERED task waits until every
 * older task has finished and holds back every newer one; HEAD OF QUEUE runs at once.
 *
 * <p>Threading: thread-safe; tasks are started outside the lock, on the thread that submitted
 * or finished the task that made them runnable.
 */
public final class TaskSet {
    private Task head;
    private Task tail;
    /** Blocked tasks in arrival order. */
    private final java.util.ArrayDeque<Task> blocked = new java.util.ArrayDeque<>();
    private int running;
    private boolean barrier;
    private int size;

    /** Adds a task; starts it now if its attribute allows, otherwise when older tasks finish. */
    public void submit(Task t) {
        boolean runNow;
        synchronized (this) {
            link(t);
            if (t.headOfQueue()) {
                runNow = true;
            } else if (t.ordered()) {
                runNow = running == 0 && blocked.isEmpty();
                t.barrier = runNow;
                barrier |= runNow;
            } else {
                runNow = !barrier && blocked.isEmpty();
            }
            if (runNow) {
                t.enabled = true;
                running++;
            } else {
                blocked.addLast(t);
            }
        }
        if (runNow) {
            t.start();
        } else {
            // if a finishing task enabled it meanwhile, start() already ran and this is a no-op
            t.markBlocked();
        }
    }

    /** Called by a task once it is finished; starts tasks that may run now. */
    void finished(Task t) {
        List<Task> ready;
        synchronized (this) {
            if (!t.linked) {
                return;
            }
            unlink(t);
            if (t.enabled) {
                running--;
                if (t.barrier) {
                    barrier = false;
                }
            } else {
                blocked.remove(t);
            }
            ready = drain();
        }
        startAll(ready);
    }

    /** Removes a blocked task that is being aborted; false if it was enabled meanwhile. */
    boolean removeBlocked(Task t) {
        synchronized (this) {
            if (t.enabled || !t.linked) {
                return false;
            }
            blocked.remove(t);
            return true;
        }
    }

    private List<Task> drain() {
        List<Task> ready = null;
        while (!blocked.isEmpty()) {
            Task h = blocked.peekFirst();
            if (h.ordered()) {
                if (running != 0 || barrier) {
                    break;
                }
                blocked.pollFirst();
                h.enabled = true;
                h.barrier = true;
                barrier = true;
                running++;
                if (ready == null) {
                    ready = new ArrayList<>(2);
                }
                ready.add(h);
                break;
            }
            if (barrier) {
                break;
            }
            blocked.pollFirst();
            h.enabled = true;
            running++;
            if (ready == null) {
                ready = new ArrayList<>(4);
            }
            ready.add(h);
        }
        return ready;
    }

    private static void startAll(List<Task> ready) {
        if (ready != null) {
            for (Task t : ready) {
                t.start();
            }
        }
    }

    private void link(Task t) {
        t.prev = tail;
        t.next = null;
        if (tail == null) {
            head = t;
        } else {
            tail.next = t;
        }
        tail = t;
        t.linked = true;
        size++;
    }

    private void unlink(Task t) {
        if (t.prev == null) {
            head = t.next;
        } else {
            t.prev.next = t.next;
        }
        if (t.next == null) {
            tail = t.prev;
        } else {
            t.next.prev = t.prev;
        }
        t.prev = null;
        t.next = null;
        t.linked = false;
        size--;
    }

    /** The tasks matching {@code filter}, oldest first (a snapshot). */
    public synchronized List<Task> select(Predicate<Task> filter) {
        List<Task> out = new ArrayList<>();
        for (Task t = head; t != null; t = t.next) {
            if (filter.test(t)) {
                out.add(t);
            }
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }
}
