package io.flinkvision.core.image;

import io.flinkvision.core.model.ChannelOrder;
import io.flinkvision.core.model.InputElementType;
import io.flinkvision.core.model.PixelRange;
import io.flinkvision.core.model.PreprocessSpec;
import io.flinkvision.core.model.TensorLayout;
import java.util.Arrays;

/**
 * Writes 8-bit RGB pixels into a model input sample: channel order, layout and element type as
 * the {@link PreprocessSpec} says. Each channel's 256 possible values are looked up, computed
 * once per spec with the reference's float32 arithmetic ({@code (v/255 - mean)/std}, as
 * torchvision's ToTensor then Normalize, or {@code (v - mean)/std} for raw pixel ranges), so the
 * lookup changes no bit of the result.
 */
final class TensorWriter {
    private final PreprocessSpec spec;
    /** {@code table[c][v]}: the value written for pixel value v in output channel c. */
    private final float[][] table = new float[3][256];
    /** {@code sourceChannel[c]}: which RGB channel feeds output channel c. */
    private final int[] sourceChannel;

    TensorWriter(PreprocessSpec spec) {
        this.spec = spec;
        this.sourceChannel = spec.channelOrder() == ChannelOrder.BGR ? new int[] {2, 1, 0} : new int[] {0, 1, 2};
        float[] mean = spec.mean();
        float[] std = spec.std();
        boolean raw = spec.pixelRange() == PixelRange.RAW;
        for (int c = 0; c < 3; c++) {
            for (int v = 0; v < 256; v++) {
                table[c][v] = spec.elementType() == InputElementType.UINT8
                        ? v // the runner narrows these to uint8; mean/std do not apply
                        : raw ? (v - mean[c]) / std[c] : (v / 255f - mean[c]) / std[c];
            }
        }
    }

    /** Fills the whole uint8 sample with the pad value (a whole number 0..255, as PreprocessSpec checks). */
    void fillPadding(byte[] dst, int offset) {
        Arrays.fill(dst, offset, offset + spec.sampleLength(), (byte) Math.round(spec.padValue()));
    }

    /** As {@link #writeRow(int, int, int[], int, float[], int)}, for uint8 inputs: the pixel values themselves. */
    void writeRow(int y, int x0, int[] rgb, int pixels, byte[] dst, int offset) {
        int width = spec.width();
        if (spec.layout() == TensorLayout.NCHW) {
            int plane = width * spec.height();
            for (int c = 0; c < 3; c++) {
                int d = offset + c * plane + y * width + x0;
                for (int x = 0, s = sourceChannel[c]; x < pixels; x++, s += 3) {
                    dst[d + x] = (byte) rgb[s];
                }
            }
        } else {
            int s0 = sourceChannel[0];
            int s1 = sourceChannel[1];
            int s2 = sourceChannel[2];
            for (int x = 0, s = 0, d = offset + (y * width + x0) * 3; x < pixels; x++, s += 3, d += 3) {
                dst[d] = (byte) rgb[s + s0];
                dst[d + 1] = (byte) rgb[s + s1];
                dst[d + 2] = (byte) rgb[s + s2];
            }
        }
    }

    /** Fills the whole sample with the pad value, before the image rows are written over it. */
    void fillPadding(float[] dst, int offset) {
        Arrays.fill(dst, offset, offset + spec.sampleLength(), spec.padValue());
    }

    /**
     * Writes {@code pixels} pixels of input row {@code y}, starting at input column {@code x0}.
     *
     * @param rgb {@code pixels} interleaved RGB pixels, values 0..255
     */
    void writeRow(int y, int x0, int[] rgb, int pixels, float[] dst, int offset) {
        int width = spec.width();
        if (spec.layout() == TensorLayout.NCHW) {
            int plane = width * spec.height();
            for (int c = 0; c < 3; c++) {
                float[] lut = table[c];
                int d = offset + c * plane + y * width + x0;
                for (int x = 0, s = sourceChannel[c]; x < pixels; x++, s += 3) {
                    dst[d + x] = lut[rgb[s]];
                }
            }
        } else {
            float[] l0 = table[0];
            float[] l1 = table[1];
            float[] l2 = table[2];
            int s0 = sourceChannel[0];
            int s1 = sourceChannel[1];
            int s2 = sourceChannel[2];
            for (int x = 0, s = 0, d = offset + (y * width + x0) * 3; x < pixels; x++, s += 3, d += 3) {
                dst[d] = l0[rgb[s + s0]];
                dst[d + 1] = l1[rgb[s + s1]];
                dst[d + 2] = l2[rgb[s + s2]];
            }
        }
    }
}
