package io.flinkvision.tests.fuzz;

import io.flinkvision.testkit.SharedFixtures;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Seeds for the fuzzers: the real photos of ../shared/images, shrunk (a fuzzer gets through many more
 * small inputs) and written as they are found in the wild: baseline and progressive JPEG, RGB, grey and
 * palette PNG.
 */
final class FuzzSeeds {
    /** What a seed is, for the decoder: its encoding and bytes. */
    record Image(boolean jpeg, byte[] bytes) {}

    private FuzzSeeds() {}

    static List<Image> images(int maxSide, int photos) {
        List<Image> seeds = new ArrayList<>();
        try (Stream<Path> files = Files.list(SharedFixtures.images())) {
            List<Path> found = files.filter(f -> f.toString().matches(".*\\.(jpg|png)")).sorted().limit(photos).toList();
            for (Path file : found) {
                BufferedImage photo = ImageIO.read(file.toFile());
                BufferedImage rgb = shrink(photo, maxSide, BufferedImage.TYPE_3BYTE_BGR);
                seeds.add(new Image(true, jpeg(rgb, false)));
                seeds.add(new Image(true, jpeg(rgb, true)));
                seeds.add(new Image(false, png(rgb)));
                seeds.add(new Image(false, png(shrink(photo, maxSide, BufferedImage.TYPE_BYTE_GRAY))));
                seeds.add(new Image(false, png(shrink(photo, maxSide, BufferedImage.TYPE_BYTE_INDEXED))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the seed photos", e);
        }
        return seeds;
    }

    private static BufferedImage shrink(BufferedImage photo, int maxSide, int type) {
        double scale = Math.min(1.0, (double) maxSide / Math.max(photo.getWidth(), photo.getHeight()));
        int w = Math.max(1, (int) Math.round(photo.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(photo.getHeight() * scale));
        BufferedImage out = new BufferedImage(w, h, type);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(photo, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static byte[] jpeg(BufferedImage image, boolean progressive) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            } else {
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(0.85f);
            }
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG writer");
        }
        return bytes.toByteArray();
    }
}
