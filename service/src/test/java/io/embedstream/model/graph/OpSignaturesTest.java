package io.embedstream.model.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.embedstream.model.ModelException;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.FunctionDefLibrary;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;

/** Function-body tensor names come from TensorFlow's op registry, list outputs included. */
class OpSignaturesTest {

    private static final OpSignatures OPS = OpSignatures.of(FunctionDefLibrary.newBuilder()
            .addFunction(FunctionDef.newBuilder().setSignature(OpDef.newBuilder().setName("my_fn")
                    .addOutputArg(OpDef.ArgDef.newBuilder().setName("a").setType(DataType.DT_FLOAT))
                    .addOutputArg(OpDef.ArgDef.newBuilder().setName("b").setType(DataType.DT_INT32))))
            .build());

    private static NodeDef node(String op, String attr, AttrValue value) {
        NodeDef.Builder b = NodeDef.newBuilder().setName("n").setOp(op)
                .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
        if (attr != null) {
            b.putAttr(attr, value);
        }
        return b.build();
    }

    @Test
    void shouldNameSingleOutputsByTheirOutputArgument() {
        assertThat(OPS.bodyName(node("Relu", null, null), 0)).isEqualTo("n:activations:0");
        assertThat(OPS.bodyName(node("MatMul", null, null), 0)).isEqualTo("n:product:0");
        assertThat(OPS.bodyName(node("Softmax", null, null), 0)).isEqualTo("n:softmax:0");
        assertThat(OPS.bodyName(node("Sigmoid", null, null), 0)).isEqualTo("n:y:0");
        assertThat(OPS.bodyName(node("Elu", null, null), 0)).isEqualTo("n:activations:0");
        assertThat(OPS.bodyName(node("BiasAdd", null, null), 0)).isEqualTo("n:output:0");
        assertThat(OPS.outputType(node("Relu", null, null), 0)).isEqualTo(DataType.DT_FLOAT);
    }

    @Test
    void shouldCountListOutputsByNumberAndTypeListAttributes() {
        NodeDef split = node("Split", "num_split", AttrValue.newBuilder().setI(3).build());
        assertThat(OPS.outputCount(split)).isEqualTo(3);
        assertThat(OPS.bodyName(split, 2)).isEqualTo("n:output:2");
        assertThat(OPS.flatIndex(split, "output", 1)).isEqualTo(1);

        NodeDef unique = node("UniqueWithCounts", null, null);
        assertThat(OPS.bodyName(unique, 2)).isEqualTo("n:count:0");
        assertThat(OPS.flatIndex(unique, "idx", 0)).isEqualTo(1);
        assertThat(OPS.outputType(unique, 1)).isEqualTo(DataType.DT_INT32); // out_idx defaults to int32

        AttrValue types = AttrValue.newBuilder().setList(AttrValue.ListValue.newBuilder()
                .addType(DataType.DT_FLOAT).addType(DataType.DT_RESOURCE)).build();
        NodeDef call = NodeDef.newBuilder().setName("c").setOp("StatefulPartitionedCall").putAttr("Tout", types).build();
        assertThat(OPS.outputCount(call)).isEqualTo(2);
        assertThat(OPS.bodyName(call, 1)).isEqualTo("c:output:1");
        assertThat(OPS.outputType(call, 1)).isEqualTo(DataType.DT_RESOURCE);
    }

    @Test
    void shouldTreatLibraryFunctionsAsOpTypes() {
        NodeDef direct = NodeDef.newBuilder().setName("f").setOp("my_fn").build();
        assertThat(OPS.calledFunction(direct)).contains("my_fn");
        assertThat(OPS.bodyName(direct, 1)).isEqualTo("f:b:0");
        assertThat(OPS.outputType(direct, 1)).isEqualTo(DataType.DT_INT32);
    }

    @Test
    void shouldNameWhatIsWrong() {
        assertThatThrownBy(() -> OPS.flatIndex(node("Relu", null, null), "output", 0))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("has no output argument 'output'; it has [activations]");
        assertThatThrownBy(() -> OPS.opDef("NoSuchOp"))
                .isInstanceOf(ModelException.class)
                .hasMessageContaining("op type 'NoSuchOp' is neither registered");
    }
}
