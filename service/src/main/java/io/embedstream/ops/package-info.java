/**
 * Operations: what a platform team needs to run the service. The HTTP endpoint ({@link io.embedstream.ops.OpsServer}:
 * Prometheus metrics, liveness, readiness), the readiness state ({@link io.embedstream.ops.Health}), the meter
 * registry with the JVM and Kafka Streams binders ({@link io.embedstream.ops.OpsMeters}), and the logs a person
 * reads: the periodic progress line ({@link io.embedstream.ops.ProgressLog}), the JSON log format
 * ({@link io.embedstream.ops.LogSetup}) and the filter that summarises floods of identical client warnings
 * ({@link io.embedstream.ops.RepeatedWarningFilter}). Nothing here processes records.
 */
package io.embedstream.ops;
