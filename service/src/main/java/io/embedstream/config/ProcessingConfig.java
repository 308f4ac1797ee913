package io.embedstream.config;

import java.util.regex.Pattern;

/**
 * Kafka Streams processing settings that the service owns.
 *
 * @param guarantee       exactly_once_v2 (default) or at_least_once
 * @param streamThreads   Kafka Streams threads in this instance
 * @param groupInstanceId the static group membership id of this instance ({@code group.instance.id}; Kafka Streams
 *                        appends {@code -<thread>} per stream thread), unique per instance; {@code null} derives
 *                        one that is stable across restarts on the same host (see {@code app.StaticMembership})
 */
public record ProcessingConfig(Guarantee guarantee, int streamThreads, String groupInstanceId) {

    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public ProcessingConfig {
        Checks.required("processing.guarantee", guarantee);
        Checks.atLeast("processing.stream-threads", streamThreads, 1);
        groupInstanceId = Checks.blankToNull(groupInstanceId);
        if (groupInstanceId != null && !INSTANCE_ID.matcher(groupInstanceId).matches()) {
            throw ConfigException.invalid("processing.group-instance-id", groupInstanceId,
                    "expected 1-200 letters, digits, '.', '_' or '-', unique per instance (or leave it unset)");
        }
    }
}
