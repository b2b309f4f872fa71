package io.scstdrbd.scst.device;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Stable identifiers of a vdisk, derived from its name so they survive restarts: the unit serial
 * number (VPD 80h) and an NAA "locally assigned" (type 3) designator (VPD 83h). Two vdisks with
 * different names get different identifiers; the same name always gets the same ones, as
 * multipathing initiators require.
 */
public record DeviceIdentity(String serial, byte[] naa) {

    public static DeviceIdentity of(String deviceName) {
        byte[] h = sha256(deviceName);
        StringBuilder serial = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            serial.append(String.format("%02x", h[i] & 0xff));
        }
        byte[] naa = new byte[8];
        System.arraycopy(h, 4, naa, 0, 8);
        naa[0] = (byte) (0x30 | (naa[0] & 0x0f)); // NAA 3: locally assigned
        return new DeviceIdentity(serial.toString(), naa);
    }

    @Override
    public byte[] naa() {
        return naa.clone();
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
