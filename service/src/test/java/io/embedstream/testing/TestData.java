package io.embedstream.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The committed test fixtures in {@code testdata/} (real models and the MNIST sample; provenance in
 * {@code testdata/PROVENANCE.md}), found through the system property {@code embedstream.testdata.dir}, which
 * the parent pom sets to {@code <root>/testdata}. Missing fixtures fail the test with a clear message
 * instead of skipping it, so a broken checkout never passes silently.
 */
public final class TestData {

    public static final String PROPERTY = "embedstream.testdata.dir";

    private TestData() {}

    public static Path root() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            throw new AssertionError("system property " + PROPERTY + " is not set; run the tests through Maven "
                    + "(the parent pom sets it to <checkout>/testdata) or pass -D" + PROPERTY + "=<path>");
        }
        return existing(Path.of(dir).toAbsolutePath().normalize(), "the test data directory");
    }

    /** {@code models/<name>}, e.g. {@code mnist-cnn}. */
    public static Path model(String name) {
        return existing(root().resolve("models").resolve(name), "test model '" + name + "'");
    }

    /** {@code data/mnist-sample}: images/00000.png … and labels.csv. */
    public static Path mnistSample() {
        return existing(root().resolve("data").resolve("mnist-sample"), "the MNIST sample");
    }

    /** A file of the checkout, relative to its root (the folder that holds {@code testdata/}), e.g. {@code config/application.yaml}. */
    public static Path checkoutFile(String relative) {
        return existing(root().getParent().resolve(relative), "'" + relative + "' of the checkout");
    }

    private static Path existing(Path p, String what) {
        if (!Files.exists(p)) {
            throw new AssertionError(what + " is missing: " + p + " does not exist (" + PROPERTY + "="
                    + System.getProperty(PROPERTY) + "); it is committed under testdata/ in the repository");
        }
        return p;
    }
}
