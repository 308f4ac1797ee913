package io.embedstream.fetch;

import io.embedstream.config.ConfigException;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads {@code file://} images, but only from under the configured root directories.
 *
 * <p>The path is checked twice: lexically after {@link Path#normalize()} (so {@code ..} cannot climb out, and a
 * path outside the roots gets OUTSIDE_ALLOWED_ROOTS whether or not it exists, which reveals nothing about the
 * file system), and again after {@link Path#toRealPath} (so a symlink inside a root cannot point outside it).
 * The file that is opened is the real path, opened without following links.
 *
 * <p>Residual risk: someone who can write inside a root could swap a directory for a symlink between the check
 * and the open. Roots should be trees that only trusted writers change.
 *
 * <p>Thread-safe and immutable.
 */
final class RootedFileReader {
    private final List<Path> roots;        // as configured, absolute and normalised
    private final List<Path> realRoots;    // the same after resolving symlinks
    private final long maxBytes;

    /** @throws ConfigException if a root does not exist or is not a directory */
    RootedFileReader(List<Path> roots, long maxBytes) {
        Set<Path> lexical = new LinkedHashSet<>();
        Set<Path> real = new LinkedHashSet<>();
        for (int i = 0; i < roots.size(); i++) {
            Path root = roots.get(i).toAbsolutePath().normalize();
            try {
                Path r = root.toRealPath();
                if (!Files.isDirectory(r)) {
                    throw ConfigException.invalid("image.roots[" + i + "]", root, "expected a directory");
                }
                lexical.add(root);
                real.add(r);
            } catch (IOException e) {
                throw new ConfigException("image.roots[" + i + "]: '" + root + "' is not valid; expected an existing "
                        + "directory (" + e + ")", e);
            }
        }
        this.roots = List.copyOf(lexical);
        this.realRoots = List.copyOf(real);
        this.maxBytes = maxBytes;
    }

    byte[] read(URI uri, String label) throws FetchException {
        String source = Uris.redact(uri);
        Path path;
        try {
            path = Path.of(uri);
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new FetchException(ImageFailure.of(FailureReason.INVALID_URI, source, label
                    + " is not a valid local file URI (" + e.getMessage()
                    + "); expected file:///absolute/path with no host, query or fragment"), false, e);
        }
        Path normal = path.toAbsolutePath().normalize();
        if (roots.isEmpty()) {
            throw outside(source, label + " is a file URI, but no image.roots are configured; file:// is refused");
        }
        if (!under(normal, roots) && !under(normal, realRoots)) {
            throw outside(source, label + " resolves to " + normal + ", outside image.roots " + roots);
        }
        Path real;
        try {
            real = normal.toRealPath();
        } catch (NoSuchFileException e) {
            throw new FetchException(ImageFailure.of(FailureReason.NOT_FOUND, source,
                    label + ": no such file " + normal), false, e);
        } catch (IOException e) {
            throw ioError(source, label + ": cannot resolve " + normal, e);
        }
        if (!under(real, realRoots)) {
            throw outside(source, label + " leads through a symlink to " + real + ", outside image.roots " + roots);
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw FetchException.of(FailureReason.NOT_FOUND, source, label + ": " + real
                    + " is not a regular file; expected an image file");
        }
        try {
            long size = Files.size(real);
            if (size > maxBytes) {
                throw FetchException.of(FailureReason.TOO_LARGE, source, label + " is " + size
                        + " bytes; the limit is image.max-bytes=" + maxBytes);
            }
            try (InputStream in = Files.newInputStream(real, LinkOption.NOFOLLOW_LINKS)) {
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    throw FetchException.of(FailureReason.TOO_LARGE, source, label + " grew past image.max-bytes="
                            + maxBytes + " while being read");
                }
                return bytes;
            }
        } catch (NoSuchFileException e) {
            throw new FetchException(ImageFailure.of(FailureReason.NOT_FOUND, source,
                    label + ": no such file " + real), false, e);
        } catch (AccessDeniedException e) {
            throw ioError(source, label + ": permission denied reading " + real, e);
        } catch (IOException e) {
            throw ioError(source, label + ": cannot read " + real, e);
        }
    }

    List<Path> roots() {
        return new ArrayList<>(roots);
    }

    private static boolean under(Path path, List<Path> roots) {
        for (Path root : roots) {
            if (path.startsWith(root)) {
                return true;
            }
        }
        return false;
    }

    private static FetchException outside(String source, String message) {
        return FetchException.of(FailureReason.OUTSIDE_ALLOWED_ROOTS, source, message);
    }

    private static FetchException ioError(String source, String message, IOException e) {
        return new FetchException(ImageFailure.of(FailureReason.IO_ERROR, source, message + " (" + e + ")"), false, e);
    }
}
