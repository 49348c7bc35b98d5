package io.flinkvision.operators.image;

import io.flinkvision.operators.SharedData;
import io.flinkvision.operators.model.PreprocessSpec;
import io.flinkvision.schemas.FrameEncoding;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Cost probe, not a test: decodes and preprocesses a 1280x720 JPEG many times and prints CPU
 * time per frame (core-ms, from the thread's CPU clock, so other load on the machine does not
 * count). Run: {@code java -cp <test classpath> io.flinkvision.operators.image.PreprocessCostProbe [iterations]}.
 */
public final class PreprocessCostProbe {
    private PreprocessCostProbe() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        byte[] jpeg = hdJpeg(SharedData.images().resolve("squirrel.jpg"));
        ImageDecoder decoder = new ImageDecoder(10_000_000);
        ImagePreprocessor preprocessor = new ImagePreprocessor(PreprocessSpec.imagenet(224, 256));
        float[] sample = new float[preprocessor.spec().sampleLength()];
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

        for (int i = 0; i < iterations; i++) { // warm-up: let the JIT compile both paths
            preprocessor.preprocessInto(decoder.decode(FrameEncoding.JPEG, 1280, 720, jpeg), sample, 0);
        }
        long[] decodeNanos = new long[iterations];
        long[] preprocessNanos = new long[iterations];
        long wallStart = System.nanoTime();
        for (int i = 0; i < iterations; i++) {
            long t0 = cpu.getCurrentThreadCpuTime();
            RgbImage image = decoder.decode(FrameEncoding.JPEG, 1280, 720, jpeg);
            long t1 = cpu.getCurrentThreadCpuTime();
            preprocessor.preprocessInto(image, sample, 0);
            long t2 = cpu.getCurrentThreadCpuTime();
            decodeNanos[i] = t1 - t0;
            preprocessNanos[i] = t2 - t1;
        }
        double wallMs = (System.nanoTime() - wallStart) / 1e6 / iterations;
        System.out.printf("1280x720 JPEG (%d bytes) -> %s, %d iterations after %d warm-up%n",
                jpeg.length, preprocessor.spec(), iterations, iterations);
        System.out.println("core-ms per frame   mean    median  min");
        report("decode", decodeNanos);
        report("preprocess", preprocessNanos);
        long[] total = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            total[i] = decodeNanos[i] + preprocessNanos[i];
        }
        report("total", total);
        System.out.printf("wall ms per frame %.3f (includes time other processes took from this core)%n", wallMs);
    }

    /** Mean, median and minimum: on a shared machine the median and minimum show the code, the mean the load. */
    private static void report(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(0);
        System.out.printf("%-12s %7.3f %7.3f %7.3f%n", what, mean / 1e6, sorted[sorted.length / 2] / 1e6, sorted[0] / 1e6);
    }

    /** A shared photo upscaled to 1280x720 and re-encoded, so the probe needs no extra file. */
    static byte[] hdJpeg(Path photo) throws Exception {
        BufferedImage source = ImageIO.read(Files.newInputStream(photo));
        BufferedImage hd = new BufferedImage(1280, 720, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = hd.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(source, 0, 0, 1280, 720, null);
        g.dispose();
        return new JpegEncoder(0.9f).encode(hd); // typical camera/stream quality
    }
}
