/**
 * Internal: reads GraphDefs and FunctionDefs, finds layers and ops on a signature's inference path and
 * rewrites the graph so that a tensor inside a function body becomes fetchable
 * ({@link io.embedstream.model.graph.TensorResolver}, {@link io.embedstream.model.graph.FunctionTap}).
 * Works on protocol buffers only; it opens no session. Everything here is immutable or stateless.
 */
package io.embedstream.model.graph;
