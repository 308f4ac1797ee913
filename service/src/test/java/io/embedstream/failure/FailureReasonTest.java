package io.embedstream.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.embedstream.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class FailureReasonTest {

    private static final Pattern REASON_ROW = Pattern.compile("^\\| `([A-Z_]+)` \\|");

    @Test
    void shouldListExactlyTheEnumConstantsInTheReadmeTable() throws IOException {
        List<String> rows = readmeReasonRows();

        assertThat(rows).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(FailureReason.values()).map(Enum::name).toList());
    }

    @Test
    void shouldKeepTheReasonNamesThatConsumersFilterOn() {
        // The dead-letter header carries name(); these names were published before the enum existed.
        assertThat(Arrays.stream(FailureReason.values()).map(Enum::name)).contains(
                "UNDECODABLE", "WRONG_DIMENSION", "NON_FINITE", "MODEL_REJECTED", "NOT_FOUND", "HTTP_STATUS",
                "TIMEOUT", "TOO_LARGE", "NOT_AN_IMAGE", "TOO_MANY_PIXELS", "BLOCKED_BY_POLICY",
                "OUTSIDE_ALLOWED_ROOTS", "UNSUPPORTED_SCHEME", "INVALID_URI", "IO_ERROR");
    }

    @Test
    void shouldNameTheImageFailureClassAndMessageInARecordFailure() {
        ImageFailure image = ImageFailure.http(FailureReason.NOT_FOUND, "http://h/a.png", 404,
                "image http://h/a.png: the server answered HTTP 404 (not found)");

        RecordFailure failure = RecordFailure.of(image);

        assertThat(failure.reason()).isEqualTo(FailureReason.NOT_FOUND);
        assertThat(failure.errorClass()).isEqualTo("io.embedstream.failure.ImageFailure");
        assertThat(failure.message()).isEqualTo("image http://h/a.png: the server answered HTTP 404 (not found)");
    }

    @Test
    void shouldFallBackToTheClassNameWhenTheExceptionHasNoMessage() {
        RecordFailure failure = RecordFailure.of(FailureReason.MODEL_REJECTED, new IllegalArgumentException());

        assertThat(failure.errorClass()).isEqualTo("java.lang.IllegalArgumentException");
        assertThat(failure.message()).isEqualTo("IllegalArgumentException");
    }

    /** The reason column of the table under "### Failure reasons" in README.md. */
    private static List<String> readmeReasonRows() throws IOException {
        List<String> lines = Files.readAllLines(TestData.checkoutFile("README.md"));
        int heading = lines.indexOf("### Failure reasons");
        assertThat(heading).as("README.md has a '### Failure reasons' section").isNotNegative();
        List<String> reasons = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(heading + 1, lines.size())) {
            if (line.startsWith("|")) {
                inTable = true;
                Matcher m = REASON_ROW.matcher(line);
                if (m.find()) {
                    reasons.add(m.group(1));
                }
            } else if (inTable || line.startsWith("#")) {
                break;
            }
        }
        return reasons;
    }
}
