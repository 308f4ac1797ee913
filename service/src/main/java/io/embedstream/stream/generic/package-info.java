/**
 * Generic input: any Avro record ({@code input.format: avro}) or JSON object ({@code input.format: json}) whose
 * model input is one field, named by a dotted path ({@code input.field}), and the output that is the same record
 * plus its embedding. {@link io.embedstream.stream.generic.GenericFormat} wires a format's
 * {@link io.embedstream.stream.InputHandler} and {@link io.embedstream.stream.OutputWriter} and checks what can be
 * checked at start-up; {@link io.embedstream.stream.generic.ModelRows} turns a field's value into a model input row;
 * {@link io.embedstream.stream.generic.DerivedSchemas} keeps one derived output schema per input writer schema.
 * Everything here is thread-safe and owns nothing that needs closing.
 */
package io.embedstream.stream.generic;
