package io.flinkvision.core.image;

/** Receives a resizer's output one row at a time; the array is reused for the next row. */
@FunctionalInterface
interface RowSink {
    /** @param rgb {@code cropWidth * 3} interleaved RGB values, 0..255 */
    void row(int y, int[] rgb);
}
