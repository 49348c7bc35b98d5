package io.flinkvision.tests;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** Writes a job jar at test time from compiled test classes, so a real cluster runs code it was sent. */
final class JobJars {
    private JobJars() {}

    /** A jar of every class in {@code mainClass}'s package (nested classes included), Main-Class set. */
    static Path write(Path jar, Class<?> mainClass) throws IOException {
        Path classes;
        try {
            classes = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("cannot locate the classes of " + mainClass, e);
        }
        String packagePath = mainClass.getPackageName().replace('.', '/');
        List<Path> files;
        try (Stream<Path> listing = Files.list(classes.resolve(packagePath))) {
            files = listing.filter(f -> f.toString().endsWith(".class")).sorted().toList();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass.getName());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
            for (Path file : files) {
                jarOut.putNextEntry(new JarEntry(packagePath + "/" + file.getFileName()));
                jarOut.write(Files.readAllBytes(file));
                jarOut.closeEntry();
            }
        }
        return jar;
    }
}
