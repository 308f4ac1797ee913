package io.embedstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shared test data ({@code ../shared}: real models and the MNIST sample), found through the
 * system property {@code embedstream.shared.dir} that the pom sets to {@code ${project.basedir}/../shared}.
 * Missing data fails the test with a clear message instead of skipping it, so a broken checkout never
 * passes silently.
 */
public final class SharedDir {

    public static final String PROPERTY = "embedstream.shared.dir";

    private SharedDir() {}

    public static Path root() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new AssertionError("system property " + PROPERTY + " is not set; run the tests through Maven "
                    + "(the pom sets it to ${project.basedir}/../shared) or pass -D" + PROPERTY + "=<path>");
        }
        return existing(Path.of(dir).toAbsolutePath().normalize(),
                "the shared test data directory");
    }

    /** {@code models/<name>}, e.g. {@code mnist-cnn}. */
    public static Path model(String name) {
        return existing(root().resolve("models").resolve(name), "shared model '" + name + "'");
    }

    /** {@code data/mnist-sample}: images/00000.png … and labels.csv. */
    public static Path mnistSample() {
        return existing(root().resolve("data").resolve("mnist-sample"), "the MNIST sample");
    }

    private static Path existing(Path p, String what) {
        if (!Files.exists(p)) {
            throw new AssertionError(what + " is missing: " + p + " does not exist (" + PROPERTY + "="
                    + System.getProperty(PROPERTY) + "). Run the tests from a checkout with ../shared beside it.");
        }
        return p;
    }
}
