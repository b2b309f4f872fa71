package io.scstdrbd.drbd.sync.bitmap;

import io.scstdrbd.drbd.wire.CompressedBitmap;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.Payload;
import io.scstdrbd.drbd.wire.PlainBitmap;

/** One packet of a bitmap transfer: P_BITMAP with {@link PlainBitmap} or P_COMPRESSED_BITMAP. */
public record BitmapChunk(PacketType type, Payload payload) {
    public static BitmapChunk plain(long[] words) {
        return new BitmapChunk(PacketType.BITMAP, new PlainBitmap(words));
    }

    public static BitmapChunk compressed(CompressedBitmap cb) {
        return new BitmapChunk(PacketType.COMPRESSED_BITMAP, cb);
    }
}
