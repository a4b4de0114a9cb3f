package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelRef;
import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.manifest.DataType;
import io.flinkinference.modelstore.manifest.Lineage;
import io.flinkinference.modelstore.manifest.Manifest;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.EngineException;
import io.flinkinference.engine.tensorrt.gpu.GpuTests;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * TensorRT's runtime on a real GPU, where one exists: a plan it cannot deserialize (bytes of
 * another TensorRT version, or damaged ones) is refused with TensorRT's own words and what to do,
 * and the runtime created for it is freed again; objects TensorRT's factories return are deleted
 * when closed (see {@link NativeOwnership}). Building and running a real plan is
 * {@code TensorRtEngineTest} in the jobs module, which needs the builder resources as well.
 */
class TensorRtEngineLoadTest {
    @TempDir
    Path root;

    @Test
    void tensorRtObjectsReturnedByFactoriesAreFreedOnClose() {
        assumeTensorRtAndGpu();
        TensorRtLibrary.load();
        TensorRtLogger logger = new TensorRtLogger();
        for (int i = 0; i < 200; i++) {
            IRuntime runtime = nvinfer.createInferRuntime(logger);
            assertThat(NativeOwnership.owned(runtime)).as("JavaCPP owns nothing a factory returns").isFalse();
            NativeOwnership.own(runtime, IRuntime::new);
            assertThat(NativeOwnership.owned(runtime)).isTrue();
            runtime.close(); // deletes the runtime: 200 rounds without a crash or a TensorRT error
            assertThat(runtime.isNull()).isTrue();
        }
        // the throwaway objects that lend their deallocator, for the other two kinds
        try (ICudaEngine engine = new ICudaEngine(); IExecutionContext context = new IExecutionContext()) {
            assertThat(NativeOwnership.owned(engine)).isTrue();
            assertThat(NativeOwnership.owned(context)).isTrue();
        }
        assertThat(logger.drainErrors()).isEmpty();
    }

    @Test
    void refusesAPlanItCannotDeserialize() throws Exception {
        assumeTensorRtAndGpu();
        ModelStore store = ModelStore.open(root.toUri());
        Path damaged = Files.write(root.resolve("plan.tmp"), new byte[4096]);
        TensorSpec x = new TensorSpec("x", DataType.FLOAT32, List.of(-1L, 3L, 48L, 192L), null);
        store.publish(Manifest.builder("cls-trt-sm90").format(ModelFormat.TENSORRT_PLAN).artifact("model.plan")
                .inputs(List.of(x)).outputs(List.of(x))
                .lineage(new Lineage("cls", 1, List.of("tensorrt-plan"), null, Map.of())).build(),
                Map.of("model.plan", damaged));

        for (int attempt = 0; attempt < 3; attempt++) { // the failed load leaves nothing behind to trip the next
            assertThatThrownBy(() -> TensorRtEngine.load(store.resolve(ModelRef.parse("cls-trt-sm90")), 0, true))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("could not deserialize cls-trt-sm90:1")
                    .hasMessageContaining("on GPU 0")
                    .hasMessageContaining("rebuild it with flink-inference setup tensorrt");
        }
    }

    private static void assumeTensorRtAndGpu() {
        assumeFalse(GpuTests.unavailableReason().isPresent(), () -> GpuTests.unavailableReason().orElse(""));
        assumeTrue(!TensorRtLibrary.candidates(System.getenv()).isEmpty(), "no libnvinfer.so.10 (TensorRT 10) here");
    }
}
