package io.scstdrbd.drbd.sync.uuid;

/** The result of comparing two UUID sets: a strategy, the rule that decided it, and a fix-up to apply first. */
public record UuidComparison(SyncStrategy strategy, String rule, UuidFixup fixup) {
    static UuidComparison of(SyncStrategy s, String rule) {
        return new UuidComparison(s, rule, UuidFixup.NONE);
    }
}
