package io.embedstream.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Checks an Avro schema against earlier versions under a {@link CompatibilityLevel}, with Avro's own
 * {@link SchemaCompatibility}. Stateless and thread-safe.
 */
public final class AvroCompatibility {
    private AvroCompatibility() {}

    /**
     * The reasons why {@code candidate} may not follow {@code earlier} under {@code level}.
     *
     * @param earlier the earlier versions, oldest first; a non-transitive level checks only the last one
     * @return human-readable problems; empty when compatible
     */
    public static List<String> problems(CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
        List<String> problems = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return problems;
        }
        List<Schema> against = level.isTransitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        for (Schema previous : against) {
            if (level.checksBackward()) {
                describe("new schema cannot read data written with an earlier one", candidate, previous, problems);
            }
            if (level.checksForward()) {
                describe("an earlier schema cannot read data written with the new one", previous, candidate, problems);
            }
        }
        return problems;
    }

    /**
     * The reasons why data written with {@code writer} cannot be read with {@code reader}; empty when it can.
     */
    public static List<String> readProblems(Schema reader, Schema writer) {
        List<String> problems = new ArrayList<>();
        describe("reader schema " + reader.getFullName() + " cannot read writer schema " + writer.getFullName(),
                reader, writer, problems);
        return problems;
    }

    private static void describe(String what, Schema reader, Schema writer, List<String> problems) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(what + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + ": "
                    + incompatibility.getMessage());
        }
    }
}
