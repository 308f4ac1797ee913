/**
 * Internal: TensorFlow objects with native resources — the imported graph, sessions with restored
 * variables, session options and device probing. Each class states who owns and closes what.
 */
package io.embedstream.model.runtime;
