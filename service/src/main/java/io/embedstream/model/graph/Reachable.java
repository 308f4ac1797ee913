package io.embedstream.model.graph;

import java.util.List;
import org.tensorflow.proto.GraphDef;

/**
 * A graph in which the requested tensors can be fetched by a plain session run.
 *
 * @param graphDef the graph to import (the original, or one with a tap added)
 * @param fetches  one top-level tensor name ({@code op:index}) per requested target, in request order
 */
public record Reachable(GraphDef graphDef, List<String> fetches) {
    public Reachable {
        fetches = List.copyOf(fetches);
    }
}
