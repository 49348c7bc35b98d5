package io.flinkvision.core.image;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-output-pixel filter taps for one axis of a PIL-style antialiased bilinear resize, in the
 * fixed point PIL uses for 8-bit images, so that results equal PIL's bit for bit.
 *
 * <p>The filter is a triangle whose support grows with the downscale factor ({@code support =
 * max(1, in/out)}), which is what makes downscaling antialiased rather than aliased point
 * sampling. Each output pixel's weights are normalised to sum to one before being scaled to
 * {@link #PRECISION_BITS} bits, exactly as Pillow's {@code precompute_coeffs} and
 * {@code normalize_coeffs_8bpc} (Resample.c) do, including their rounding of window bounds.
 *
 * <p>Unlike Pillow, every window here has the same length {@link #taps}: shorter windows are
 * padded with zero weights (shifted left at the far edge so they stay inside the input). Zero
 * weights add exactly nothing, and a fixed trip count lets the JIT compile a tighter loop.
 */
final class ResampleCoefficients {
    /** Pillow's PRECISION_BITS for 8-bit images: 32 - 8 bits of pixel - 2 bits of headroom. */
    static final int PRECISION_BITS = 22;
    static final int ROUNDING = 1 << (PRECISION_BITS - 1);

    private static final int CACHE_LIMIT = 256;
    /**
     * Bytes the cache may hold: a stream's few sizes take a few hundred KiB (224 outputs from 1920
     * inputs is 10 KiB); a cleared cache costs one recomputation per size.
     */
    static final long CACHE_BYTE_LIMIT = 8L << 20;
    /** Larger coefficient sets are computed for their one frame and not kept. */
    static final long CACHE_ENTRY_BYTE_LIMIT = 1L << 20;
    private static final ConcurrentHashMap<Key, ResampleCoefficients> CACHE = new ConcurrentHashMap<>();
    private static final AtomicLong CACHED_BYTES = new AtomicLong();

    /** Window length, the same for every output pixel. */
    final int taps;
    /** First input index of each output pixel's window. */
    final int[] start;
    /** {@code weights[i * taps + t]}: weight of input {@code start[i] + t} for output {@code i}. */
    final int[] weights;

    private ResampleCoefficients(int inSize, int outSize, int minTaps) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // the triangle's own support is 1
        double inverseScale = 1.0 / filterScale; // multiplied, not divided: Pillow does so
        int maxWindow = (int) Math.ceil(support) * 2 + 1;
        int[] pilStart = new int[outSize];
        int[] pilCount = new int[outSize];
        int[] pilWeights = new int[outSize * maxWindow];
        double[] k = new double[maxWindow];
        int longest = 0;
        for (int i = 0; i < outSize; i++) {
            double center = (i + 0.5) * scale;
            // (int) truncates toward zero like C's cast, which Pillow relies on for rounding here
            int min = Math.max((int) (center - support + 0.5), 0);
            int count = Math.min((int) (center + support + 0.5), inSize) - min;
            double sum = 0.0;
            for (int t = 0; t < count; t++) {
                double w = triangle((t + min - center + 0.5) * inverseScale);
                k[t] = w;
                sum += w;
            }
            for (int t = 0; t < count; t++) {
                double w = sum != 0.0 ? k[t] / sum : k[t];
                pilWeights[i * maxWindow + t] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS)
                        : 0.5 + w * (1 << PRECISION_BITS));
            }
            pilStart[i] = min;
            pilCount[i] = count;
            longest = Math.max(longest, count);
        }
        // Never more than inSize, so that every padded window still fits inside the input
        this.taps = Math.max(longest, Math.min(minTaps, inSize));
        this.start = new int[outSize];
        this.weights = new int[outSize * taps];
        for (int i = 0; i < outSize; i++) {
            int s = Math.min(pilStart[i], inSize - taps);
            start[i] = s;
            System.arraycopy(pilWeights, i * maxWindow, weights, i * taps + (pilStart[i] - s), pilCount[i]);
        }
    }

    /** Shared, immutable coefficients for resizing {@code inSize} pixels to {@code outSize}. */
    static ResampleCoefficients bilinear(int inSize, int outSize) {
        return bilinear(inSize, outSize, 0);
    }

    /**
     * The same filter with windows padded to at least {@code minTaps} (as far as the input is
     * long enough), for loops written for a fixed window length.
     */
    static ResampleCoefficients bilinear(int inSize, int outSize, int minTaps) {
        if (inSize <= 0 || outSize <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + inSize + " -> " + outSize);
        }
        Key key = new Key(inSize, outSize, minTaps);
        ResampleCoefficients cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        long bytes = estimatedBytes(inSize, outSize, minTaps);
        if (bytes > CACHE_ENTRY_BYTE_LIMIT) {
            return new ResampleCoefficients(inSize, outSize, minTaps);
        }
        if (CACHE.size() >= CACHE_LIMIT || CACHED_BYTES.get() + bytes > CACHE_BYTE_LIMIT) {
            // A stream uses a handful of frame sizes; many more means sizes vary freely, and a
            // full reset is cheaper than tracking recency
            clearCache();
        }
        return CACHE.computeIfAbsent(key, k -> {
            CACHED_BYTES.addAndGet(bytes);
            return new ResampleCoefficients(k.inSize, k.outSize, k.minTaps);
        });
    }

    /**
     * An upper bound of what an instance holds (start and weight arrays), known before computing it:
     * the window is at most {@code 2 * ceil(in / out) + 1} taps, or {@code minTaps}.
     */
    static long estimatedBytes(int inSize, int outSize, int minTaps) {
        long window = Math.max(2L * ((inSize + (long) outSize - 1) / outSize) + 1, minTaps);
        return 4L * outSize * (1 + window);
    }

    /** Bytes of coefficients the shared cache holds now (an estimate from above; for tests and limits). */
    static long cachedBytes() {
        return CACHED_BYTES.get();
    }

    private static synchronized void clearCache() {
        // The counter may briefly read a little high while other threads add: it only errs on the safe side.
        CACHE.clear();
        CACHED_BYTES.set(0);
    }

    private record Key(int inSize, int outSize, int minTaps) {}

    private static double triangle(double x) {
        double a = Math.abs(x);
        return a < 1.0 ? 1.0 - a : 0.0;
    }

    /** Pillow's clip8: drops the fixed-point fraction and saturates to 0..255. */
    static int clip8(int accumulator) {
        int v = accumulator >> PRECISION_BITS;
        return v < 0 ? 0 : Math.min(v, 255);
    }
}
