package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes packet headers. Decoding recognises the layout by its magic; it does not
 * consume anything unless a whole header is available.
 */
public final class HeaderCodec {
    private HeaderCodec() {
    }

    /** Bytes needed to tell the header layout apart (the longest magic). */
    public static final int MAGIC_PEEK = 4;

    /**
     * The layout announced by the magic at the reader index, or null if the bytes are no DRBD magic.
     * Needs {@link #MAGIC_PEEK} readable bytes.
     */
    public static HeaderFormat peekFormat(ByteBuf in) {
        int idx = in.readerIndex();
        int magic = in.getInt(idx);
        if (magic == WireConstants.DRBD_MAGIC) {
            return HeaderFormat.H80;
        }
        if (magic == WireConstants.DRBD_MAGIC_100) {
            return HeaderFormat.H100;
        }
        if (in.getUnsignedShort(idx) == WireConstants.DRBD_MAGIC_BIG) {
            return HeaderFormat.H95;
        }
        return null;
    }

    /**
     * Decodes one header of the given layout from the reader index (advancing it).
     *
     * @throws ProtocolException if the h100 pad is not zero
     */
    public static PacketHeader read(ByteBuf in, HeaderFormat format) throws ProtocolException {
        switch (format) {
            case H80: {
                in.skipBytes(4);
                int cmd = in.readUnsignedShort();
                int len = in.readUnsignedShort();
                return new PacketHeader(format, cmd, WireConstants.VOLUME_CONNECTION, len);
            }
            case H95: {
                in.skipBytes(2);
                int cmd = in.readUnsignedShort();
                long len = in.readUnsignedInt();
                return new PacketHeader(format, cmd, WireConstants.VOLUME_CONNECTION, len);
            }
            default: {
                in.skipBytes(4);
                int vol = in.readUnsignedShort();
                int cmd = in.readUnsignedShort();
                long len = in.readUnsignedInt();
                int pad = in.readInt();
                if (pad != 0) {
                    throw new ProtocolException("h100 header with non-zero pad 0x" + Integer.toHexString(pad));
                }
                return new PacketHeader(format, cmd, vol, len);
            }
        }
    }

    /** Writes a header; h80 cannot carry a volume or more than 65535 payload bytes. */
    public static void write(ByteBuf out, HeaderFormat format, int command, int volume, long length) {
        switch (format) {
            case H80:
                if (length > 0xFFFF) {
                    throw new IllegalArgumentException("h80 payload too long: " + length);
                }
                out.writeInt(WireConstants.DRBD_MAGIC);
                out.writeShort(command);
                out.writeShort((int) length);
                break;
            case H95:
                out.writeShort(WireConstants.DRBD_MAGIC_BIG);
                out.writeShort(command);
                out.writeInt((int) length);
                break;
            default:
                out.writeInt(WireConstants.DRBD_MAGIC_100);
                out.writeShort(volume);
                out.writeShort(command);
                out.writeInt((int) length);
                out.writeInt(0);
        }
    }
}
