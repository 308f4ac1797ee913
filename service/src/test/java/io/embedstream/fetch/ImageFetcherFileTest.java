package io.embedstream.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.config.ConfigException;
import io.embedstream.config.ImageConfig;
import io.embedstream.failure.FailureReason;
import io.embedstream.failure.ImageFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFetcherFileTest {
    private static final byte[] IMAGE = {9, 8, 7};

    @TempDir
    Path tmp;
    private Path root;
    private Path outside;
    private ImageFetcher fetcher;

    @BeforeEach
    void setUp() throws IOException {
        root = Files.createDirectories(tmp.resolve("root"));
        outside = Files.createDirectories(tmp.resolve("outside"));
        Files.write(root.resolve("inside.png"), IMAGE);
        Files.createDirectories(root.resolve("sub dir"));
        Files.write(root.resolve("sub dir/nested.png"), IMAGE);
        Files.write(outside.resolve("secret.png"), new byte[] {6, 6, 6});
        Files.createSymbolicLink(root.resolve("link.png"), outside.resolve("secret.png"));
        Files.createSymbolicLink(root.resolve("linkdir"), outside);
        Files.createSymbolicLink(root.resolve("good-link.png"), root.resolve("inside.png"));
        fetcher = new ImageFetcher(ImageConfig.builder().roots(List.of(root)).maxBytes(1000).build());
    }

    @AfterEach
    void tearDown() {
        fetcher.close();
    }

    private FetchResult fetch(String uri) {
        return fetcher.fetch(ImageRequest.of("1", uri));
    }

    private ImageFailure failure(String uri) {
        FetchResult result = fetch(uri);
        assertThat(result).as("%s", result).isInstanceOf(FetchResult.Failed.class);
        return ((FetchResult.Failed) result).failure();
    }

    @Test
    void shouldReadFileUnderRoot() {
        FetchResult result = fetch(root.resolve("inside.png").toUri().toString());
        assertThat(((FetchResult.Fetched) result).bytes()).isEqualTo(IMAGE);
        assertThat(fetch("file://" + root + "/sub%20dir/nested.png").ok()).isTrue();
        assertThat(fetch("file:" + root + "/inside.png").ok()).as("file:/path form").isTrue();
        assertThat(fetch(root.resolve("good-link.png").toUri().toString()).ok()).as("symlink within the root").isTrue();
    }

    @Test
    void shouldRefuseDotDotEscape() {
        ImageFailure f = failure("file://" + root + "/../outside/secret.png");
        assertThat(f.reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
        assertThat(f.message()).contains(outside.resolve("secret.png").toString()).contains("outside image.roots");
        assertThat(failure("file://" + root + "/%2e%2e/outside/secret.png").reason())
                .as("percent-encoded ..").isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
    }

    @Test
    void shouldRefuseSymlinkEscape() {
        ImageFailure f = failure(root.resolve("link.png").toUri().toString());
        assertThat(f.reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
        assertThat(f.message()).contains("symlink").contains(outside.resolve("secret.png").toString());
        assertThat(failure("file://" + root + "/linkdir/secret.png").reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
    }

    @Test
    void shouldRefuseFilesOutsideRootsWhetherOrNotTheyExist() {
        assertThat(failure("file:///etc/passwd").reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
        assertThat(failure("file:///etc/no-such-file").reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
        assertThat(failure("file://" + tmp + "/root-sibling.png").reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
        assertThat(failure("file://" + root + "x/inside.png").reason())
                .as("a path that only shares the root's prefix").isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
    }

    @Test
    void shouldReportMissingFileUnderRootAsNotFound() {
        ImageFailure f = failure("file://" + root + "/missing.png");
        assertThat(f.reason()).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(f.message()).contains("no such file").contains("missing.png");
        assertThat(failure("file://" + root + "/sub%20dir").reason()).as("a directory").isEqualTo(FailureReason.NOT_FOUND);
    }

    @Test
    void shouldRefuseFileLargerThanMaxBytes() throws IOException {
        Files.write(root.resolve("big.png"), new byte[1001]);
        ImageFailure f = failure("file://" + root + "/big.png");
        assertThat(f.reason()).isEqualTo(FailureReason.TOO_LARGE);
        assertThat(f.message()).contains("1001 bytes").contains("image.max-bytes=1000");
    }

    @Test
    void shouldRefuseFileUriWithHost() {
        ImageFailure f = failure("file://otherhost" + root + "/inside.png");
        assertThat(f.reason()).isEqualTo(FailureReason.INVALID_URI);
        assertThat(f.message()).contains("file:///absolute/path");
    }

    @Test
    void shouldRefuseEveryFileUriWithoutRoots() {
        try (ImageFetcher noRoots = new ImageFetcher(ImageConfig.defaults())) {
            FetchResult result = noRoots.fetch(ImageRequest.of("1", root.resolve("inside.png").toUri().toString()));
            ImageFailure f = ((FetchResult.Failed) result).failure();
            assertThat(f.reason()).isEqualTo(FailureReason.OUTSIDE_ALLOWED_ROOTS);
            assertThat(f.message()).contains("no image.roots are configured");
        }
    }

    @Test
    void shouldFailAtStartWhenARootDoesNotExist() {
        assertThatThrownBy(() -> new ImageFetcher(ImageConfig.builder().roots(List.of(root, tmp.resolve("nope"))).build()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("image.roots[1]")
                .hasMessageContaining("nope").hasMessageContaining("existing directory");
    }
}
