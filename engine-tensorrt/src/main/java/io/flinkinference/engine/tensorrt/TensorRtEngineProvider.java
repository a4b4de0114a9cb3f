package io.flinkinference.engine.tensorrt;

import io.flinkinference.modelstore.ModelStore;
import io.flinkinference.modelstore.ModelVersion;
import io.flinkinference.modelstore.manifest.ModelFormat;
import io.flinkinference.modelstore.manifest.TensorSpec;
import io.flinkinference.operators.engine.EngineProvider;
import io.flinkinference.operators.engine.InferenceEngine;
import io.flinkinference.operators.engine.MachineCheck;
import io.flinkinference.operators.engine.ModelCompiler;
import io.flinkinference.engine.tensorrt.check.TensorRtMachineCheck;
import io.flinkinference.engine.tensorrt.plan.TensorRtCompiler;
import io.flinkinference.engine.tensorrt.PlanSelector.PlanNotFoundException;
import io.flinkinference.engine.tensorrt.PlanSelector.Target;
import io.flinkinference.engine.tensorrt.gpu.Cuda;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code tensorrt} engine. Given an ONNX model it runs that model's plan for this GPU (chosen by
 * {@link PlanSelector} from the same store); given a plan it checks that the plan fits this GPU and
 * TensorRT version, and refuses with what to build otherwise.
 */
public final class TensorRtEngineProvider implements EngineProvider {
    public static final String NAME = "tensorrt";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<ConfigOption<?>> options() {
        return TensorRtOptions.all();
    }

    @Override
    public boolean supports(ModelFormat format) {
        return format == ModelFormat.ONNX || format == ModelFormat.TENSORRT_PLAN;
    }

    @Override
    public boolean usesGpu() {
        return true;
    }

    /**
     * The GPUs CUDA itself can use here: in a container {@code /dev/nvidia*} may list devices that
     * CUDA cannot open. Without a usable one this fails with what is missing.
     */
    @Override
    public int visibleGpus() {
        return Cuda.deviceCount();
    }

    @Override
    public InferenceEngine open(ModelVersion model, ReadableConfig options, int device) {
        Target target = new Target(TensorRtLibrary.load(), Cuda.describe(device).computeCapability());
        ModelVersion plan = planFor(model, target);
        return TensorRtEngine.load(plan, device, options.get(TensorRtOptions.CUDA_GRAPHS),
                options.get(TensorRtOptions.GPU_IMAGE_DECODING) ? model.manifest().preprocessing() : null);
    }

    /**
     * A plan that is not in a store yet, on GPU 0 (or {@link TensorRtOptions#CANDIDATE_DEVICE}):
     * what the setup job validates before it publishes a plan. Inputs arrive as tensors.
     */
    @Override
    public InferenceEngine openCandidate(String description, byte[] model, List<TensorSpec> inputs, List<TensorSpec> outputs,
            ReadableConfig options) {
        return TensorRtEngine.deserialize(description, "memory (not yet published)", model,
                options.get(TensorRtOptions.CANDIDATE_DEVICE), options.get(TensorRtOptions.CUDA_GRAPHS), null);
    }

    /** TensorRT, a GPU and a plan of the model for that GPU: what {@link #open} will need on device 0. */
    @Override
    public void checkRunnableHere(ModelVersion model, ReadableConfig options) {
        Cuda.deviceCount();
        planFor(model, new Target(TensorRtLibrary.load(), Cuda.describe(0).computeCapability()));
    }

    /** Plans for this machine's GPU, built from ONNX models ({@code setup tensorrt}). */
    @Override
    public Optional<ModelCompiler> compiler() {
        return Optional.of(new TensorRtCompiler());
    }

    /** {@code gpu-check}: this machine's GPU, CUDA, nvJPEG and TensorRT, checked and measured. */
    @Override
    public Optional<MachineCheck> machineCheck() {
        return Optional.of(new TensorRtMachineCheck());
    }

    static ModelVersion planFor(ModelVersion model, Target target) {
        if (model.manifest().format() == ModelFormat.ONNX) {
            return PlanSelector.select(ModelStore.open(model.storeRoot()), model.ref(), target);
        }
        if (!PlanSelector.matches(model.manifest(), target)) {
            throw new PlanNotFoundException(model.ref() + " was built for " + PlanSelector.describe(model) + ", not for "
                    + target + ". Build a plan on this machine: flink-inference setup tensorrt "
                    + model.manifest().lineage().parentName());
        }
        return model;
    }
}
