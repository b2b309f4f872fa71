package io.scstdrbd.drbd.model;

/**
 * The objects a request names, resolved as the kernel's drbd_adm_prepare does: by minor
 * ({@code drbd_genlmsghdr.minor}) and by the context's resource name, volume and peer node id.
 * Any of them may be null when not named.
 */
public record AdmTarget(Resource resource, Device device, Connection connection, PeerDevice peerDevice,
        String resourceName, Integer volume, Integer peerNodeId, int minor) {

    public static final int NEED_MINOR = 1;
    public static final int NEED_RESOURCE = 2;
    public static final int NEED_CONNECTION = 4;
    public static final int NEED_PEER_DEVICE = 8;
    public static final int NEED_PEER_NODE = 16;
}
