package io.scstdrbd.scst.tm;

/**
 * What a task runs once the task set enables it: the checks that must happen at execution time
 * (reservations, readiness) and then the command. Called on the thread that enabled the task;
 * must not block.
 */
@FunctionalInterface
public interface TaskBody {
    void run(Task task);
}
