package io.scstdrbd.drbd.model;

/**
 * Receives every change of the DRBD objects, in the order it happened: the events2 multicast
 * implements it. Called with the node lock held, on the thread that made the change; must not
 * block or call back into the model. {@code more} is true when further messages belong to the same
 * state change (NOTIFY_CONTINUES).
 */
public interface ModelEvents {
    void resource(Resource r, Notify what, boolean more);

    void device(Device d, Notify what, boolean more);

    void connection(Connection c, Notify what, boolean more);

    void peerDevice(PeerDevice pd, Notify what, boolean more);

    void path(Connection c, Path p, Notify what, boolean more);

    /** A handler script is called (CALL) or has finished (RESPONSE, with its exit status). */
    void helper(Resource r, Device d, Connection c, String name, Notify what, int status);

    /** An events sink that drops everything (tests). */
    ModelEvents NONE = new ModelEvents() {
        @Override
        public void resource(Resource r, Notify what, boolean more) {
        }

        @Override
        public void device(Device d, Notify what, boolean more) {
        }

        @Override
        public void connection(Connection c, Notify what, boolean more) {
        }

        @Override
        public void peerDevice(PeerDevice pd, Notify what, boolean more) {
        }

        @Override
        public void path(Connection c, Path p, Notify what, boolean more) {
        }

        @Override
        public void helper(Resource r, Device d, Connection c, String name, Notify what, int status) {
        }
    };
}
