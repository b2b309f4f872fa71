package io.scstdrbd.scst.pr;

/** One registered I_T nexus and its reservation key. */
public record Registration(PrNexus nexus, long key) {
}
